"""Company Admin pages about the company itself: dashboard, logo and audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from anyio import to_thread
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, charts, forms, rendering, web
from llp_gql.certs.logo import validate_logo
from llp_gql.domain import access, audit, companies
from llp_gql.domain.audit_log import REMOVED_PERSON
from llp_gql.domain.audit_log import audit_page as audit_log_page
from llp_gql.errors import ValidationFailed

AUDIT_PAGE_SIZE = 25

# Readable names for the audit log, every action it knows (a test checks it is complete);
# an unknown action still reads as words (``_label``), never as a dotted code.
ACTION_LABELS = {
    audit.ASSIGNED: "Course assigned",
    audit.ENROLLED: "Self-enrolled",
    audit.ENROLLMENT_REMOVED: "Assignment removed",
    audit.CERTIFICATE_ISSUED: "Certificate issued",
    audit.CERTIFICATE_DOWNLOADED: "Certificate downloaded",
    audit.CERTIFICATES_EXPORTED: "Certificates exported",
    audit.REPORT_DOWNLOADED: "Compliance report downloaded",
    audit.CERTIFICATE_REISSUED: "Certificate re-issued",
    audit.TEMPLATE_SAVED: "Certificate template saved",
    audit.CREDIT_HOURS_SET: "Course hours set",
    audit.ATTEMPTS_GRANTED: "Extra quiz attempts",
    audit.EMPLOYEE_CREATED: "Employee created",
    audit.EMPLOYEE_INVITED: "Employee invited",
    audit.INVITATION_RESENT: "Invitation sent again",
    audit.EMPLOYEE_REMOVED: "Employee removed",
    audit.ACCOUNT_DELETED: "Account deleted",
    audit.EMPLOYEE_DEACTIVATED: "Employee deactivated (left)",
    audit.EMPLOYEE_REACTIVATED: "Employee reactivated",
    audit.ADMIN_GRANTED: "Made a company admin",
    audit.ADMIN_REVOKED: "No longer a company admin",
    audit.USER_RENAMED: "Name corrected",
    audit.PASSWORD_CHANGED: "Password changed",
    audit.PASSWORD_RESET_REQUESTED: "Password reset asked for",
    audit.PASSWORD_RESET: "Password reset",
    audit.LOGGED_OUT_EVERYWHERE: "Signed out everywhere",
    audit.COMPANY_CREATED: "Company created",
    audit.LOGO_UPLOADED: "Logo uploaded",
    audit.COURSE_PUBLISHED: "Course published",
    audit.COURSE_ARCHIVED: "Course archived",
    audit.EMPLOYEES_IMPORTED: "Employees imported (CSV)",
    audit.GROUP_CREATED: "Group created",
    audit.GROUP_RENAMED: "Group renamed",
    audit.GROUP_DELETED: "Group deleted",
    audit.EMPLOYEE_GROUP_SET: "Group changed",
    audit.DUE_DATE_SET: "Due date set",
    audit.API_KEY_CREATED: "API key made",
    audit.API_KEY_REVOKED: "API key revoked",
    audit.WEBHOOK_CREATED: "Webhook added",
    audit.WEBHOOK_DISABLED: "Webhook turned off",
    audit.WEBHOOK_RESENT: "Webhook delivery sent again",
}


def _label(action: str) -> str:
    known = ACTION_LABELS.get(action)
    if known:
        return known
    words = action.replace(".", " ").replace("_", " ").strip()
    return words.capitalize() or "Event"


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
    before = forms.int_or_none(forms.query_text(request, "before", limit=20))
    found = await audit_log_page(user, action or None, before, AUDIT_PAGE_SIZE)
    base = "/admin/audit" + (f"?action={quote(action)}" if action else "")
    older = None
    if found.older is not None:
        older = base + ("&" if action else "?") + f"before={found.older}"
    return rendering.render(
        request,
        "audit.html",
        {
            "company": found.company,
            "events": [
                {
                    "at": row.event.at,
                    "label": _label(row.event.action),
                    "action": row.event.action,
                    "actor": row.actor_name or "System",
                    # the address only while the person exists (not after an erasure)
                    "actor_email": row.event.actor_email
                    if row.actor_name not in (None, REMOVED_PERSON)
                    else None,
                    "person": row.person_name,
                    "details": _details(row.event.details),
                }
                for row in found.rows
            ],
            "total": found.total,
            "first": found.first,
            "newest_url": base,
            "older_url": older,
            "action": action,
            "actions": sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
        },
    )
