"""Progress: the matrix of employees x assigned courses, one enrollment's lessons and
blockers, extra quiz attempts, removing an assignment and downloading certificates."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from tortoise.expressions import Q

from admin_ui import web
from admin_ui.employees import search_term
from llp_gql.certs.links import download_url
from llp_gql.domain import access, enrollments, progress, quizzes
from llp_gql.errors import Conflict, ValidationFailed
from llp_gql.models import (
    Certificate,
    Course,
    Enrollment,
    EnrollmentSource,
    LessonKind,
    LessonStatus,
    User,
)

MATRIX_PAGE_SIZE = 25


@web.page(web.company_admin)
async def progress_matrix(request: Request, user: User) -> Response:
    company = await access.access_own_company(user)
    q = search_term(request)
    people_query = User.filter(company_id=company.id)
    if q:
        people_query = people_query.filter(Q(name__icontains=q) | Q(email__icontains=q))
    pager = web.pager(request, await people_query.count(), MATRIX_PAGE_SIZE)
    people = await people_query.order_by("name", "id").offset(pager.offset).limit(pager.size)
    course_ids = set(await web.ids(Enrollment.filter(company_id=company.id), "course_id"))
    courses = await Course.filter(id__in=course_ids).order_by("title", "id")
    items = await Enrollment.filter(company_id=company.id, learner_id__in=[p.id for p in people])
    states = await progress.load_states(items)
    cells = {(e.learner_id, e.course_id): (e, states[e.id]) for e in items}
    return web.render(
        request,
        "matrix.html",
        {
            "company": company,
            "people": people,
            "courses": courses,
            "cells": cells,
            "q": q,
            "pager": pager,
        },
    )


async def _enrollment_context(
    user: User, enrollment: Enrollment, grant_errors: dict[int, str] | None = None
) -> dict[str, object]:
    learner = await User.get(id=enrollment.learner_id)
    course = await Course.get(id=enrollment.course_id)
    assigned_by = (
        await User.get_or_none(id=enrollment.assigned_by_id) if enrollment.assigned_by_id else None
    )
    state = await progress.load_state(enrollment)
    certificate = await Certificate.get_or_none(enrollment_id=enrollment.id).only(
        "id", "issued_at", "course_title", "learner_name", "enrollment_id"
    )
    may_grant = access.may_grant_attempts(user, enrollment)
    return {
        "enrollment": enrollment,
        "learner": learner,
        "course": course,
        "assigned_by": assigned_by,
        "state": state,
        "certificate": certificate,
        "assigned": enrollment.source == EnrollmentSource.ASSIGNED,
        "may_download": access.may_download_certificate(user, enrollment),
        "may_remove": access.is_company_admin(user)
        and access.may_manage_enrollment(user, enrollment),
        "grantable": {
            item.lesson.id
            for item in state.lessons
            if may_grant
            and item.lesson.kind == LessonKind.QUIZ
            and item.lesson.max_attempts is not None
            and item.status != LessonStatus.COMPLETED  # a pass is final: nothing to grant
        },
        "grant_errors": grant_errors or {},
        "min_extra": quizzes.MIN_EXTRA_ATTEMPTS,
        "max_reason": quizzes.MAX_REASON_LENGTH,
        "max_extra": quizzes.MAX_EXTRA_ATTEMPTS,
    }


@web.page(web.admin_or_staff)
async def enrollment_detail(request: Request, user: User) -> Response:
    """Staff see every enrollment (support) and may grant extra attempts; admins of the
    assigning company may also remove it (``access`` decides each)."""
    enrollment = await access.access_enrollment(user, request.path_params["enrollment_id"])
    return web.render(request, "enrollment.html", await _enrollment_context(user, enrollment))


@web.page(web.admin_or_staff)
async def grant_attempts(request: Request, user: User) -> Response:
    """Admins for their employees, staff for anyone (``access.may_grant_attempts``);
    the page asks for the reason the API leaves optional."""
    enrollment_id: int = request.path_params["enrollment_id"]
    enrollment = await access.access_enrollment(user, enrollment_id)
    form = await web.read_form(request)
    lesson_id = web.int_or_none(web.text(form, "lesson", limit=20))
    extra = web.int_or_none(web.text(form, "extra", limit=20))
    reason = web.text(form, "reason", limit=quizzes.MAX_REASON_LENGTH * 2).strip()
    try:
        if lesson_id is None:
            raise ValidationFailed("Choose a quiz.", field="lessonId")
        if extra is None:
            raise ValidationFailed("Enter a whole number of attempts.", field="extra")
        if not reason:
            raise ValidationFailed("Say why: the reason is kept in the audit log.", field="reason")
        await quizzes.grant_quiz_attempts(
            user, enrollment.id, lesson_id, extra, clock=web.clock_of(request), reason=reason
        )
    except (ValidationFailed, Conflict) as exc:
        context = await _enrollment_context(user, enrollment, {lesson_id or 0: exc.message})
        return web.render(request, "enrollment.html", context, status=422)
    return web.redirect(f"/admin/enrollments/{enrollment.id}?done=attempts-granted")


@web.page(web.company_admin)
async def enrollment_remove(request: Request, user: User) -> Response:
    enrollment = await access.access_enrollment_to_manage(
        user, request.path_params["enrollment_id"]
    )
    if request.method == "POST":
        await enrollments.remove_enrollment(user, enrollment.id, clock=web.clock_of(request))
        return web.redirect("/admin/progress?done=enrollment-removed")
    context = await _enrollment_context(user, enrollment)
    return web.render(request, "enrollment_remove.html", context)


@web.page(web.company_admin)
async def certificate_download(request: Request, user: User) -> Response:
    """A fresh signed link each time, so a page left open never shows a dead one."""
    certificate = await access.access_certificate_for_download(
        user, request.path_params["certificate_id"]
    )
    url = download_url(
        web.settings_of(request),
        certificate_id=certificate.id,
        user_id=user.id,
        now=web.now(request),
    )
    return web.redirect(url)
