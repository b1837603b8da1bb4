"""The signed-in person's own account: change the password, sign out everywhere.

For company admins and staff alike (the people the admin UI serves). The rules
live in ``llp_gql.domain.auth``; this page only maps its errors to the fields.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, rendering, sessions, web
from llp_gql.domain import access, accounts, auth, membership
from llp_gql.errors import LLPError, RateLimited

MAX_PASSWORD = 1024  # longer than the policy allows, so the domain says what is wrong
# The domain names the GraphQL arguments; the form names its own fields.
FIELDS = {"currentPassword": "current_password", "newPassword": "new_password"}


def _page(
    request: Request,
    errors: dict[str, str] | None = None,
    status: int = 200,
    name: str | None = None,
) -> Response:
    context = {"errors": errors or {}, "name_value": name}
    return rendering.render(request, "account.html", context, status=status)


@web.page(web.admin_or_staff)
async def account_page(request: Request, user: access.Actor) -> Response:
    return _page(request)


@web.page(web.admin_or_staff)
async def change_password(request: Request, user: access.Actor) -> Response:
    form = await forms.read_form(request)
    current = forms.text(form, "current_password", limit=MAX_PASSWORD)
    new = forms.text(form, "new_password", limit=MAX_PASSWORD)
    if new != forms.text(form, "confirm_password", limit=MAX_PASSWORD):
        return _page(request, {"confirm_password": "The two new passwords differ."}, 422)
    session = sessions.current(request)
    try:
        _ = await auth.change_password(
            user,
            current,
            new,
            keep_token=session.token if session else None,
            settings=app_state.settings_of(request),
            clock=app_state.clock_of(request),
        )
    except RateLimited as exc:
        return _page(request, {"__all__": exc.message}, 429)
    except LLPError as exc:
        field = FIELDS.get(exc.field or "", "__all__")
        return _page(request, {field: exc.message}, 422)
    return rendering.redirect("/admin/account?done=password-changed")


@web.page(web.admin_or_staff)
async def logout_everywhere(request: Request, user: access.Actor) -> Response:
    _ = await auth.logout_everywhere(user, clock=app_state.clock_of(request))
    response = rendering.redirect("/admin/login?done=logged-out-everywhere")
    sessions.clear_cookie(response, request)
    return response


@web.page(web.admin_or_staff)
async def rename(request: Request, user: access.Actor) -> Response:
    """Correct one's own name (membership.rename_user: anyone may, for themselves)."""
    form = await forms.read_form(request)
    name = forms.text(form, "name", limit=accounts.MAX_NAME_LENGTH * 4)
    try:
        _ = await membership.rename_user(user, user.id, name, clock=app_state.clock_of(request))
    except LLPError as exc:
        return _page(request, {"name": exc.message}, 422, name=name)
    return rendering.redirect("/admin/account?done=renamed")
