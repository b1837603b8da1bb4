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
from llp_gql.domain import access, invitations, password_reset
from llp_gql.errors import InvalidResetToken, LLPError, RateLimited

NO_REFERRER = {"Referrer-Policy": "no-referrer"}
TRY_LATER = "Too many tries in a short time. Try again in a minute."
INVITE = invitations.INVITE_PURPOSE
# What a link that cannot be used says (its reason comes from the domain), by purpose:
# an invitation's holder cannot ask for a new one themselves, their admin can.
LINK_WORDS = {
    "reset": {
        "UNKNOWN": "This link is not valid.",
        "USED": "This link has been used.",
        "EXPIRED": "This link has expired.",
        "DEACTIVATED": "This account has been deactivated; the link no longer works.",
    },
    INVITE: {
        "UNKNOWN": "This invitation link is not valid. Ask your company admin for a new "
        "invitation.",
        "USED": "This invitation has been used already: sign in with the password you chose, "
        "or ask your company admin for a new invitation.",
        "EXPIRED": "This invitation has expired. Ask your company admin for a new invitation.",
        "DEACTIVATED": "This account has been deactivated; the invitation no longer works.",
    },
}


def link_words(purpose: str, reason: str) -> str:
    words = LINK_WORDS.get(purpose, LINK_WORDS["reset"])
    return words.get(reason, words["UNKNOWN"])


def _hint(value: str) -> str:
    """The link's own word for what it is (``kind=invite``); only wording follows it."""
    return INVITE if value == INVITE else "reset"


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


def _reset(
    request: Request, token: str, purpose: str, context: dict[str, object], status: int = 200
) -> Response:
    response = anonymous_form(
        request,
        "reset.html",
        {"token": token, "purpose": purpose, "welcome": purpose == INVITE, **context},
        status,
    )
    response.headers.update(NO_REFERRER)
    return response


def _refused(request: Request, exc: InvalidResetToken) -> Response:
    words = link_words(exc.purpose, exc.reason)
    return _reset(request, "", exc.purpose, {"bad_link": words}, 400)


async def reset(request: Request) -> Response:
    """The page of a mailed link: a reset ("Set a new password") or an invitation
    ("Welcome, choose your password"), told apart by the link's token (its ``kind``
    parameter words the refusal of a token no longer known)."""
    clock = web.clock_of(request)
    if request.method == "GET":
        token = request.query_params.get("token", "")[:200]
        hint = _hint(request.query_params.get("kind", ""))
        if not token:
            return _reset(request, "", hint, {})
        try:
            purpose = await password_reset.link_purpose(token, clock=clock, hint=hint)
        except InvalidResetToken as exc:
            return _refused(request, exc)
        return _reset(request, token, purpose, {})
    try:
        form = await web.read_form(request)
    except web.BadForm:
        return _reset(request, "", "reset", {"error": UNREADABLE}, 400)
    token = web.text(form, "token", limit=200)
    purpose = _hint(web.text(form, "kind", limit=20))
    if not anonymous_csrf_ok(request, web.text(form, csrf.FIELD, limit=200)):
        return _reset(request, token, purpose, {"error": EXPIRED}, 403)
    password = web.text(form, "password", limit=MAX_PASSWORD)
    if password != web.text(form, "confirm_password", limit=MAX_PASSWORD):
        errors = {"confirm_password": "The two differ."}
        return _reset(request, token, purpose, {"errors": errors}, 422)
    try:
        user = await password_reset.reset_password(
            token, password, settings=web.settings_of(request), clock=clock, hint=purpose
        )
    except InvalidResetToken as exc:
        return _refused(request, exc)
    except RateLimited:
        return _reset(request, token, purpose, {"error": TRY_LATER}, 429)
    except LLPError as exc:
        # The password policy refused it: the link is still valid.
        return _reset(request, token, purpose, {"errors": {"password": exc.message}}, 422)
    done = "invitation-accepted" if purpose == INVITE else "password-set"
    # Admins and staff work in the admin UI: their sign-in is there.
    admin = access.is_staff(user) or access.is_company_admin(user)
    response = web.redirect(f"{'/admin/login' if admin else '/learn/signin'}?done={done}")
    response.headers.update(NO_REFERRER)
    sessions.clear_cookie(response, request)  # every session of the account has ended
    return response
