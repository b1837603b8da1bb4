"""Staff pages: companies, and read-only learner support.

Course authoring lives in ``authoring``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from tortoise.expressions import Q
from tortoise.functions import Count

from admin_ui import web
from admin_ui.employees import search_term
from llp_gql.domain import access, accounts, progress
from llp_gql.domain.passwords import check_password_rules
from llp_gql.errors import LLPError, NotFound, ValidationFailed
from llp_gql.models import Certificate, Company, Course, Enrollment, Role, User

PAGE_SIZE = 20
SUPPORT_RESULTS = 20
COMPANY_FIELDS = {"name", "admin_email", "admin_name", "admin_password"}
# The domain names the admin's fields like a new user's; the form prefixes them.
_DOMAIN_TO_FORM = {"email": "admin_email", "password": "admin_password"}


@web.page(web.staff)
async def companies(request: Request, user: User) -> Response:
    q = search_term(request)
    query = Company.all()
    if q:
        query = query.filter(name__icontains=q)
    pager = web.pager(request, await query.count(), PAGE_SIZE)
    rows = (
        await query.annotate(members_count=Count("members"))
        .order_by("name", "id")
        .offset(pager.offset)
        .limit(pager.size)
    )
    ids = [c.id for c in rows]
    admins: dict[int, list[str]] = {i: [] for i in ids}
    for admin in await User.filter(company_id__in=ids, role=Role.COMPANY_ADMIN).order_by("email"):
        admins[admin.company_id or 0].append(admin.email)
    assigned: dict[int, int] = dict.fromkeys(ids, 0)
    for company_id in await web.ids(Enrollment.filter(company_id__in=ids), "company_id"):
        assigned[company_id] += 1
    return web.render(
        request,
        "staff_companies.html",
        {
            "rows": [
                (c, getattr(c, "members_count", 0), admins[c.id], assigned[c.id]) for c in rows
            ],
            "q": q,
            "pager": pager,
        },
    )


def _check_company_fields(values: dict[str, str], password: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, check in (
        ("name", lambda: accounts.clean_name(values["name"])),
        ("admin_name", lambda: accounts.clean_name(values["admin_name"])),
        ("admin_email", lambda: accounts.clean_email(values["admin_email"])),
        ("admin_password", lambda: check_password_rules(password)),
    ):
        try:
            check()
        except ValidationFailed as exc:
            errors[field] = exc.message
    return errors


@web.page(web.staff)
async def company_new(request: Request, user: User) -> Response:
    if request.method == "GET":
        return web.render(request, "staff_company_new.html", {"values": {}, "errors": {}})
    form = await web.read_form(request)
    values = {name: web.text(form, name, limit=1000) for name in COMPANY_FIELDS}
    password = values.pop("admin_password")
    errors = _check_company_fields(values, password)
    if not errors:
        try:
            _ = await accounts.create_company(
                user, values["name"], values["admin_email"], values["admin_name"], password
            )
        except LLPError as exc:
            field = _DOMAIN_TO_FORM.get(exc.field or "", exc.field)
            errors = {field if field in COMPANY_FIELDS else "__all__": exc.message}
        else:
            return web.redirect("/admin/staff/companies?done=company-created")
    return web.render(
        request, "staff_company_new.html", {"values": values, "errors": errors}, status=422
    )


# -- learner support (read-only) -----------------------------------------------------------


@web.page(web.staff)
async def support(request: Request, user: User) -> Response:
    email = web.query_text(request, "email", limit=254).lower()
    found: list[User] = []
    if email:
        found = (
            await User.filter(Q(email__icontains=email)).order_by("email").limit(SUPPORT_RESULTS)
        )
    companies_by_id = {
        c.id: c.name
        for c in await Company.filter(id__in={u.company_id for u in found if u.company_id})
    }
    return web.render(
        request,
        "support.html",
        {"email": email, "found": found, "companies": companies_by_id, "limit": SUPPORT_RESULTS},
    )


@web.page(web.staff)
async def support_user(request: Request, user: User) -> Response:
    learner = await User.get_or_none(id=request.path_params["user_id"])
    if learner is None or not access.may_view_user(user, learner):
        raise NotFound("User")
    items = await Enrollment.filter(learner_id=learner.id).order_by("created_at")
    states = await progress.load_states(items)
    titles = {
        c.id: c.title
        for c in await Course.filter(id__in=[e.course_id for e in items]).only("id", "title")
    }
    certified = set(
        await web.ids(Certificate.filter(enrollment_id__in=[e.id for e in items]), "enrollment_id")
    )
    company = await Company.get_or_none(id=learner.company_id) if learner.company_id else None
    return web.render(
        request,
        "support_user.html",
        {
            "learner": learner,
            "company": company,
            "rows": [
                {
                    "enrollment": e,
                    "title": titles.get(e.course_id, "?"),
                    "state": states[e.id],
                    "certified": e.id in certified,
                }
                for e in items
            ],
        },
    )
