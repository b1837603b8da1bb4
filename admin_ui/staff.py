"""Staff pages: companies, and read-only learner support.

Course authoring lives in ``authoring``.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, paging, rendering, web
from admin_ui.employees import search_term
from llp_gql.domain import access, accounts, companies, matrix
from llp_gql.errors import LLPError, ValidationFailed

PAGE_SIZE = 20
SUPPORT_RESULTS = 20
COMPANY_FIELDS = {"name", "admin_email", "admin_name"}
# The domain names the admin's fields like a new user's; the form prefixes them.
_DOMAIN_TO_FORM = {"email": "admin_email"}


@web.page(web.staff)
async def company_list(request: Request, user: access.Actor) -> Response:
    q = search_term(request)
    found = await companies.company_rows(user, q, paging.requested_page(request), PAGE_SIZE)
    return rendering.render(
        request,
        "staff_companies.html",
        {
            "rows": [(r.company, r.members, r.admin_emails, r.assigned) for r in found.items],
            "q": q,
            "pager": paging.pager(request, found),
        },
    )


def _check_company_fields(values: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    checks: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("name", accounts.clean_name),
        ("admin_name", accounts.clean_name),
        ("admin_email", accounts.clean_email),
    )
    for field, check in checks:
        try:
            _ = check(values[field])
        except ValidationFailed as exc:
            errors[field] = exc.message
    return errors


@web.page(web.staff)
async def company_new(request: Request, user: access.Actor) -> Response:
    if request.method == "GET":
        return rendering.render(request, "staff_company_new.html", {"values": {}, "errors": {}})
    form = await forms.read_form(request)
    values = {name: forms.text(form, name, limit=1000) for name in COMPANY_FIELDS}
    errors = _check_company_fields(values)
    if not errors:
        try:
            # No password: the first admin is invited and chooses it (DESIGN.md section 2).
            _ = await accounts.create_company(
                user,
                values["name"],
                values["admin_email"],
                values["admin_name"],
                clock=app_state.clock_of(request),
            )
        except LLPError as exc:
            field = _DOMAIN_TO_FORM.get(exc.field or "", exc.field)
            errors = {field if field in COMPANY_FIELDS else "__all__": exc.message}
        else:
            return rendering.redirect("/admin/staff/companies?done=company-created")
    return rendering.render(
        request, "staff_company_new.html", {"values": values, "errors": errors}, status=422
    )


# -- learner support (read-only) -----------------------------------------------------------


@web.page(web.staff)
async def support(request: Request, user: access.Actor) -> Response:
    email = forms.query_text(request, "email", limit=254).lower()
    found = await accounts.find_people(user, email, SUPPORT_RESULTS) if email else []
    names = await companies.company_names(user, {u.company_id for u in found if u.company_id})
    return rendering.render(
        request,
        "support.html",
        {"email": email, "found": found, "companies": names, "limit": SUPPORT_RESULTS},
    )


@web.page(web.staff)
async def support_user(request: Request, user: access.Actor) -> Response:
    learner = await access.access_user(user, request.path_params["user_id"])
    names = await companies.company_names(
        user, {learner.company_id} if learner.company_id else set()
    )
    return rendering.render(
        request,
        "support_user.html",
        {
            "learner": learner,
            "company_name": names.get(learner.company_id or 0),
            "rows": await matrix.learner_enrollments(user, learner),
        },
    )
