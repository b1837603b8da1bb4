"""The signed-in person's own account: change the password, sign out everywhere.

For company admins and staff alike (the people the admin UI serves). The rules
live in ``llp_gql.domain.auth``; this page only maps its errors to the fields.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import sessions, web
from llp_gql.domain import auth
from llp_gql.errors import LLPError, RateLimited
from llp_gql.models import User

MAX_PASSWORD = 1024  # longer than the policy allows, so the domain says what is wrong
# The domain names the GraphQL arguments; the form names its own fields.
FIELDS = {"currentPassword": "current_password", "newPassword": "new_password"}


def _page(request: Request, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    return web.render(request, "account.html", {"errors": errors or {}}, status=status)


@web.page(web.admin_or_staff)
async def account_page(request: Request, user: User) -> Response:
    return _page(request)


@web.page(web.admin_or_staff)
async def change_password(request: Request, user: User) -> Response:
    form = await web.read_form(request)
    current = web.text(form, "current_password", limit=MAX_PASSWORD)
    new = web.text(form, "new_password", limit=MAX_PASSWORD)
    if new != web.text(form, "confirm_password", limit=MAX_PASSWORD):
        return _page(request, {"confirm_password": "The two new passwords differ."}, 422)
    session = sessions.current(request)
    try:
        _ = await auth.change_password(
            user,
            current,
            new,
            keep_token=session.token if session else None,
            settings=web.settings_of(request),
            clock=web.clock_of(request),
        )
    except RateLimited as exc:
        return _page(request, {"__all__": exc.message}, 429)
    except LLPError as exc:
        field = FIELDS.get(exc.field or "", "__all__")
        return _page(request, {field: exc.message}, 422)
    return web.redirect("/admin/account?done=password-changed")


@web.page(web.admin_or_staff)
async def logout_everywhere(request: Request, user: User) -> Response:
    _ = await auth.logout_everywhere(user, clock=web.clock_of(request))
    response = web.redirect("/admin/login?done=logged-out-everywhere")
    sessions.clear_cookie(response, request)
    return response
