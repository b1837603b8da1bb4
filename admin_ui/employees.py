"""Company Admin pages about people: the employee list, create, remove, assign courses."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, paging, rendering, web
from admin_ui.groups import group_param
from llp_gql.domain import access, accounts, companies, groups, matrix
from llp_gql.domain.passwords import check_password_rules
from llp_gql.errors import LLPError, ValidationFailed

PAGE_SIZE = 20
MAX_QUERY = 100
EMPLOYEE_FIELDS = {"name", "email", "password"}


def search_term(request: Request) -> str:
    return forms.query_text(request, "q", limit=MAX_QUERY)


def membership_filter(request: Request) -> str:
    """?people=active|left|all (anything else: all, leavers marked)."""
    which = forms.query_text(request, "people", limit=10)
    return which if which in companies.MEMBERSHIP_FILTERS else companies.ALL


@web.page(web.company_admin)
async def employee_list(request: Request, user: access.Actor) -> Response:
    q = search_term(request)
    group = await groups.group_of(user, group_param(request))
    which = membership_filter(request)
    found = await companies.employees(
        user,
        q,
        paging.requested_page(request),
        PAGE_SIZE,
        group_id=group.id if group else None,
        which=which,
    )
    all_groups = await groups.list_groups(user)
    return rendering.render(
        request,
        "employees.html",
        {
            "company": found.company,
            "people": [(row.person, row.assigned, row.completed) for row in found.page.items],
            "q": q,
            "groups": all_groups,
            "group_names": {g.id: g.name for g in all_groups},
            "group": group,
            "which": which,
            "pager": paging.pager(request, found.page),
            "company_size": found.company_size,
        },
    )


def _check_employee_fields(email: str, name: str, password: str) -> dict[str, str]:
    """Every field's problem at once (the domain stops at the first)."""
    errors: dict[str, str] = {}
    for field, check in (
        ("name", lambda: accounts.clean_name(name)),
        ("email", lambda: accounts.clean_email(email)),
        ("password", lambda: check_password_rules(password)),
    ):
        try:
            check()
        except ValidationFailed as exc:
            errors[field] = exc.message
    return errors


@web.page(web.company_admin)
async def employee_new(request: Request, user: access.Actor) -> Response:
    company = await access.access_own_company(user)
    if request.method == "GET":
        return rendering.render(
            request, "employee_new.html", {"company": company, "values": {}, "errors": {}}
        )
    form = await forms.read_form(request)
    values = {
        "name": forms.text(form, "name", limit=1000),
        "email": forms.text(form, "email", limit=1000),
    }
    password = forms.text(form, "password", limit=1000)
    errors = _check_employee_fields(values["email"], values["name"], password)
    if not errors:
        try:
            created = await accounts.create_employee(
                user, values["email"], values["name"], password
            )
        except LLPError as exc:
            errors = forms.errors_of(exc, EMPLOYEE_FIELDS)
        else:
            return rendering.redirect(f"/admin/employees/{created.id}?done=employee-created")
    return rendering.render(
        request,
        "employee_new.html",
        {"company": company, "values": values, "errors": errors},
        status=422,
    )


@web.page(web.company_admin)
async def employee_detail(request: Request, user: access.Actor) -> Response:
    person = await access.access_employee(user, request.path_params["user_id"])
    return rendering.render(
        request,
        "employee.html",
        {
            "person": person,
            "rows": await matrix.learner_enrollments(user, person, now=app_state.now(request)),
            "is_self": person.id == user.id,
            "groups": await groups.list_groups(user),
        },
    )


@web.page(web.company_admin)
async def employee_remove(request: Request, user: access.Actor) -> Response:
    person = await access.access_employee(user, request.path_params["user_id"])
    error = None
    if request.method == "POST":
        try:
            await accounts.remove_employee(user, person.id, clock=app_state.clock_of(request))
        except LLPError as exc:
            error = exc.message
        else:
            return rendering.redirect("/admin/employees?done=employee-removed")
    rows = await matrix.learner_enrollments(user, person)
    return rendering.render(
        request,
        "employee_remove.html",
        {
            "person": person,
            "enrollments": len(rows),
            "certificates": sum(1 for row in rows if row.certified),
            "is_self": person.id == user.id,
            "error": error,
        },
        status=422 if error else 200,
    )
