"""R8 for the admin UI: login, throttling, one message for unknown user and wrong
password, the login form's own CSRF protection, cookie flags, logout."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette

from admin_ui import csrf
from llp_gql.auth_middleware import SESSION_COOKIE
from llp_gql.domain import auth
from llp_gql.models import AuthToken
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.factories import PASSWORD, World


def _login_token(html: str) -> str:
    found = re.search(
        r'action="/admin/login"[^>]*>\s*<input type="hidden" name="csrf_token" '
        r'value="([0-9a-f]{64})"',
        html,
    )
    assert found
    return found.group(1)


async def _submit(
    client: httpx.AsyncClient, email: str, password: str, next_url: str = ""
) -> httpx.Response:
    """What a browser does: open the login page, then post its form."""
    page = await client.get("/admin/login")
    assert page.status_code == 200
    return await client.post(
        "/admin/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": _login_token(page.text),
            "next": next_url,
        },
    )


def _set_cookie(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}")


async def test_an_admin_logs_in_and_lands_on_the_dashboard(
    client: httpx.AsyncClient, world: World
) -> None:
    # when the admin of company X logs in with the right password
    response = await _submit(client, "ADMIN@acme.example ", PASSWORD)
    # then a session cookie is set and the dashboard opens
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/dashboard"
    dashboard = await client.get("/admin/dashboard")
    assert dashboard.status_code == 200
    assert "Acme Corp" in dashboard.text
    assert await AuthToken.filter(user_id=world.admin_x.id, kind=auth.SESSION).count() == 1


async def test_the_session_cookie_is_httponly_samesite_lax_and_secure_over_https(
    client: httpx.AsyncClient, world: World
) -> None:
    # when staff log in over https
    response = await _submit(client, "staff@llp.example", PASSWORD)
    # then the session cookie carries every flag
    cookie = _set_cookie(response, SESSION_COOKIE).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" in cookie
    assert "path=/" in cookie
    assert "max-age=" in cookie
    assert response.headers["location"] == "/admin/staff/courses"


async def test_over_plain_http_the_cookie_is_not_marked_secure(
    app: Starlette, world: World
) -> None:
    # given a server reached over plain http (local development)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.4", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as plain:
        # when the admin logs in
        response = await _submit(plain, "admin@acme.example", PASSWORD)
    # then the cookie still is HttpOnly and SameSite=Lax, but not Secure (it would be lost)
    cookie = _set_cookie(response, SESSION_COOKIE).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie


async def test_unknown_email_and_wrong_password_get_the_same_answer(
    client: httpx.AsyncClient, world: World
) -> None:
    # when one login names nobody and another has a wrong password
    unknown = await _submit(client, "nobody@acme.example", "whatever password")
    wrong = await _submit(client, "admin@acme.example", "whatever password")
    # then both answer alike, with the one message, and set no session
    assert unknown.status_code == wrong.status_code == 400
    assert auth.BAD_LOGIN in unknown.text
    assert auth.BAD_LOGIN in wrong.text
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.text)  # noqa: E731 - echoed email, token
    assert strip(unknown) == strip(wrong)
    assert SESSION_COOKIE not in "".join(unknown.headers.get_list("set-cookie"))
    assert await AuthToken.all().count() == 0


async def test_too_many_attempts_are_throttled_with_a_message(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given as many wrong passwords as the account allows in a minute
    for _ in range(settings.login_attempts_per_account):
        response = await _submit(client, "admin@acme.example", "wrong password!")
        assert response.status_code == 400
    # when one more attempt comes, even with the right password
    response = await _submit(client, "admin@acme.example", PASSWORD)
    # then it is refused with the throttling message, and no session is opened
    assert response.status_code == 429
    assert "Too many login attempts" in response.text
    assert await AuthToken.all().count() == 0


async def test_a_login_post_without_the_form_token_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    # when a page elsewhere posts the right credentials without our form token (login CSRF)
    response = await client.post(
        "/admin/login", data={"email": "admin@acme.example", "password": PASSWORD}
    )
    # then nobody is logged in
    assert response.status_code == 403
    assert await AuthToken.all().count() == 0


async def test_a_login_token_from_another_browser_is_refused(
    client: httpx.AsyncClient, app: Starlette, world: World
) -> None:
    # given a form token taken from the login page in another browser
    page = await client.get("/admin/login")
    token = _login_token(page.text)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="https://llp.example") as other:
        other.cookies.set(csrf.LOGIN_COOKIE, "a-cookie-of-my-own", domain="llp.example")
        # when it is posted with a login cookie that does not belong to it
        response = await other.post(
            "/admin/login",
            data={"email": "admin@acme.example", "password": PASSWORD, "csrf_token": token},
        )
    # then the login is refused
    assert response.status_code == 403
    assert await AuthToken.all().count() == 0


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/admin/employees?q=ed", "/admin/employees?q=ed"),
        ("https://evil.example/", "/admin/dashboard"),
        ("//evil.example/", "/admin/dashboard"),
        ("/graphql", "/admin/dashboard"),
        ("/admin/\r\nSet-Cookie: x=1", "/admin/dashboard"),
        ("/admin/\x00", "/admin/dashboard"),
    ],
)
async def test_after_login_only_admin_pages_are_followed(
    client: httpx.AsyncClient, world: World, next_url: str, landing: str
) -> None:
    response = await _submit(client, "admin@acme.example", PASSWORD, next_url)
    assert response.headers["location"] == landing


async def test_logout_revokes_the_session(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given a logged-in admin
    token = await log_in(client, world.admin_x, settings)
    # when they log out
    response = await client.post("/admin/logout", data={"csrf_token": token})
    # then the cookie is cleared, the session row is gone, and the old cookie opens nothing
    assert response.status_code == 303
    assert 'llp_session=""' in _set_cookie(response, SESSION_COOKIE) or "max-age=0" in (
        _set_cookie(response, SESSION_COOKIE).lower()
    )
    assert await AuthToken.filter(kind=auth.SESSION).count() == 0
    again = await client.get("/admin/dashboard")
    assert again.status_code == 303


async def test_a_new_login_replaces_the_session_of_the_browser(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given a browser that already holds a session (say, one planted by someone else)
    _ = await log_in(client, world.employee_x, settings)
    # when someone logs in in that browser
    response = await _submit(client, "admin@globex.example", PASSWORD)
    # then the old session is revoked and only the new one exists
    assert response.status_code == 303
    rows = await AuthToken.filter(kind=auth.SESSION)
    assert [row.user_id for row in rows] == [world.admin_y.id]


async def test_a_learner_may_log_in_but_is_sent_on_to_the_learning_app(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await _submit(client, "emma@acme.example", PASSWORD)
    assert response.headers["location"] == "/admin/"
    home = await client.get("/admin/")
    assert home.status_code == 303
    assert home.headers["location"] == "/learn/"
    # where the same session opens their learning
    learning = await client.get("/learn/")
    assert learning.status_code == 200
    assert "My learning" in learning.text
    # and every admin page is still closed to them
    assert (await client.get("/admin/dashboard")).status_code == 403


async def test_a_bearer_token_does_not_open_the_admin_ui(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # API tokens carry no CSRF secret: the admin UI wants its own session
    issued = await auth.issue_token(world.admin_x, settings=settings, kind=auth.API)
    response = await client.get(
        "/admin/dashboard", headers={"Authorization": f"Bearer {issued.token}"}
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")


async def test_htmx_requests_of_an_expired_session_redirect_the_whole_window(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/admin/employees?q=a", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/admin/login?next=")
