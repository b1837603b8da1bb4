"""Progress: the matrix of employees x assigned courses, one enrollment's lessons and
blockers, extra quiz attempts, removing an assignment and downloading certificates."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, paging, rendering, web
from llp_gql.certs.links import download_url
from llp_gql.domain import access, corrections, enrollments, groups, matrix, matrix_filter, quizzes
from llp_gql.domain.certificates import Reason, parse_reason
from llp_gql.errors import Conflict, ValidationFailed

MATRIX_PAGE_SIZE = 25


@web.page(web.company_admin)
async def progress_matrix(request: Request, user: access.Actor) -> Response:
    # The one reading of the matrix's filters (the compliance report reads them so too).
    selection = matrix_filter.parse_matrix_filter(request.query_params)
    q, overdue_only, which = selection.search, selection.overdue_only, selection.which
    group = await groups.group_of(user, selection.group_id)
    found = await matrix.progress_matrix(
        user,
        q,
        paging.requested_page(request),
        MATRIX_PAGE_SIZE,
        group_id=group.id if group else None,
        overdue_only=overdue_only,
        which=which,
        now=app_state.now(request),
    )
    return rendering.render(
        request,
        "matrix.html",
        {
            "company": found.company,
            "people": found.people.items,
            "courses": found.courses,
            "cells": found.cells,
            "overdue": found.overdue,
            "q": q,
            "groups": await groups.list_groups(user),
            "group": group,
            "overdue_only": overdue_only,
            "which": which,
            "pager": paging.pager(request, found.people),
            "report_url": "/admin/reports/compliance"
            + ("?" + urlencode(selection.query_items()) if selection.query_items() else ""),
        },
    )


async def _enrollment_context(
    user: access.Actor,
    enrollment: matrix.Enrollment,
    grant_errors: dict[int, str] | None = None,
    reissue_error: str = "",
) -> dict[str, object]:
    detail = await matrix.enrollment_detail(user, enrollment)
    return {
        "may_reissue": detail.certificate is not None
        and access.may_reissue_certificate(user, enrollment),
        "reasons": REASONS,
        "reissue_error": reissue_error,
        "enrollment": detail.enrollment,
        "learner": detail.learner,
        "course": detail.course,
        "assigned_by": detail.assigned_by,
        "state": detail.state,
        "certificate": detail.certificate,
        "assigned": detail.assigned,
        "may_download": detail.may_download,
        "may_remove": detail.may_remove,
        "grantable": detail.grantable,
        "grant_errors": grant_errors or {},
        "min_extra": quizzes.MIN_EXTRA_ATTEMPTS,
        "max_reason": quizzes.MAX_REASON_LENGTH,
        "max_extra": quizzes.MAX_EXTRA_ATTEMPTS,
    }


@web.page(web.admin_or_staff)
async def enrollment_detail(request: Request, user: access.Actor) -> Response:
    """Staff see every enrollment (support) and may grant extra attempts; admins of the
    assigning company may also remove it (``access`` decides each)."""
    enrollment = await access.access_enrollment(user, request.path_params["enrollment_id"])
    return rendering.render(request, "enrollment.html", await _enrollment_context(user, enrollment))


# The reason codes of a re-issue, in words (one place: the page shows these labels).
REASONS = (
    (Reason.NAME_CORRECTION.value, "Name correction"),
    (Reason.TEMPLATE_UPDATE.value, "New certificate template"),
    (Reason.ISSUED_IN_ERROR.value, "Issued in error"),
    (Reason.OTHER.value, "Other"),
)


@web.page(web.company_admin)
async def reissue(request: Request, user: access.Actor) -> Response:
    """Re-issue the enrollment's certificate under a new code (``domain.corrections``)."""
    enrollment = await access.access_enrollment(user, request.path_params["enrollment_id"])
    form = await forms.read_form(request)
    certificate_id = forms.int_or_none(forms.text(form, "certificate", limit=20))
    try:
        reason = parse_reason(forms.text(form, "reason", limit=40), required=True)
        if certificate_id is None or reason is None:
            raise ValidationFailed("Choose the certificate and a reason.")
        _ = await corrections.reissue_certificate(
            user,
            certificate_id,
            reason,
            settings=app_state.settings_of(request),
            clock=app_state.clock_of(request),
        )
    except (ValidationFailed, Conflict) as exc:
        context = await _enrollment_context(user, enrollment, reissue_error=exc.message)
        return rendering.render(request, "enrollment.html", context, status=422)
    return rendering.redirect(f"/admin/enrollments/{enrollment.id}?done=certificate-reissued")


@web.page(web.admin_or_staff)
async def grant_attempts(request: Request, user: access.Actor) -> Response:
    """Admins for their employees, staff for anyone (``access.may_grant_attempts``);
    the page asks for the reason the API leaves optional."""
    enrollment_id: int = request.path_params["enrollment_id"]
    enrollment = await access.access_enrollment(user, enrollment_id)
    form = await forms.read_form(request)
    lesson_id = forms.int_or_none(forms.text(form, "lesson", limit=20))
    extra = forms.int_or_none(forms.text(form, "extra", limit=20))
    reason = forms.text(form, "reason", limit=quizzes.MAX_REASON_LENGTH * 2).strip()
    try:
        if lesson_id is None:
            raise ValidationFailed("Choose a quiz.", field="lessonId")
        if extra is None:
            raise ValidationFailed("Enter a whole number of attempts.", field="extra")
        if not reason:
            raise ValidationFailed("Say why: the reason is kept in the audit log.", field="reason")
        await quizzes.grant_quiz_attempts(
            user, enrollment.id, lesson_id, extra, clock=app_state.clock_of(request), reason=reason
        )
    except (ValidationFailed, Conflict) as exc:
        context = await _enrollment_context(user, enrollment, {lesson_id or 0: exc.message})
        return rendering.render(request, "enrollment.html", context, status=422)
    return rendering.redirect(f"/admin/enrollments/{enrollment.id}?done=attempts-granted")


@web.page(web.company_admin)
async def enrollment_remove(request: Request, user: access.Actor) -> Response:
    enrollment = await access.access_enrollment_to_manage(
        user, request.path_params["enrollment_id"]
    )
    if request.method == "POST":
        await enrollments.remove_enrollment(
            user,
            enrollment.id,
            clock=app_state.clock_of(request),
            settings=app_state.settings_of(request),
        )
        return rendering.redirect("/admin/progress?done=enrollment-removed")
    context = await _enrollment_context(user, enrollment)
    return rendering.render(request, "enrollment_remove.html", context)


@web.page(web.company_admin)
async def certificate_download(request: Request, user: access.Actor) -> Response:
    """A fresh signed link each time, so a page left open never shows a dead one."""
    certificate = await access.access_certificate_for_download(
        user, request.path_params["certificate_id"]
    )
    url = download_url(
        app_state.settings_of(request),
        certificate_id=certificate.id,
        user_id=user.id,
        now=app_state.now(request),
    )
    return rendering.redirect(url)
