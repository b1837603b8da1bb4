"""What every admin page shares: rendering, the access gate, CSRF, error pages.

Each page is a plain async Starlette endpoint wrapped by :func:`page`, which

1. sends anonymous visitors to ``/admin/login`` (htmx requests get ``HX-Redirect``);
2. answers 403 to a logged-in user whom the page's *gate* (a predicate built from
   ``llp_gql.domain.access``) does not admit;
3. refuses any POST whose CSRF token does not match the session (403, nothing done);
4. turns expected domain errors into pages: NOT_FOUND -> 404 (missing and
   another company's objects alike), FORBIDDEN -> 403, any other ``LLPError`` -> 400
   with its message. Pages that show a form catch ``LLPError`` themselves and
   re-render the form with the message next to the field.

One template per page; its ``content`` block is rendered alone for htmx requests
(``HX-Request``), and every answer carries ``Vary: HX-Request``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
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
from tortoise.queryset import QuerySet

from admin_ui import csrf, sessions
from llp_gql.domain import access
from llp_gql.errors import Forbidden, LLPError, NotFound, Unauthenticated
from llp_gql.models import User
from llp_gql.settings import Settings

logger = logging.getLogger("llp_gql.admin_ui")

HTMX_VERSION = "2.0.11"  # vendored from npm (htmx.org@2), see static/htmx.LICENSE


def _static_version() -> str:
    """A digest of the static files, so browsers fetch them again after any change."""
    digest = hashlib.sha256()
    for name in ("htmx.min.js", "admin.css"):
        digest.update((resources.files("admin_ui") / "static" / name).read_bytes())
    return digest.hexdigest()[:12]


STATIC_VERSION = _static_version()

# Forms are small; the one upload (the logo) is checked against its own limit after
# parsing. These bound what a hostile client can make us parse.
MAX_FORM_FIELDS = 400
MAX_FORM_FILES = 1
MIN_PART_BYTES = 256 * 1024
MAX_ID = 2**31 - 1  # ids are 32-bit columns; a larger number cannot name a row

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Vary": "HX-Request",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # X-Frame-Options and the Content-Security-Policy (no inline scripts or styles:
    # htmx is configured not to inject any) come from llp_gql.security_headers.
}

environment = Environment(
    loader=PackageLoader("admin_ui", "templates"),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _date(value: datetime | None, fmt: str = "%d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def _datetime(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


environment.filters["date"] = _date
environment.filters["datetime"] = _datetime
# Macros as a global, so that a block rendered alone (htmx) still finds them.
environment.globals["ui"] = environment.get_template("_macros.html").make_module()


# -- who is asking -------------------------------------------------------------------------

Gate = Callable[[User], bool]


def company_admin(user: User) -> bool:
    return access.is_company_admin(user)


def staff(user: User) -> bool:
    return access.is_staff(user)


def admin_or_staff(user: User) -> bool:
    """Pages that staff (read-only support) and company admins share."""
    return access.is_staff(user) or access.is_company_admin(user)


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def now(request: Request) -> datetime:
    value: datetime = request.app.state.clock()
    return value


def clock_of(request: Request) -> Callable[[], datetime]:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


# -- rendering -------------------------------------------------------------------------------


def is_partial(request: Request) -> bool:
    """An htmx request that wants the page's content only (not a boosted or history load)."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-history-restore-request") != "true"
        and headers.get("hx-boosted") != "true"
    )


def csrf_token_for(request: Request) -> str:
    session = sessions.current(request)
    if session is None or not session.token_row.csrf_secret:
        return ""
    return csrf.session_token(settings_of(request).secret_key, session.token_row.csrf_secret)


NOTICES = {
    "employee-created": "The employee was created. Share the password with them securely.",
    "employee-removed": "The employee was removed with their progress and certificates.",
    "assigned": "The course was assigned.",
    "attempts-granted": "Extra attempts granted.",
    "enrollment-removed": "The assignment was removed with its progress and certificate.",
    "logo-uploaded": "The logo was uploaded. New certificates will carry it.",
    "company-created": "The company and its first admin were created.",
    "course-created": "The draft course was created. Add lessons, then publish it.",
    "lesson-added": "The lesson was added.",
    "published": "The course is published and can be assigned.",
    "duplicated": "This draft is a copy of the course; change it, then publish it.",
    "archived": "The course is archived: no new assignments, learners in it go on.",
    "logged-out": "You are logged out.",
    "password-changed": (
        "Your password was changed. All your other sessions and API tokens were signed "
        "out; this one stays."
    ),
    "logged-out-everywhere": "You are signed out everywhere: every session and API token ended.",
}


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    session = sessions.current(request)
    user = session.user if session else None
    full: dict[str, Any] = {
        "request": request,
        "user": user,
        "is_staff": access.is_staff(user),
        "is_company_admin": access.is_company_admin(user),
        "csrf_token": csrf_token_for(request),
        "csrf_field": csrf.FIELD,
        "static_version": STATIC_VERSION,
        "notice": NOTICES.get(request.query_params.get("done", "")),
        "path": request.url.path,
        "partial": is_partial(request),
        **(context or {}),
    }
    template = environment.get_template(template_name)
    if is_partial(request) and "content" in template.blocks:
        body = "".join(template.blocks["content"](template.new_context(full)))
    else:
        body = template.render(full)
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def redirect(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "HX-Request"
    return response


def error_page(request: Request, status: int, message: str | None = None) -> HTMLResponse:
    titles = {
        400: "That did not work",
        403: "Not allowed",
        404: "Not found",
        413: "Too large",
        429: "Slow down",
    }
    defaults = {
        400: "The request could not be handled.",
        403: "Your account cannot open this page.",
        404: "There is nothing here, or it is not yours to see.",
        413: "What you sent is too large.",
        429: "Too many requests; wait a minute.",
    }
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": titles.get(status, "Error"),
            "message": message or defaults.get(status, "Something went wrong."),
        },
        status=status,
    )


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


# -- forms ---------------------------------------------------------------------------------


class BadForm(Exception):
    """The body could not be parsed as a form within our limits."""


async def read_form(request: Request) -> FormData:
    # Twice the logo limit: a logo somewhat too large still reaches the logo check and
    # gets its precise message; anything larger is refused while parsing.
    part_limit = max(MIN_PART_BYTES, 2 * settings_of(request).logo_max_bytes)
    try:
        return await request.form(
            max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS, max_part_size=part_limit
        )
    except (MultiPartException, HTTPException, UnicodeDecodeError, ValueError) as exc:
        raise BadForm(str(exc)) from None


def clean(value: str, limit: int) -> str:
    """Cut to ``limit`` and drop NUL characters, which PostgreSQL text cannot hold (it
    would answer with an error, not a row); the domain judges everything else."""
    return value[:limit].replace("\x00", "")


def text(form: FormData, name: str, *, limit: int = 100_000) -> str:
    """A text field ('' when missing or a file); over-long values are cut, the domain
    then reports what is wrong with them."""
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return ""
    return clean(value, limit)


def texts(form: FormData, name: str) -> list[str]:
    return [clean(v, 100) for v in form.getlist(name) if isinstance(v, str)]


def query_text(request: Request, name: str, *, limit: int = 100) -> str:
    return clean(request.query_params.get(name, ""), limit).strip()


def int_or_none(raw: str | None) -> int | None:
    if raw is None:
        return None
    raw = raw.strip()
    if not raw or len(raw) > 12:
        return None
    try:
        value = int(raw)
    except ValueError:
        return None
    # Ids and counts are 32-bit columns; PostgreSQL refuses larger numbers with an error.
    return value if abs(value) <= MAX_ID else None


def float_or_none(raw: str | None) -> float | None:
    if raw is None or not raw.strip() or len(raw) > 30:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def errors_of(exc: LLPError, known_fields: set[str]) -> dict[str, str]:
    """Place a domain error next to its field, or at the top of the form."""
    field = exc.field if exc.field in known_fields else "__all__"
    return {field or "__all__": exc.message}


async def ids(query: QuerySet[Any], field: str) -> list[int]:
    """One integer column of a query (``values_list(flat=True)`` is typed as tuples)."""
    return [int(row[field]) for row in await query.values(field) if row[field] is not None]


# -- pagination ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    size: int
    total: int
    base: str
    params: tuple[tuple[str, str], ...]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.size)

    def url(self, number: int) -> str:
        params = [(k, v) for k, v in self.params if v and k != "page"]
        if number > 1:
            params.append(("page", str(number)))
        return self.base + ("?" + urlencode(params) if params else "")

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.pages else None


def pager(request: Request, total: int, size: int = 20) -> Pager:
    requested = int_or_none(request.query_params.get("page")) or 1
    pages = max(1, math.ceil(total / size))
    number = min(max(1, requested), pages)
    params = tuple(
        (k, v) for k, v in request.query_params.multi_items() if k not in {"page", "done"}
    )
    return Pager(number, size, total, request.url.path, params)


# -- the wrapper ---------------------------------------------------------------------------

Handler = Callable[[Request, User], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


async def _csrf_ok(request: Request, session: sessions.Session) -> bool:
    offered = request.headers.get(csrf.HEADER)
    if offered is None:
        form = await read_form(request)
        offered = text(form, csrf.FIELD, limit=200) or None
    return csrf.session_token_ok(
        settings_of(request).secret_key, session.token_row.csrf_secret, offered
    )


def _ids_in_range(request: Request) -> bool:
    return all(
        0 < value <= MAX_ID for value in request.path_params.values() if isinstance(value, int)
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
            except BadForm:
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
