"""Logging in and out of the admin UI, the home redirect and the catch-all 404."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, csrf, forms, rendering, sessions, web
from llp_gql.client_address import client_address
from llp_gql.domain import access, auth
from llp_gql.errors import AccountDeactivated, LLPError, RateLimited

MAX_EMAIL = 254
MAX_PASSWORD = 1024


def _login_form(
    request: Request, *, email: str = "", error: str | None = None, status: int = 200
) -> Response:
    """The login page with a fresh signed double-submit pair (see ``csrf``)."""
    settings = app_state.settings_of(request)
    nonce = csrf.new_login_nonce()
    response = rendering.render(
        request,
        "login.html",
        {
            "email": email,
            "error": error,
            "login_token": csrf.login_token(settings.secret_key, nonce),
            "next": web.safe_next(request.query_params.get("next")),
        },
        status=status,
    )
    response.set_cookie(
        csrf.LOGIN_COOKIE,
        nonce,
        max_age=csrf.LOGIN_COOKIE_MAX_AGE,
        path="/admin/login",
        httponly=True,
        samesite="lax",
        secure=sessions.is_https(request),
    )
    return response


def home_for(user: access.Actor) -> str:
    if access.is_company_admin(user):
        return "/admin/dashboard"
    if access.is_staff(user):
        return "/admin/staff/courses"
    return "/admin/"


async def login_page(request: Request) -> Response:
    if request.method == "GET":
        session = sessions.current(request)
        if session is not None and web.admin_or_staff(session.user):
            return rendering.redirect(web.safe_next(request.query_params.get("next")))
        return _login_form(request)
    settings = app_state.settings_of(request)
    try:
        form = await forms.read_form(request)
    except forms.BadForm:
        return _login_form(request, error="The form could not be read.", status=400)
    email = forms.text(form, "email", limit=MAX_EMAIL)
    if not csrf.login_token_ok(
        settings.secret_key,
        request.cookies.get(csrf.LOGIN_COOKIE),
        forms.text(form, csrf.FIELD, limit=200),
    ):
        return _login_form(
            request,
            email=email,
            status=403,
            error="The login form expired or did not come from this site. Try again.",
        )
    try:
        # The app's clock, like the middleware that checks the session's expiry.
        issued = await auth.login(
            email,
            forms.text(form, "password", limit=MAX_PASSWORD),
            settings=settings,
            client_address=client_address(request),
            kind=auth.SESSION,
            clock=request.app.state.clock,
        )
    except RateLimited as exc:
        return _login_form(request, email=email, error=exc.message, status=429)
    except AccountDeactivated as exc:
        # Said only after the right password (auth.login): it tells a guesser nothing.
        return _login_form(request, email=email, error=exc.message, status=403)
    except LLPError:
        # One message for an unknown email and a wrong password (auth.BAD_LOGIN).
        return _login_form(request, email=email, error=auth.BAD_LOGIN, status=400)
    old = sessions.current(request)
    if old is not None:
        # A fresh token on every login: a session planted before login is useless.
        await auth.logout(old.token)
    target = web.safe_next(forms.text(form, "next", limit=500))
    if target == "/admin/":
        target = home_for(issued.user)
    response = rendering.redirect(target)
    sessions.set_cookie(response, request, issued, settings.session_ttl_seconds)
    response.delete_cookie(csrf.LOGIN_COOKIE, path="/admin/login")
    return response


@web.page(lambda user: True)
async def logout(request: Request, user: access.Actor) -> Response:
    session = sessions.current(request)
    if session is not None:
        await auth.logout(session.token)
    response = rendering.redirect("/admin/login?done=logged-out")
    sessions.clear_cookie(response, request)
    return response


@web.page(lambda user: True)
async def home(request: Request, user: access.Actor) -> Response:
    target = home_for(user)
    if target == "/admin/":
        # The admin area is for company admins and staff; learners take their courses
        # in the learning app.
        return rendering.redirect("/learn/")
    return rendering.redirect(target)


async def not_found(request: Request) -> Response:
    return rendering.error_page(request, 404)
