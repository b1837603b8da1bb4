"""What every learner page shares: rendering, the sign-in gate, CSRF and error pages.

The browser session and the CSRF tokens are the admin UI's (``admin_ui.sessions``,
``admin_ui.csrf``): one cookie, one kind of token, checked the same way. Each page
is a plain async Starlette endpoint wrapped by :func:`page`, which

1. sends visitors who are not signed in to ``/learn/signin`` (htmx: ``HX-Redirect``);
2. answers 403 to staff (they use ``/admin``);
3. refuses any POST whose CSRF token does not match the session (403, nothing done);
4. turns expected domain errors into pages: NOT_FOUND -> 404 (missing and another
   learner's objects alike), FORBIDDEN -> 403, any other ``LLPError`` -> its status
   with its message in words.

One template per page; its ``content`` block is rendered alone for htmx requests.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from admin_ui import csrf, sessions

# The web glue both front ends share (re-exported for the learner pages): app state,
# htmx partials, the session's CSRF token.
from admin_ui.app_state import clock_of as clock_of
from admin_ui.app_state import settings_of as settings_of
from admin_ui.rendering import csrf_token_for, is_partial
from llp_gql import words
from llp_gql.domain import access
from llp_gql.errors import Forbidden, LLPError, NotFound, Unauthenticated

HTMX_VERSION = "2.0.11"  # the admin UI's pinned htmx, copied with its licence into static/
MAX_FORM_FIELDS = 300
MAX_PART_BYTES = 64 * 1024
MAX_ID = 2**31 - 1


def _static_version() -> str:
    digest = hashlib.sha256()
    for name in ("htmx.min.js", "learner.css", "player.js", "reset.js"):
        digest.update((resources.files("learner_ui") / "static" / name).read_bytes())
    # The web fonts' faces (served from the certificates' font folder, see fonts/faces.css).
    digest.update((resources.files("llp_gql.certs") / "fonts" / "faces.css").read_bytes())
    return digest.hexdigest()[:12]


STATIC_VERSION = _static_version()

HEADERS = {
    "Cache-Control": "no-store",
    "Vary": "HX-Request",
    "Referrer-Policy": "same-origin",
}

environment = Environment(
    loader=PackageLoader("learner_ui", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _date(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _duration(seconds: float | None) -> str:
    if not seconds:
        return ""
    minutes, rest = divmod(math.ceil(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


environment.filters["date"] = _date
environment.filters["duration"] = _duration
environment.filters.update(words.FILTERS)
# Macros as a global, so that a block rendered alone (htmx) still finds them.
environment.globals["ui"] = environment.get_template("_macros.html").make_module()


NOTICES = {
    "signed-out": "You are signed out.",
    "signed-out-everywhere": "You are signed out everywhere: every session ended.",
    "welcome": "Welcome! Your account is ready. Pick a course to start.",
    "enrolled": "You are enrolled. Start with the first lesson.",
    "password-changed": "Your password was changed. Your other sessions were signed out.",
    "renamed": "Your name was changed. Certificates already issued keep the name printed on them.",
    "password-set": "Your new password is set, and every session was signed out. Sign in.",
    "invitation-accepted": "Welcome! Your password is set. Sign in with your email and it.",
}


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    session = sessions.current(request)
    full: dict[str, Any] = {
        "request": request,
        "user": session.user if session else None,
        "csrf_token": csrf_token_for(request),
        "csrf_field": csrf.FIELD,
        "static_version": STATIC_VERSION,
        "notice": NOTICES.get(request.query_params.get("done", "")),
        "path": request.url.path,
        **(context or {}),
    }
    template = environment.get_template(template_name)
    if is_partial(request) and "content" in template.blocks:
        body = "".join(template.blocks["content"](template.new_context(full)))
    else:
        body = template.render(full)
    return HTMLResponse(body, status_code=status, headers={**HEADERS, **(headers or {})})


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


TITLES = {
    400: "That did not work",
    403: "Not allowed",
    404: "Not found",
    409: "Not yet",
    422: "Please check",
    429: "Slow down",
}


def error_page(request: Request, status: int, message: str | None = None) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": TITLES.get(status, "Something went wrong"),
            "message": message or words.ERROR.get(_CODES.get(status, ""), "Please try again."),
        },
        status=status,
    )


_CODES = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 429: "RATE_LIMITED"}


def safe_next(value: str | None) -> str:
    """Only our own learner pages are targets after signing in (no open redirect)."""
    if (
        value
        and value.startswith("/learn")
        and not value.startswith("//")
        and "\\" not in value
        and len(value) <= 500
        and all(32 < ord(ch) < 127 for ch in value)
        and not value.startswith(
            ("/learn/signin", "/learn/signout", "/learn/signup", "/learn/reset", "/learn/forgot")
        )
    ):
        return value
    return "/learn/"


def signin_redirect(request: Request) -> Response:
    target = request.url.path + ("?" + request.url.query if request.url.query else "")
    if request.method != "GET":
        target = "/learn/"
    url = "/learn/signin?" + urlencode({"next": safe_next(target)})
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url, "Vary": "HX-Request"})
    return redirect(url)


# -- forms ---------------------------------------------------------------------------------


class BadForm(Exception):
    """The body could not be parsed as a form within our limits."""


async def read_form(request: Request) -> FormData:
    try:
        return await request.form(
            max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_PART_BYTES
        )
    except (MultiPartException, HTTPException, UnicodeDecodeError, ValueError) as exc:
        raise BadForm(str(exc)) from None


def text(form: FormData, name: str, *, limit: int = 10_000) -> str:
    """A text field ('' when missing); cut to ``limit``, NUL dropped (PostgreSQL text
    cannot hold it); the domain judges the rest."""
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return ""
    return value[:limit].replace("\x00", "")


def int_or_none(raw: object) -> int | None:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 12:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if 0 < value <= MAX_ID else None


# -- the wrapper ---------------------------------------------------------------------------

Handler = Callable[[Request, access.Actor], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def learner(user: access.Actor) -> bool:
    """Learners and company admins take courses here; staff work in /admin."""
    return not access.is_staff(user)


async def _csrf_ok(request: Request, session: sessions.Session) -> bool:
    offered = request.headers.get(csrf.HEADER)
    if offered is None:
        offered = text(await read_form(request), csrf.FIELD, limit=200) or None
    return csrf.session_token_ok(settings_of(request).secret_key, session.csrf_secret, offered)


def page(handler: Handler) -> Endpoint:
    """Wrap a handler ``(request, user) -> response`` with sign-in, gate, CSRF and errors."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        session = sessions.current(request)
        if session is None:
            return signin_redirect(request)
        if not learner(session.user):
            return error_page(
                request, 403, "The learning app is for learners; staff work in the admin area."
            )
        if not all(0 < v <= MAX_ID for v in request.path_params.values() if isinstance(v, int)):
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
        except BadForm:
            return error_page(request, 400, "The form could not be read; it may be too large.")
        except NotFound:
            return error_page(request, 404)
        except Forbidden as exc:
            return error_page(request, 403, exc.message)
        except Unauthenticated:
            return signin_redirect(request)
        except LLPError as exc:
            return error_page(request, exc.http_status, exc.message)

    return endpoint
