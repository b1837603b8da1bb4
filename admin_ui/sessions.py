"""Browser sessions of the admin UI.

A session is an ``AuthToken`` row of kind ``session`` (see ``llp_gql.domain.auth``):
it lives in the database, so any worker on any machine can check it, and only
the SHA-256 of the cookie value is stored. The authentication middleware has
already looked the cookie up and put the user and the token row on
``request.state``; this module only insists that the login came from a session
cookie (a bearer token is for API clients and has no CSRF secret), and sets or
clears the cookie.

Cookie: ``llp_session``, HttpOnly (scripts never see it), SameSite=Lax (not
sent on cross-site POSTs), Secure when the request arrived over HTTPS, Path=/
(the GraphQL endpoint honours the same session), Max-Age = the session TTL.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from llp_gql.auth_middleware import SESSION_COOKIE
from llp_gql.domain import auth
from llp_gql.models import AuthToken, User


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    token_row: AuthToken
    token: str


def current(request: Request) -> Session | None:
    """The admin UI session of this request, or None (anonymous, expired, or a bearer token)."""
    user: User | None = getattr(request.state, "user", None)
    row: AuthToken | None = getattr(request.state, "auth_token", None)
    token: str | None = getattr(request.state, "token", None)
    if user is None or row is None or token is None or row.kind != auth.SESSION:
        return None
    return Session(user, row, token)


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, issued: auth.Issued, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )
