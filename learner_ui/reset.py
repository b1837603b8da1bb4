"""Forgot password: ask for a link, and the page the mailed link opens (/learn/reset).

The contract is docs/password-reset.md; the rules are ``domain.password_reset``'s.
Both forms have no session yet, so they carry the signed double-submit CSRF pair
of the sign-in form (``account._anonymous_form``). The reset page is served with
``Referrer-Policy: no-referrer`` and no third-party resource, and a small static
script takes the token out of the address bar once the page has it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import csrf, sessions
from learner_ui import web
from learner_ui.account import (
    EXPIRED,
    MAX_EMAIL,
    MAX_PASSWORD,
    UNREADABLE,
    anonymous_csrf_ok,
    anonymous_form,
)
from llp_gql.client_address import client_address
from llp_gql.domain import password_reset
from llp_gql.errors import InvalidResetToken, LLPError, RateLimited

NO_REFERRER = {"Referrer-Policy": "no-referrer"}
TRY_LATER = "Too many tries in a short time. Try again in a minute."
# What a link that cannot be used says (its reason comes from the domain).
LINK_WORDS = {
    "UNKNOWN": "This link is not valid.",
    "USED": "This link has been used.",
    "EXPIRED": "This link has expired.",
}


def _forgot(request: Request, context: dict[str, object], status: int = 200) -> Response:
    minutes = web.settings_of(request).reset_ttl_seconds // 60
    return anonymous_form(
        request, "forgot.html", {"email": "", "valid_minutes": minutes, **context}, status
    )


async def forgot(request: Request) -> Response:
    if request.method == "GET":
        return _forgot(request, {})
    try:
        form = await web.read_form(request)
    except web.BadForm:
        return _forgot(request, {"error": UNREADABLE}, 400)
    email = web.text(form, "email", limit=MAX_EMAIL)
    if not anonymous_csrf_ok(request, web.text(form, csrf.FIELD, limit=200)):
        return _forgot(request, {"email": email, "error": EXPIRED}, 403)
    try:
        await password_reset.request_reset(
            email,
            settings=web.settings_of(request),
            client_address=client_address(request),
            clock=web.clock_of(request),
        )
    except RateLimited:
        return _forgot(request, {"email": email, "error": TRY_LATER}, 429)
    except LLPError as exc:
        return _forgot(request, {"email": email, "errors": {"email": exc.message}}, 422)
    # The same words whether or not the address has an account.
    return _forgot(request, {"email": email, "sent": True})


def _reset(request: Request, token: str, context: dict[str, object], status: int = 200) -> Response:
    response = anonymous_form(request, "reset.html", {"token": token, **context}, status)
    response.headers.update(NO_REFERRER)
    return response


async def reset(request: Request) -> Response:
    if request.method == "GET":
        return _reset(request, request.query_params.get("token", "")[:200], {})
    try:
        form = await web.read_form(request)
    except web.BadForm:
        return _reset(request, "", {"error": UNREADABLE}, 400)
    token = web.text(form, "token", limit=200)
    if not anonymous_csrf_ok(request, web.text(form, csrf.FIELD, limit=200)):
        return _reset(request, token, {"error": EXPIRED}, 403)
    password = web.text(form, "password", limit=MAX_PASSWORD)
    if password != web.text(form, "confirm_password", limit=MAX_PASSWORD):
        return _reset(request, token, {"errors": {"confirm_password": "The two differ."}}, 422)
    try:
        _ = await password_reset.reset_password(
            token, password, settings=web.settings_of(request), clock=web.clock_of(request)
        )
    except InvalidResetToken as exc:
        words = LINK_WORDS.get(exc.reason, LINK_WORDS["UNKNOWN"])
        return _reset(request, "", {"bad_link": words}, 400)
    except RateLimited:
        return _reset(request, token, {"error": TRY_LATER}, 429)
    except LLPError as exc:
        # The password policy refused it: the link is still valid.
        return _reset(request, token, {"errors": {"password": exc.message}}, 422)
    response = web.redirect("/learn/signin?done=password-set")
    response.headers.update(NO_REFERRER)
    sessions.clear_cookie(response, request)  # every session of the account has ended
    return response
