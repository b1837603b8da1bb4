"""Authentication once, in middleware: every handler finds ``request.state.user``.

API clients send ``Authorization: Bearer <token>``, or an API key
(``Bearer llp_...``, ``domain/api_keys.py``), which acts as its role narrowed by its
scopes and opens no page (it carries no session); the admin UI's browser
session (cookie ``llp_session``) authenticates GraphQL requests from the same
origin as well. A bad or expired bearer token is treated as no login at all;
fields that need one then answer UNAUTHENTICATED.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Receive, Scope, Send

from llp_gql.domain import api_keys, auth
from llp_gql.domain.clock import utcnow

SESSION_COOKIE = "llp_session"


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            text: str = value.decode("latin-1")
            scheme, _, token = text.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def session_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:
                return None
            morsel = cookie.get(SESSION_COOKIE)
            return str(morsel.value) if morsel else None
    return None


_NO_USER_PATHS = ("/healthz", "/readyz", "/static", "/graphql/static", "/admin/static")


def same_origin(scope: Scope) -> bool:
    """A browser session counts only for requests from our own pages.

    Browsers send ``Origin`` on cross-site requests (and on same-origin POSTs);
    when it names another host the cookie is ignored, so another site cannot
    act with a logged-in admin's session. SameSite=Lax already stops most of
    this; this check does not depend on the browser honouring it.
    """
    origin = host = None
    for name, value in scope.get("headers", ()):
        if name == b"origin":
            origin = value.decode("latin-1")
        elif name == b"host":
            host = value.decode("latin-1")
    if origin is None:
        return True
    return host is not None and origin.split("://", 1)[-1] == host


class AuthenticationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["user"] = None
        state["auth_token"] = None
        state["token"] = None
        path: str = scope.get("path", "")
        # Health probes and static files need no user; skip the database round trip.
        if not path.startswith(_NO_USER_PATHS):
            token = bearer_token(scope)
            kind = auth.API
            if token is None and same_origin(scope):
                token, kind = session_token(scope), auth.SESSION
            clock = scope["app"].state.clock if "app" in scope else utcnow
            if token is not None and kind == auth.API and api_keys.looks_like_key(token):
                # Read afresh on every request: a revoked key is refused at once.
                state["user"] = await api_keys.authenticate_key(token, clock=clock)
                await self.app(scope, receive, send)
                return
            found = await auth.authenticate(token, kind=kind, clock=clock) if token else None
            if found is not None:
                state["user"], state["auth_token"] = found
                state["token"] = token
        await self.app(scope, receive, send)
