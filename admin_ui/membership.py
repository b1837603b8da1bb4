"""Company Admin pages about membership: deactivate a leaver, reactivate, make or unmake
an admin, rename. The rules are ``llp_gql.domain.membership``'s; the who-may is
``access``'s. Destructive changes (deactivation, removing the admin role) go through a
confirmation page; everything works without JavaScript."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, rendering, web
from llp_gql.domain import access, accounts, membership
from llp_gql.errors import Conflict, LLPError, ValidationFailed

MAX_NAME_INPUT = accounts.MAX_NAME_LENGTH * 4  # cut beyond it; the domain says what is wrong


def _back(person_id: int, done: str) -> Response:
    return rendering.redirect(f"/admin/employees/{person_id}?done={done}")


@web.page(web.company_admin)
async def deactivate(request: Request, user: access.Actor) -> Response:
    """GET: what deactivation does, and a button; POST: do it."""
    person = await access.access_employee_to_manage(user, request.path_params["user_id"])
    error = None
    if request.method == "POST":
        try:
            _ = await membership.deactivate_employee(
                user, person.id, clock=app_state.clock_of(request)
            )
        except (ValidationFailed, Conflict) as exc:
            error = exc.message
        else:
            return _back(person.id, "employee-deactivated")
    return rendering.render(
        request,
        "employee_deactivate.html",
        {"person": person, "is_self": person.id == user.id, "error": error},
        status=422 if error else 200,
    )


@web.page(web.company_admin)
async def reactivate(request: Request, user: access.Actor) -> Response:
    person = await access.access_employee_to_manage(user, request.path_params["user_id"])
    _ = await membership.reactivate_employee(user, person.id, clock=app_state.clock_of(request))
    return _back(person.id, "employee-reactivated")


@web.page(web.company_admin)
async def admin_role(request: Request, user: access.Actor) -> Response:
    """GET ?make=1|0: confirm; POST is_admin=1|0: do it. Removing one's own role sends
    one out of the admin area, so it goes home rather than back to the page."""
    person = await access.access_employee_to_manage(user, request.path_params["user_id"])
    error = None
    if request.method == "POST":
        form = await forms.read_form(request)
        make = forms.text(form, "is_admin", limit=5) == "1"
        try:
            _ = await membership.set_company_admin(
                user, person.id, make, clock=app_state.clock_of(request)
            )
        except (ValidationFailed, Conflict) as exc:
            error = exc.message
        else:
            if person.id == user.id and not make:
                return rendering.redirect("/admin/")
            return _back(person.id, "admin-granted" if make else "admin-revoked")
    else:
        make = request.query_params.get("make", "1") == "1"
    return rendering.render(
        request,
        "employee_admin.html",
        {"person": person, "make": make, "is_self": person.id == user.id, "error": error},
        status=422 if error else 200,
    )


@web.page(web.company_admin)
async def rename(request: Request, user: access.Actor) -> Response:
    person = await access.access_user_to_rename(user, request.path_params["user_id"])
    errors: dict[str, str] = {}
    value = person.name
    if request.method == "POST":
        form = await forms.read_form(request)
        value = forms.text(form, "name", limit=MAX_NAME_INPUT)
        try:
            _ = await membership.rename_user(
                user, person.id, value, clock=app_state.clock_of(request)
            )
        except LLPError as exc:
            errors = forms.errors_of(exc, {"name"})
        else:
            return _back(person.id, "renamed")
    return rendering.render(
        request,
        "employee_rename.html",
        {"person": person, "value": value, "errors": errors},
        status=422 if errors else 200,
    )
