"""Sign up, sign in, sign out, forgot password and the account page over HTTP."""

from __future__ import annotations

import re

import httpx
import pytest

from admin_ui import csrf
from llp_gql.auth_middleware import SESSION_COOKIE
from llp_gql.models import AuthToken, User
from llp_gql.settings import Settings
from tests.admin_ui import log_in, page_csrf
from tests.factories import PASSWORD, World

NEW_PASSWORD = "a long and unusual passphrase"


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found
    return found.group(1)


async def test_an_individual_signs_up_and_lands_in_the_catalogue_signed_in(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/learn/signup")
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in page.text
    response = await client.post(
        "/learn/signup",
        data={
            "csrf_token": form_token(page.text),
            "name": "Zhang Wei 张伟",
            "email": "wei@mail.example",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/learn/catalogue?done=welcome"
    assert SESSION_COOKIE in response.cookies
    user = await User.get(email="wei@mail.example")
    assert user.account_type == "INDIVIDUAL"
    welcome = await client.get(response.headers["location"])
    assert "Welcome! Your account is ready." in welcome.text
    assert "张伟" in welcome.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "email"),
        ({"name": "   "}, "name", "name"),
        ({"password": "short", "confirm_password": "short"}, "password", "at least"),
        ({"confirm_password": "something else entirely"}, "confirm_password", "differ"),
        ({"email": "ann@mail.example"}, "email", "already"),
    ],
)
async def test_sign_up_with_bad_input_says_what_is_wrong_and_stores_nothing(
    client: httpx.AsyncClient,
    world: World,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = await User.all().count()
    page = await client.get("/learn/signup")
    data = {
        "csrf_token": form_token(page.text),
        "name": "Someone",
        "email": "someone@mail.example",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        **changes,
    }
    response = await client.post("/learn/signup", data=data)
    assert response.status_code in (409, 422)
    error = re.search(rf'id="f-{field}-err">([^<]+)<', response.text)
    assert error, response.text
    assert message in error.group(1).lower()
    assert await User.all().count() == before
    assert SESSION_COOKIE not in response.cookies


async def test_sign_up_and_sign_in_without_the_form_token_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    before = await User.all().count()
    for path, data in (
        (
            "/learn/signup",
            {
                "name": "X",
                "email": "x@mail.example",
                "password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        ),
        ("/learn/signin", {"email": world.individual_a.email, "password": PASSWORD}),
    ):
        response = await client.post(path, data=data)
        assert response.status_code == 403
        assert "expired or did not come from this site" in response.text
        assert SESSION_COOKIE not in response.cookies
    assert await User.all().count() == before


async def test_sign_in_goes_where_the_learner_was_going_and_never_elsewhere(
    client: httpx.AsyncClient, world: World
) -> None:
    page = await client.get("/learn/signin?next=/learn/catalogue")
    response = await client.post(
        "/learn/signin",
        data={
            "csrf_token": form_token(page.text),
            "next": "/learn/catalogue",
            "email": world.individual_a.email,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/learn/catalogue"
    # an outside target is replaced by My learning
    client.cookies.clear()
    page = await client.get("/learn/signin")
    response = await client.post(
        "/learn/signin",
        data={
            "csrf_token": form_token(page.text),
            "next": "//evil.example/",
            "email": world.employee_x.email,
            "password": PASSWORD,
        },
    )
    assert response.headers["location"] == "/learn/"


async def test_a_wrong_password_gets_one_message_and_staff_are_sent_to_admin(
    client: httpx.AsyncClient, world: World
) -> None:
    page = await client.get("/learn/signin")
    wrong = await client.post(
        "/learn/signin",
        data={
            "csrf_token": form_token(page.text),
            "email": world.individual_a.email,
            "password": "not the password",
        },
    )
    assert wrong.status_code == 400
    assert "The email or password is not correct." in wrong.text
    page = await client.get("/learn/signin")
    staff = await client.post(
        "/learn/signin",
        data={
            "csrf_token": form_token(page.text),
            "email": world.staff.email,
            "password": PASSWORD,
        },
    )
    assert staff.status_code == 403
    assert "/admin" in staff.text
    assert not await AuthToken.exists(user_id=world.staff.id)


async def test_change_password_then_sign_out_everywhere(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    _ = await log_in(client, world.individual_a, settings)
    page = await client.get("/learn/account")
    token = page_csrf(page.text)
    mismatch = await client.post(
        "/learn/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": "other",
        },
    )
    assert mismatch.status_code == 422
    assert "The two new passwords differ." in mismatch.text
    wrong = await client.post(
        "/learn/account/password",
        data={
            "csrf_token": token,
            "current_password": "nope",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422
    assert 'id="f-current_password-err"' in wrong.text
    changed = await client.post(
        "/learn/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 303
    assert "Your password was changed" in (await client.get(changed.headers["location"])).text
    out = await client.post("/learn/account/signout-everywhere", data={"csrf_token": token})
    assert out.status_code == 303
    assert not await AuthToken.exists(user_id=world.individual_a.id)
    assert (await client.get("/learn/")).status_code == 303


async def test_sign_out_ends_the_session(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    token = await log_in(client, world.employee_x, settings)
    response = await client.post("/learn/signout", data={csrf.FIELD: token})
    assert response.status_code == 303
    assert response.headers["location"] == "/learn/signin?done=signed-out"
    assert not await AuthToken.exists(user_id=world.employee_x.id)
