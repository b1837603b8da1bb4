"""Company Admin pages about people: the employee list, invite, resend, remove, assign."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, paging, rendering, web
from admin_ui.groups import group_param
from llp_gql.domain import (
    access,
    accounts,
    companies,
    groups,
    invitations,
    inviting,
    matrix,
)
from llp_gql.errors import LLPError, NotFound, ValidationFailed

PAGE_SIZE = 20
MAX_QUERY = 100
ASSIGN_LIST_LIMIT = 500
EMPLOYEE_FIELDS = {"name", "email", "group"}


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
            "pending": {
                row.person.id for row in found.page.items if invitations.is_pending(row.person)
            },
            "q": q,
            "groups": all_groups,
            "group_names": {g.id: g.name for g in all_groups},
            "group": group,
            "which": which,
            "pager": paging.pager(request, found.page),
            "company_size": found.company_size,
        },
    )


def valid_days(request: Request) -> int:
    """How many days an invitation link works (LLP_INVITATION_TTL_SECONDS), for the words."""
    return max(1, app_state.settings_of(request).invitation_ttl_seconds // 86400)


def _check_employee_fields(email: str, name: str) -> dict[str, str]:
    """Every field's problem at once (the domain stops at the first)."""
    errors: dict[str, str] = {}
    checks: tuple[tuple[str, Callable[[str], str], str], ...] = (
        ("name", accounts.clean_name, name),
        ("email", accounts.clean_email, email),
    )
    for field, check, value in checks:
        try:
            _ = check(value)
        except ValidationFailed as exc:
            errors[field] = exc.message
    return errors


@web.page(web.company_admin)
async def employee_new(request: Request, user: access.Actor) -> Response:
    """Invite an employee: they get a mail and choose their own password (no password
    field here: an admin never chooses or sees one)."""
    company = await access.access_own_company(user)
    choices = await groups.list_groups(user)
    days = valid_days(request)
    if request.method == "GET":
        return rendering.render(
            request,
            "employee_new.html",
            {"company": company, "groups": choices, "values": {}, "errors": {}, "days": days},
        )
    form = await forms.read_form(request)
    values = {
        "name": forms.text(form, "name", limit=1000),
        "email": forms.text(form, "email", limit=1000),
        "group": forms.text(form, "group", limit=20),
    }
    errors = _check_employee_fields(values["email"], values["name"])
    group_id = forms.int_or_none(values["group"]) if values["group"] else None
    if values["group"] and group_id is None:
        errors["group"] = "Choose one of your groups."
    if not errors:
        settings = app_state.settings_of(request)
        try:
            invited = await inviting.invite_employee(
                user,
                values["email"],
                values["name"],
                group_id,
                settings=settings,
                clock=app_state.clock_of(request),
            )
        except NotFound:
            errors = {"group": "Choose one of your groups."}
        except LLPError as exc:
            errors = forms.errors_of(exc, EMPLOYEE_FIELDS)
        else:
            return rendering.redirect(f"/admin/employees/{invited.id}?done=invitation-sent")
    return rendering.render(
        request,
        "employee_new.html",
        {"company": company, "groups": choices, "values": values, "errors": errors, "days": days},
        status=422,
    )


async def _employee_page(
    request: Request,
    user: access.Actor,
    person: access.Actor,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return rendering.render(
        request,
        "employee.html",
        {
            "person": person,
            "rows": await matrix.learner_enrollments(user, person, now=app_state.now(request)),
            "is_self": person.id == user.id,
            "groups": await groups.list_groups(user),
            "pending": invitations.is_pending(person),
            "days": valid_days(request),
            "error": error,
        },
        status=status,
    )


@web.page(web.company_admin)
async def employee_detail(request: Request, user: access.Actor) -> Response:
    person = await access.access_employee(user, request.path_params["user_id"])
    return await _employee_page(request, user, person)


@web.page(web.company_admin)
async def invitation_resend(request: Request, user: access.Actor) -> Response:
    """ "Resend invitation" (POST): a fresh link by mail, back to where the button was."""
    person = await access.access_employee(user, request.path_params["user_id"])
    form = await forms.read_form(request)
    back = "/admin/employees" if forms.text(form, "back", limit=20) == "list" else None
    try:
        _ = await inviting.resend_invitation(
            user,
            person.id,
            settings=app_state.settings_of(request),
            clock=app_state.clock_of(request),
        )
    except LLPError as exc:
        return await _employee_page(
            request, user, person, error=exc.message, status=exc.http_status
        )
    return rendering.redirect(f"{back or f'/admin/employees/{person.id}'}?done=invitation-resent")


@web.page(web.company_admin)
async def employee_remove(request: Request, user: access.Actor) -> Response:
    person = await access.access_employee(user, request.path_params["user_id"])
    error = None
    if request.method == "POST":
        try:
            await accounts.remove_employee(
                user,
                person.id,
                clock=app_state.clock_of(request),
                settings=app_state.settings_of(request),
            )
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
