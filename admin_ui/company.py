"""Company Admin pages about the company itself: dashboard, logo and audit log."""

from __future__ import annotations

from datetime import datetime

from anyio import to_thread
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from tortoise.transactions import in_transaction

from admin_ui import charts, web
from llp_gql.certs.logo import validate_logo
from llp_gql.domain import access, audit
from llp_gql.errors import NotFound, ValidationFailed
from llp_gql.models import AuditEvent, Certificate, Company, Course, Enrollment, Role, User

AUDIT_PAGE_SIZE = 25

# Readable names for the audit log; unknown actions are shown as they are stored.
ACTION_LABELS = {
    audit.ASSIGNED: "Course assigned",
    audit.ENROLLED: "Self-enrolled",
    audit.ENROLLMENT_REMOVED: "Assignment removed",
    audit.CERTIFICATE_ISSUED: "Certificate issued",
    audit.CERTIFICATE_DOWNLOADED: "Certificate downloaded",
    audit.CERTIFICATES_EXPORTED: "Certificates exported",
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
    "count",
    "via",
)


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@web.page(web.company_admin)
async def dashboard(request: Request, user: User) -> Response:
    company = await access.access_own_company(user)
    now = web.now(request)
    members = await User.filter(company_id=company.id).count()
    admins = await User.filter(company_id=company.id, role=Role.COMPANY_ADMIN).count()
    rows = await Enrollment.filter(company_id=company.id).values("course_id", "completed_at")
    completed = [row["completed_at"] for row in rows if row["completed_at"] is not None]
    certificates_this_month = await Certificate.filter(
        enrollment__company_id=company.id, issued_at__gte=_month_start(now)
    ).count()
    course_ids = {row["course_id"] for row in rows}
    titles = {c.id: c.title for c in await Course.filter(id__in=course_ids).only("id", "title")}
    per_course: dict[int, list[int]] = {}
    for row in rows:
        counts = per_course.setdefault(row["course_id"], [0, 0])
        counts[0] += 1
        counts[1] += row["completed_at"] is not None
    return web.render(
        request,
        "dashboard.html",
        {
            "company": company,
            "members": members,
            "admins": admins,
            "assigned": len(rows),
            "courses": len(course_ids),
            "completions": len(completed),
            "completion_rate": round(100 * len(completed) / len(rows)) if rows else 0,
            "certificates_this_month": certificates_this_month,
            "month_name": now.strftime("%B %Y"),
            "over_time": charts.monthly_columns(completed, now),
            "by_course": charts.course_rows(
                [(str(titles.get(cid, "?")), c[0], c[1]) for cid, c in per_course.items()]
            ),
            "course_table": sorted(
                (
                    (str(titles.get(cid, "?")), c[0], c[1], round(100 * c[1] / c[0]))
                    for cid, c in per_course.items()
                ),
                key=lambda row: (-row[1], row[0]),
            ),
        },
    )


# -- logo ------------------------------------------------------------------------------------


def _logo_context(company: Company, **extra: object) -> dict[str, object]:
    stamp = int(company.logo_updated_at.timestamp()) if company.logo_updated_at else 0
    return {"company": company, "has_logo": bool(company.logo), "stamp": stamp, **extra}


@web.page(web.company_admin)
async def logo_page(request: Request, user: User) -> Response:
    company = await access.access_own_company(user)
    settings = web.settings_of(request)
    if request.method == "GET":
        return web.render(request, "logo.html", _logo_context(company, errors={}))
    form = await web.read_form(request)
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
        return web.render(
            request,
            "logo.html",
            _logo_context(company, errors=web.errors_of(exc, {"logo"})),
            status=422,
        )
    company.logo = stored
    company.logo_updated_at = web.now(request)
    async with in_transaction():
        await company.save(update_fields=["logo", "logo_updated_at"])
        await audit.record(
            audit.LOGO_UPLOADED,
            actor=user,
            subject_type="company",
            subject_id=company.id,
            company_id=company.id,
            at=company.logo_updated_at,
            details={"bytes": len(stored)},
        )
    return web.redirect("/admin/company?done=logo-uploaded")


@web.page(web.company_admin)
async def logo_image(request: Request, user: User) -> Response:
    company = await access.access_own_company(user)
    if not company.logo:
        raise NotFound("Logo")
    data = bytes(company.logo)
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


def _details(event: AuditEvent) -> str:
    # JSON from the database: typed as a dict, but older rows may hold anything.
    raw: object = event.details
    details = raw if isinstance(raw, dict) else {}
    parts = [f"{details[key]}" for key in DETAIL_KEYS if details.get(key) not in (None, "")]
    return " · ".join(parts)


@web.page(web.company_admin)
async def audit_log(request: Request, user: User) -> Response:
    company = await access.access_own_company(user)
    action = web.query_text(request, "action", limit=64)
    query = AuditEvent.filter(company_id=company.id)
    if action in ACTION_LABELS:
        query = query.filter(action=action)
    else:
        action = ""
    pager = web.pager(request, await query.count(), AUDIT_PAGE_SIZE)
    events = await query.order_by("-id").offset(pager.offset).limit(pager.size)
    return web.render(
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
                    "details": _details(event),
                }
                for event in events
            ],
            "pager": pager,
            "action": action,
            "actions": sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
        },
    )
