"""Company Admin pages about people: the employee list, invite, resend, remove, assign."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, paging, rendering, web
from llp_gql.domain import (
    access,
    accounts,
    companies,
    enrollments,
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


@web.page(web.company_admin)
async def employee_list(request: Request, user: access.Actor) -> Response:
    q = search_term(request)
    found = await companies.employees(user, q, paging.requested_page(request), PAGE_SIZE)
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
            "rows": await matrix.learner_enrollments(user, person),
            "is_self": person.id == user.id,
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


# -- assigning courses ---------------------------------------------------------------------


async def _assign_context(
    user: access.Actor, *, course_id: int | None, chosen: set[int], q: str
) -> dict[str, object]:
    choices = await enrollments.assign_choices(
        user, course_id=course_id, search=q, limit=ASSIGN_LIST_LIMIT
    )
    return {
        "company": choices.company,
        "courses": choices.courses,
        "course_id": course_id,
        "people": choices.people,
        "chosen": chosen,
        "already": choices.already,
        "q": q,
        "truncated": choices.truncated,
    }


@web.page(web.company_admin)
async def assign(request: Request, user: access.Actor) -> Response:
    if request.method == "GET":
        params = request.query_params
        # "employee" from links ("Assign" on a person), "employees" from htmx refreshes
        # of the list, which keep the boxes already ticked.
        raw = [*params.getlist("employee"), *params.getlist("employees")]
        chosen = {i for i in map(forms.int_or_none, raw) if i is not None}
        context = await _assign_context(
            user,
            course_id=forms.int_or_none(params.get("course")),
            chosen=chosen,
            q=search_term(request),
        )
        return rendering.render(request, "assign.html", {**context, "errors": {}})
    form = await forms.read_form(request)
    course_id = forms.int_or_none(forms.text(form, "course", limit=20))
    raw_ids = forms.texts(form, "employees")
    ids = [i for i in map(forms.int_or_none, raw_ids) if i is not None]
    errors: dict[str, str] = {}
    if course_id is None:
        errors["course"] = "Choose a course."
    if not raw_ids:
        errors["employees"] = "Choose at least one employee."
    if not errors:
        try:
            if len(ids) != len(raw_ids):
                raise NotFound("User")
            await enrollments.assign_course(
                user, course_id or 0, ids, max_users=app_state.settings_of(request).max_assign_users
            )
        except NotFound as exc:
            errors = (
                {"course": "Choose one of the published courses."}
                if exc.message.startswith("Course")
                else {"employees": "Choose people of your company only."}
            )
        except LLPError as exc:
            field = {"userIds": "employees"}.get(exc.field or "", "course")
            errors = {field: exc.message}
        else:
            return rendering.redirect("/admin/progress?done=assigned")
    context = await _assign_context(user, course_id=course_id, chosen=set(ids), q="")
    return rendering.render(request, "assign.html", {**context, "errors": errors}, status=422)
