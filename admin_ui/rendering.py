"""Rendering pages: the Jinja2 environment, one template per page (its ``content``
block alone for htmx requests), redirects and error pages.

Every answer carries ``Vary: HX-Request``, since one URL answers a whole page or a
fragment depending on that header.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from admin_ui import csrf, sessions
from admin_ui.app_state import settings_of
from llp_gql import words
from llp_gql.domain import access

HTMX_VERSION = "2.0.11"  # vendored from npm (htmx.org@2), see static/htmx.LICENSE


def _static_version() -> str:
    """A digest of the static files, so browsers fetch them again after any change."""
    digest = hashlib.sha256()
    for name in ("htmx.min.js", "admin.css", "admin.js"):
        digest.update((resources.files("admin_ui") / "static" / name).read_bytes())
    # The web fonts' faces (served from the certificates' font folder, see fonts/faces.css).
    digest.update((resources.files("llp_gql.certs") / "fonts" / "faces.css").read_bytes())
    return digest.hexdigest()[:12]


STATIC_VERSION = _static_version()


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
# The same words as the learner app for every code (llp_gql.words).
environment.filters.update(words.FILTERS)
# Macros as a global, so that a block rendered alone (htmx) still finds them.
environment.globals["ui"] = environment.get_template("_macros.html").make_module()


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
    if session is None or not session.csrf_secret:
        return ""
    return csrf.session_token(settings_of(request).secret_key, session.csrf_secret)


NOTICES = {
    "employee-created": "The employee was created. Share the password with them securely.",
    "employee-removed": "The employee was removed with their progress and certificates.",
    "assigned": "The course was assigned.",
    "group-created": "The group was created.",
    "api-key-revoked": "The key was revoked: it is refused from now on.",
    "group-renamed": "The group was renamed.",
    "group-deleted": "The group was deleted. Its members are now in no group.",
    "group-set": "The group was changed.",
    "attempts-granted": "Extra attempts granted.",
    "hours-set": "The hours were saved. Certificates issued from now on print them.",
    "template-saved": "The certificate template was saved. New certificates print it.",
    "certificate-reissued": "The certificate was re-issued under a new code; the old code "
    "now verifies as replaced.",
    "enrollment-removed": "The assignment was removed with its progress and certificate.",
    "logo-uploaded": "The logo was uploaded. New certificates will carry it.",
    "company-created": "The company was created and its first admin invited by email.",
    "course-created": "The draft course was created. Add lessons, then publish it.",
    "lesson-added": "The lesson was added.",
    "lesson-updated": "The lesson was saved.",
    "lesson-deleted": "The lesson was deleted; the lessons after it moved up.",
    "lesson-moved": "The lesson was moved.",
    "published": "The course is published and can be assigned.",
    "duplicated": "This draft is a copy of the course; change it, then publish it.",
    "archived": "The course is archived: no new assignments, learners in it go on.",
    "logged-out": "You are logged out.",
    "employee-deactivated": (
        "Deactivated: they can no longer sign in and every session of theirs has ended. "
        "Their courses and certificates stay here."
    ),
    "employee-reactivated": "Reactivated: they can sign in again with their old password.",
    "admin-granted": "They are now a company admin.",
    "admin-revoked": "They are no longer a company admin.",
    "renamed": "The name was changed. Certificates already issued keep the name printed on them.",
    "password-set": "Your new password is set, and every session was signed out. Log in.",
    "invitation-accepted": "Welcome! Your password is set. Log in with your email and it.",
    "invitation-sent": "The invitation was sent. It stays pending until they choose a password.",
    "invitation-resent": "A new invitation link was sent.",
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
