"""My learning, the catalogue, enrolling, a course's lessons and the certificate link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from learner_ui import web
from llp_gql.certs.links import credential_url, download_url
from llp_gql.domain import access, enrollments, learning_pages
from llp_gql.errors import ValidationFailed


@web.page
async def my_learning(request: Request, user: access.Actor) -> Response:
    items = await learning_pages.my_learning(user, web.settings_of(request))
    return web.render(
        request,
        "my_learning.html",
        {"items": items, "may_enroll": access.may_enroll_self(user)},
    )


@web.page
async def catalogue(request: Request, user: access.Actor) -> Response:
    entries = await learning_pages.catalogue(user)
    return web.render(
        request,
        "catalogue.html",
        {"entries": entries, "may_enroll": access.may_enroll_self(user)},
    )


@web.page
async def enroll(request: Request, user: access.Actor) -> Response:
    form = await web.read_form(request)
    course_id = web.int_or_none(form.get("course_id"))
    if course_id is None:
        raise ValidationFailed("Choose a course to enroll in.")
    enrollment = await enrollments.enroll_self(user, course_id)
    return web.redirect(f"/learn/enrollments/{enrollment.id}?done=enrolled")


@web.page
async def course(request: Request, user: access.Actor) -> Response:
    view = await learning_pages.learning(
        user, request.path_params["enrollment_id"], web.settings_of(request)
    )
    return web.render(request, "course.html", {"item": view})


@web.page
async def certificate_download(request: Request, user: access.Actor) -> Response:
    """A fresh signed link each time, so a page left open never offers a dead one."""
    certificate = await access.access_certificate_for_download(
        user, request.path_params["certificate_id"]
    )
    url = download_url(
        web.settings_of(request),
        certificate_id=certificate.id,
        user_id=user.id,
        now=web.clock_of(request)(),
    )
    return web.redirect(url)


@web.page
async def credential_download(request: Request, user: access.Actor) -> Response:
    """The Open Badges credential: the PDF's rule, a link signed for the credential."""
    certificate = await access.access_certificate_for_download(
        user, request.path_params["certificate_id"]
    )
    url = credential_url(
        web.settings_of(request),
        certificate_id=certificate.id,
        user_id=user.id,
        now=web.clock_of(request)(),
    )
    return web.redirect(url)
