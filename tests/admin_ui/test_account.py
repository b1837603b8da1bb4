"""The Account page: an admin or staff member changes their password and signs out
everywhere (CSRF and roles are in test_permissions and test_csrf, like every page)."""

from __future__ import annotations

import re

import httpx
import pytest

from llp_gql.domain import audit, auth
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import Unauthenticated
from llp_gql.models import AuditEvent, AuthToken, User
from llp_gql.settings import Settings
from tests.admin_ui import Scene, log_in
from tests.factories import PASSWORD
from tests.gql import token_for

NEW = "a brand new passphrase"


def _field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="f-{name}-err">([^<]*)</p>', html)
    assert found, name
    return found.group(1)


async def test_the_account_page_is_in_the_navigation_with_both_forms(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    await log_in(client, scene.world.staff, settings)
    html = (await client.get("/admin/account")).text
    assert '<a href="/admin/account" aria-current="page">Account</a>' in html
    assert 'action="/admin/account/password"' in html
    assert 'action="/admin/account/logout-everywhere"' in html
    assert 'autocomplete="current-password"' in html
    # and every other page links to it
    assert '<a href="/admin/account">Account</a>' in (await client.get("/admin/staff/courses")).text


async def test_changing_the_password_keeps_this_session_and_ends_the_others(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    # given the admin signed in here, in another browser, and with an API token
    admin = scene.world.admin_x
    token = await log_in(client, admin, settings)
    elsewhere = await auth.issue_token(admin, settings=settings, kind=auth.SESSION)
    api = await token_for(admin, settings)

    # when they change their password on the Account page
    response = await client.post(
        "/admin/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW,
            "confirm_password": NEW,
            "csrf_token": token,
        },
    )

    # then they stay here and see it done; the other browser and the token are signed out
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/account?done=password-changed"
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    assert "Your password was changed" in page.text
    assert await auth.authenticate(elsewhere.token, clock=clock) is None
    assert await auth.authenticate(api, clock=clock) is None
    assert await AuthToken.filter(user_id=admin.id).count() == 1
    # and only the new password logs in, and the change is in the company's audit log
    with pytest.raises(Unauthenticated):
        await auth.login(admin.email, PASSWORD, settings=settings, client_address="192.0.2.1")
    await auth.login(admin.email, NEW, settings=settings, client_address="192.0.2.1")
    assert await AuditEvent.exists(action=audit.PASSWORD_CHANGED, company_id=admin.company_id)
    assert "Password changed" in (await client.get("/admin/audit")).text


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        ({"current_password": "wrong password!"}, "current_password", "not correct"),
        (
            {"new_password": "password1234", "confirm_password": "password1234"},
            "new_password",
            "most common",
        ),
        (
            {"new_password": "too short", "confirm_password": "too short"},
            "new_password",
            "12 characters",
        ),
        ({"confirm_password": "a brand new passphrasE"}, "confirm_password", "differ"),
    ],
)
async def test_a_refused_change_shows_why_at_its_field_and_changes_nothing(
    client: httpx.AsyncClient,
    settings: Settings,
    scene: Scene,
    form: dict[str, str],
    field: str,
    words: str,
) -> None:
    admin = scene.world.admin_y
    token = await log_in(client, admin, settings)
    hash_before = admin.password_hash
    data = {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW, **form}
    response = await client.post("/admin/account/password", data={**data, "csrf_token": token})
    assert response.status_code == 422
    assert words in _field_error(response.text, field)
    # nothing typed comes back
    assert NEW not in response.text
    assert PASSWORD not in response.text
    assert (await User.get(id=admin.id)).password_hash == hash_before
    assert not await AuditEvent.exists(action=audit.PASSWORD_CHANGED)


async def test_signing_out_everywhere_ends_every_session_this_one_too(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    staff = scene.world.staff
    token = await log_in(client, staff, settings)
    api = await token_for(staff, settings)
    response = await client.post("/admin/account/logout-everywhere", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?done=logged-out-everywhere"
    assert "llp_session=" in response.headers["set-cookie"]  # the cookie is cleared
    assert await AuthToken.filter(user_id=staff.id).count() == 0
    assert await auth.authenticate(api, clock=clock) is None
    assert await AuditEvent.exists(action=audit.LOGGED_OUT_EVERYWHERE, actor_id=staff.id)
    login_page = await client.get(response.headers["location"])
    assert "You are signed out everywhere" in login_page.text
    # the old cookie, had the browser kept it, opens nothing
    assert (await client.get("/admin/account")).status_code == 303
