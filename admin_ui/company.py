"""Company Admin pages about the company itself: dashboard, logo and audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from anyio import to_thread
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, charts, forms, paging, rendering, web
from llp_gql.certs.logo import validate_logo
from llp_gql.domain import access, audit, companies
from llp_gql.errors import ValidationFailed

AUDIT_PAGE_SIZE = 25

# Readable names for the audit log; unknown actions are shown as they are stored.
ACTION_LABELS = {
    audit.ASSIGNED: "Course assigned",
    audit.ENROLLED: "Self-enrolled",
    audit.ENROLLMENT_REMOVED: "Assignment removed",
    audit.CERTIFICATE_ISSUED: "Certificate issued",
    audit.CERTIFICATE_DOWNLOADED: "Certificate downloaded",
    audit.CERTIFICATES_EXPORTED: "Certificates exported",
    audit.CERTIFICATE_REISSUED: "Certificate re-issued",
    audit.TEMPLATE_SAVED: "Certificate template saved",
    audit.ATTEMPTS_GRANTED: "Extra quiz attempts",
    audit.EMPLOYEE_CREATED: "Employee created",
    audit.EMPLOYEE_REMOVED: "Employee removed",
    audit.ACCOUNT_DELETED: "Account deleted",
    audit.PASSWORD_CHANGED: "Password changed",
    audit.LOGGED_OUT_EVERYWHERE: "Signed out everywhere",
    audit.COMPANY_CREATED: "Company created",
    audit.LOGO_UPLOADED: "Logo uploaded",
    audit.COURSE_PUBLISHED: "Course published",
    audit.COURSE_ARCHIVED: "Course archived",
    audit.EMPLOYEES_IMPORTED: "Employees imported (CSV)",
}

# Detail keys worth showing in the log, in this order.
DETAIL_KEYS = (
    "learner_name",
    "learner_email",
    "email",
    "name",
    "course_title",
    "lesson_title",
    "extra",
    "certificates_withdrawn",
    "reason",
    "count",
    "via",
)


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@web.page(web.company_admin)
async def dashboard(request: Request, user: access.Actor) -> Response:
    now = app_state.now(request)
    months = charts.last_months(now, charts.MONTHS)
    figures = await companies.dashboard(
        user,
        since=_month_start(now),
        month_starts=[datetime(year, month, 1, tzinfo=UTC) for year, month in months],
    )
    completed = figures.completed
    return rendering.render(
        request,
        "dashboard.html",
        {
            "company": figures.company,
            "members": figures.members,
            "admins": figures.admins,
            "assigned": figures.assigned,
            "courses": len(figures.courses),
            "completions": completed,
            "completion_rate": round(100 * completed / figures.assigned) if figures.assigned else 0,
            "certificates_this_month": figures.certificates_since,
            "month_name": now.strftime("%B %Y"),
            "over_time": charts.monthly_columns(
                dict(zip(months, figures.completions_by_month, strict=True))
            ),
            "by_course": charts.course_rows(
                [(c.title, c.assigned, c.completed) for c in figures.courses]
            ),
            "course_table": sorted(
                (
                    (c.title, c.assigned, c.completed, round(100 * c.completed / c.assigned))
                    for c in figures.courses
                ),
                key=lambda row: (-row[1], row[0]),
            ),
        },
    )


# -- logo ------------------------------------------------------------------------------------


def _logo_context(company: companies.Company, **extra: object) -> dict[str, object]:
    stamp = int(company.logo_updated_at.timestamp()) if company.logo_updated_at else 0
    return {"company": company, "has_logo": bool(company.logo), "stamp": stamp, **extra}


@web.page(web.company_admin)
async def logo_page(request: Request, user: access.Actor) -> Response:
    company = await access.access_own_company(user)
    settings = app_state.settings_of(request)
    if request.method == "GET":
        return rendering.render(request, "logo.html", _logo_context(company, errors={}))
    form = await forms.read_form(request)
    upload = form.get("logo")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed("Choose a PNG or JPEG file to upload.", field="logo")
        data = await upload.read(settings.logo_max_bytes + 1)
        # Decoding and re-encoding an image is CPU work: keep it off the event loop.
        stored = await to_thread.run_sync(
            lambda: validate_logo(
                data, max_bytes=settings.logo_max_bytes, max_pixels=settings.logo_max_pixels
            )
        )
    except ValidationFailed as exc:
        return rendering.render(
            request,
            "logo.html",
            _logo_context(company, errors=forms.errors_of(exc, {"logo"})),
            status=422,
        )
    _ = await companies.set_logo(user, stored, at=app_state.now(request))
    return rendering.redirect("/admin/company?done=logo-uploaded")


@web.page(web.company_admin)
async def logo_image(request: Request, user: access.Actor) -> Response:
    data = await companies.logo(user)
    media_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return Response(
        data,
        media_type=media_type,
        headers={
            "Cache-Control": "private, no-cache",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
        },
    )


# -- audit log -------------------------------------------------------------------------------


def _details(raw: object) -> str:
    # JSON from the database: typed as a dict, but older rows may hold anything.
    details = raw if isinstance(raw, dict) else {}
    parts = [f"{details[key]}" for key in DETAIL_KEYS if details.get(key) not in (None, "")]
    return " · ".join(parts)


@web.page(web.company_admin)
async def audit_log(request: Request, user: access.Actor) -> Response:
    action = forms.query_text(request, "action", limit=64)
    if action not in ACTION_LABELS:
        action = ""
    company, found = await companies.audit_events(
        user, action or None, paging.requested_page(request), AUDIT_PAGE_SIZE
    )
    return rendering.render(
        request,
        "audit.html",
        {
            "company": company,
            "events": [
                {
                    "at": event.at,
                    "label": ACTION_LABELS.get(event.action, event.action),
                    "action": event.action,
                    "actor": event.actor_email or "system",
                    "subject": f"{event.subject_type} #{event.subject_id}"
                    if event.subject_id is not None
                    else event.subject_type,
                    "details": _details(event.details),
                }
                for event in found.items
            ],
            "pager": paging.pager(request, found),
            "action": action,
            "actions": sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
        },
    )
