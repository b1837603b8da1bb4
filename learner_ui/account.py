"""Signing up, in and out; the learner's account (change password, sign out everywhere).

The rules are the domain's (``accounts.sign_up``, ``auth.login``,
``auth.change_password``); these pages map its errors to their fields. Forms
without a session (sign in, sign up) carry the admin UI's signed double-submit
CSRF pair (see ``admin_ui.csrf``), its cookie scoped to ``/learn``.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import csrf, sessions
from learner_ui import web
from llp_gql.client_address import client_address
from llp_gql.domain import access, accounts, auth, membership
from llp_gql.errors import AccountDeactivated, LLPError, RateLimited

MAX_EMAIL = 254
MAX_NAME = 400
MAX_PASSWORD = 1024  # longer than the policy allows, so the domain says what is wrong
COOKIE_PATH = "/learn"
# The domain names the GraphQL arguments; the forms name their own fields.
FIELDS = {
    "email": "email",
    "name": "name",
    "password": "password",
    "currentPassword": "current_password",
    "newPassword": "new_password",
}


def anonymous_form(
    request: Request, template: str, context: Mapping[str, object], status: int = 200
) -> Response:
    """A page whose form has no session yet: a fresh signed double-submit pair."""
    settings = web.settings_of(request)
    nonce = csrf.new_login_nonce()
    response = web.render(
        request,
        template,
        {
            "login_token": csrf.login_token(settings.secret_key, nonce),
            "next": web.safe_next(request.query_params.get("next")),
            "errors": {},
            **context,
        },
        status=status,
    )
    response.set_cookie(
        csrf.LOGIN_COOKIE,
        nonce,
        max_age=csrf.LOGIN_COOKIE_MAX_AGE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=sessions.is_https(request),
    )
    return response


def anonymous_csrf_ok(request: Request, offered: str) -> bool:
    return csrf.login_token_ok(
        web.settings_of(request).secret_key, request.cookies.get(csrf.LOGIN_COOKIE), offered
    )


async def _start_session(request: Request, issued: auth.Issued, target: str) -> Response:
    old = sessions.current(request)
    if old is not None:
        # A fresh token on every sign-in: a session planted before it is useless.
        await auth.logout(old.token)
    response = web.redirect(target)
    sessions.set_cookie(response, request, issued, web.settings_of(request).session_ttl_seconds)
    response.delete_cookie(csrf.LOGIN_COOKIE, path=COOKIE_PATH)
    return response


UNREADABLE = "The form could not be read."
EXPIRED = "The form expired or did not come from this site. Try again."


async def signin(request: Request) -> Response:
    if request.method == "GET":
        session = sessions.current(request)
        if session is not None and web.learner(session.user):
            return web.redirect(web.safe_next(request.query_params.get("next")))
        return anonymous_form(request, "signin.html", {"email": ""})
    try:
        form = await web.read_form(request)
    except web.BadForm:
        return anonymous_form(request, "signin.html", {"error": "The form could not be read."}, 400)
    email = web.text(form, "email", limit=MAX_EMAIL)
    if not anonymous_csrf_ok(request, web.text(form, csrf.FIELD, limit=200)):
        return anonymous_form(request, "signin.html", {"email": email, "error": EXPIRED}, 403)
    try:
        issued = await auth.login(
            email,
            web.text(form, "password", limit=MAX_PASSWORD),
            settings=web.settings_of(request),
            client_address=client_address(request),
            kind=auth.SESSION,
            clock=web.clock_of(request),
        )
    except RateLimited as exc:
        return anonymous_form(request, "signin.html", {"email": email, "error": exc.message}, 429)
    except AccountDeactivated as exc:
        # Said only after the right password (auth.login): it tells a guesser nothing.
        return anonymous_form(request, "signin.html", {"email": email, "error": exc.message}, 403)
    except LLPError:
        # One message for an unknown email and a wrong password (auth.BAD_LOGIN).
        context = {"email": email, "error": auth.BAD_LOGIN}
        return anonymous_form(request, "signin.html", context, 400)
    if not web.learner(issued.user):
        await auth.logout(issued.token)
        context = {"email": email, "error": "Staff sign in to the admin area at /admin."}
        return anonymous_form(request, "signin.html", context, 403)
    return await _start_session(request, issued, web.safe_next(web.text(form, "next", limit=500)))


async def signup(request: Request) -> Response:
    if request.method == "GET":
        return anonymous_form(request, "signup.html", {"email": "", "name": ""})
    try:
        form = await web.read_form(request)
    except web.BadForm:
        return anonymous_form(request, "signup.html", {"error": "The form could not be read."}, 400)
    email = web.text(form, "email", limit=MAX_EMAIL)
    name = web.text(form, "name", limit=MAX_NAME)
    values = {"email": email, "name": name}
    if not anonymous_csrf_ok(request, web.text(form, csrf.FIELD, limit=200)):
        return anonymous_form(request, "signup.html", {**values, "error": EXPIRED}, 403)
    password = web.text(form, "password", limit=MAX_PASSWORD)
    if password != web.text(form, "confirm_password", limit=MAX_PASSWORD):
        errors = {"confirm_password": "The two passwords differ."}
        return anonymous_form(request, "signup.html", {**values, "errors": errors}, 422)
    settings = web.settings_of(request)
    try:
        user = await accounts.sign_up(
            email,
            password,
            name,
            settings=settings,
            client_address=client_address(request),
            clock=web.clock_of(request),
        )
    except RateLimited as exc:
        return anonymous_form(request, "signup.html", {**values, "error": exc.message}, 429)
    except LLPError as exc:
        field = FIELDS.get(exc.field or "", "__all__")
        status = 409 if exc.code == "CONFLICT" else 422
        return anonymous_form(
            request, "signup.html", {**values, "errors": {field: exc.message}}, status
        )
    issued = await auth.issue_token(
        user, settings=settings, kind=auth.SESSION, clock=web.clock_of(request)
    )
    return await _start_session(request, issued, "/learn/catalogue?done=welcome")


@web.page
async def signout(request: Request, user: access.Actor) -> Response:
    session = sessions.current(request)
    if session is not None:
        _ = await auth.logout(session.token)
    response = web.redirect("/learn/signin?done=signed-out")
    sessions.clear_cookie(response, request)
    return response


def _account(
    request: Request,
    errors: dict[str, str] | None = None,
    status: int = 200,
    name: str | None = None,
) -> Response:
    context = {"errors": errors or {}, "name_value": name}
    return web.render(request, "account.html", context, status=status)


@web.page
async def account_page(request: Request, user: access.Actor) -> Response:
    return _account(request)


@web.page
async def change_password(request: Request, user: access.Actor) -> Response:
    form = await web.read_form(request)
    new = web.text(form, "new_password", limit=MAX_PASSWORD)
    if new != web.text(form, "confirm_password", limit=MAX_PASSWORD):
        return _account(request, {"confirm_password": "The two new passwords differ."}, 422)
    session = sessions.current(request)
    try:
        _ = await auth.change_password(
            user,
            web.text(form, "current_password", limit=MAX_PASSWORD),
            new,
            keep_token=session.token if session else None,
            settings=web.settings_of(request),
            clock=web.clock_of(request),
        )
    except RateLimited as exc:
        return _account(request, {"__all__": exc.message}, 429)
    except LLPError as exc:
        return _account(request, {FIELDS.get(exc.field or "", "__all__"): exc.message}, 422)
    return web.redirect("/learn/account?done=password-changed")


@web.page
async def signout_everywhere(request: Request, user: access.Actor) -> Response:
    _ = await auth.logout_everywhere(user, clock=web.clock_of(request))
    response = web.redirect("/learn/signin?done=signed-out-everywhere")
    sessions.clear_cookie(response, request)
    return response


@web.page
async def rename(request: Request, user: access.Actor) -> Response:
    """Correct one's own name (individuals and employees alike: membership.rename_user)."""
    form = await web.read_form(request)
    name = web.text(form, "name", limit=MAX_NAME)
    try:
        _ = await membership.rename_user(user, user.id, name, clock=web.clock_of(request))
    except LLPError as exc:
        return _account(request, {"name": exc.message}, 422, name=name)
    return web.redirect("/learn/account?done=renamed")
