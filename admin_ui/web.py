"""The access gate every admin page passes: login, the page's gate, CSRF, error pages.

Each page is a plain async Starlette endpoint wrapped by :func:`page`, which

1. sends anonymous visitors to ``/admin/login`` (htmx requests get ``HX-Redirect``);
2. answers 403 to a logged-in user whom the page's *gate* (a predicate built from
   ``llp_gql.domain.access``) does not admit;
3. refuses any POST whose CSRF token does not match the session (403, nothing done);
4. turns expected domain errors into pages: NOT_FOUND -> 404 (missing and
   another company's objects alike), FORBIDDEN -> 403, any other ``LLPError`` -> 400
   with its message. Pages that show a form catch ``LLPError`` themselves and
   re-render the form with the message next to the field.

Pages render through ``rendering``, read input through ``forms`` and page listings
through ``paging``; they reach data only through ``llp_gql.domain``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import csrf, forms, sessions
from admin_ui.app_state import settings_of
from admin_ui.rendering import error_page, redirect
from llp_gql.domain import access, auth
from llp_gql.errors import Forbidden, LLPError, NotFound, Unauthenticated

logger = logging.getLogger("llp_gql.admin_ui")

# -- who is asking -------------------------------------------------------------------------

Gate = Callable[[access.Actor], bool]


def company_admin(user: access.Actor) -> bool:
    return access.is_company_admin(user)


def staff(user: access.Actor) -> bool:
    return access.is_staff(user)


def admin_or_staff(user: access.Actor) -> bool:
    """Pages that staff (read-only support) and company admins share."""
    return access.is_staff(user) or access.is_company_admin(user)


def safe_next(value: str | None) -> str:
    """Only our own admin pages are valid targets after login (no open redirect)."""
    if (
        value
        and value.startswith("/admin")
        and not value.startswith("//")
        and "\\" not in value
        and len(value) <= 500
        and all(32 < ord(ch) < 127 for ch in value)  # it goes into a Location header
        and not value.startswith("/admin/login")
        and not value.startswith("/admin/logout")
    ):
        return value
    return "/admin/"


def login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if request.method != "GET":
        target = "/admin/"
    url = "/admin/login?" + urlencode({"next": safe_next(target)})
    if request.headers.get("hx-request") == "true":
        # A fetch would follow a 303 and swap the login form into a panel; send the
        # whole window there instead.
        response = Response(status_code=204, headers={"HX-Redirect": url, "Vary": "HX-Request"})
        return response
    return redirect(url)


# -- the wrapper ---------------------------------------------------------------------------

Handler = Callable[[Request, access.Actor], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


async def _csrf_ok(request: Request, session: auth.BrowserSession) -> bool:
    offered = request.headers.get(csrf.HEADER)
    if offered is None:
        form = await forms.read_form(request)
        offered = forms.text(form, csrf.FIELD, limit=200) or None
    return csrf.session_token_ok(settings_of(request).secret_key, session.csrf_secret, offered)


def _ids_in_range(request: Request) -> bool:
    return all(
        0 < value <= forms.MAX_ID
        for value in request.path_params.values()
        if isinstance(value, int)
    )


def page(gate: Gate) -> Callable[[Handler], Endpoint]:
    """Wrap a handler ``(request, user) -> response`` with login, gate, CSRF and errors."""

    def decorate(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            session = sessions.current(request)
            if session is None:
                return login_redirect(request)
            if not gate(session.user):
                return error_page(request, 403)
            if not _ids_in_range(request):
                return error_page(request, 404)
            try:
                if request.method == "POST" and not await _csrf_ok(request, session):
                    return error_page(
                        request,
                        403,
                        "This form has expired or did not come from this site. "
                        "Reload the page and try again.",
                    )
                return await handler(request, session.user)
            except forms.BadForm:
                return error_page(request, 400, "The form could not be read; it may be too large.")
            except NotFound:
                return error_page(request, 404)
            except Forbidden as exc:
                return error_page(request, 403, exc.message)
            except Unauthenticated:
                return login_redirect(request)
            except LLPError as exc:
                return error_page(request, exc.http_status, exc.message)

        return endpoint

    return decorate
