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

from starlette.requests import Request
from starlette.responses import Response

from llp_gql.auth_middleware import SESSION_COOKIE
from llp_gql.domain import auth

Session = auth.BrowserSession


def current(request: Request) -> Session | None:
    """The admin UI session of this request, or None (anonymous, expired, or a bearer token)."""
    return auth.browser_session(
        getattr(request.state, "user", None),
        getattr(request.state, "auth_token", None),
        getattr(request.state, "token", None),
    )


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
