"""changePassword and logoutEverywhere (DESIGN.md section 2: everyone can change their
password and sign out everywhere)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from llp_gql.domain import audit, auth
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuditEvent, AuthToken, User
from llp_gql.settings import Settings
from tests.factories import PASSWORD, World
from tests.gql import fails, ok, token_for

CHANGE = (
    "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }"
)
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
ME = "{ me { email } }"
NEW = "a brand new passphrase"


async def _alive(token: str, clock: FakeClock) -> bool:
    return await auth.authenticate(token, clock=clock) is not None


async def _devices(user: User, settings: Settings) -> dict[str, str]:
    """The phone making the call, a laptop's API token and an admin UI session."""
    return {
        "phone": await token_for(user, settings),
        "laptop": await token_for(user, settings),
        "browser": (await auth.issue_token(user, settings=settings, kind=auth.SESSION)).token,
    }


async def test_changing_the_password_ends_every_other_session_and_keeps_this_one(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given the admin signed in on three devices, and a colleague signed in too
    devices = await _devices(world.admin_x, settings)
    colleague = await token_for(world.employee_x, settings)

    # when they change their password from the phone
    done = await ok(client, CHANGE, {"c": PASSWORD, "n": NEW}, devices["phone"])

    # then the phone stays signed in, the laptop and the browser session are signed out
    assert done == {"changePassword": True}
    assert (await ok(client, ME, token=devices["phone"]))["me"] == {"email": "admin@acme.example"}
    assert not await _alive(devices["laptop"], clock)
    assert not await _alive(devices["browser"], clock)
    assert await _alive(colleague, clock)
    # and only the new password logs in
    await fails(client, "UNAUTHENTICATED", LOGIN, {"e": "admin@acme.example", "p": PASSWORD})
    await ok(client, LOGIN, {"e": "admin@acme.example", "p": NEW})
    # and the change is audited, without the password
    event = await AuditEvent.get(action=audit.PASSWORD_CHANGED)
    assert (event.actor_id, event.subject_id, event.company_id) == (
        world.admin_x.id,
        world.admin_x.id,
        world.company_x.id,
    )
    assert event.details == {"sessions_ended": 2, "client_address": "203.0.113.7"}
    assert NEW not in str(event.details)


@pytest.mark.parametrize(
    ("current", "new", "field", "words"),
    [
        ("not the password", NEW, "currentPassword", "current password is not correct"),
        (PASSWORD, "too short", "newPassword", "at least 12 characters"),
        (PASSWORD, "password1234", "newPassword", "most common"),
        (PASSWORD, PASSWORD, "newPassword", "must differ"),
    ],
)
async def test_a_refused_change_says_why_and_changes_nothing(
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
    current: str,
    new: str,
    field: str,
    words: str,
) -> None:
    devices = await _devices(world.individual_a, settings)
    body = await fails(client, "VALIDATION", CHANGE, {"c": current, "n": new}, devices["phone"])
    [error] = body["errors"]
    assert error["extensions"]["field"] == field
    assert words in error["message"]
    assert all([await _alive(token, clock) for token in devices.values()])
    await ok(client, LOGIN, {"e": world.individual_a.email, "p": PASSWORD})
    assert not await AuditEvent.exists(action=audit.PASSWORD_CHANGED)


async def test_guessing_the_current_password_is_throttled(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given a stolen token, when the thief guesses the password as often as login allows
    stolen = await token_for(world.individual_b, settings)
    for i in range(settings.login_attempts_per_account):
        await fails(client, "VALIDATION", CHANGE, {"c": f"guess number {i}", "n": NEW}, stolen)
    # then even the right password is refused for the rest of the minute
    await fails(client, "RATE_LIMITED", CHANGE, {"c": PASSWORD, "n": NEW}, stolen)
    clock.advance(60)
    await ok(client, CHANGE, {"c": PASSWORD, "n": NEW}, stolen)


async def test_logout_everywhere_ends_every_session_and_token_of_the_caller_only(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    devices = await _devices(world.staff, settings)
    colleague = await token_for(world.admin_y, settings)
    assert await ok(client, "mutation { logoutEverywhere }", token=devices["phone"]) == {
        "logoutEverywhere": True
    }
    assert [await _alive(token, clock) for token in devices.values()] == [False] * 3
    assert await AuthToken.filter(user_id=world.staff.id).count() == 0
    assert await _alive(colleague, clock)
    event = await AuditEvent.get(action=audit.LOGGED_OUT_EVERYWHERE)
    assert (event.actor_id, event.details) == (
        world.staff.id,
        {"sessions_ended": 3, "client_address": "203.0.113.7"},
    )
    # the caller is anonymous now
    await fails(client, "UNAUTHENTICATED", "mutation { logoutEverywhere }", token=devices["phone"])


@pytest.mark.parametrize(
    "query", [CHANGE, "mutation { logoutEverywhere }"], ids=["changePassword", "logoutEverywhere"]
)
async def test_both_need_a_login(client: httpx.AsyncClient, world: World, query: str) -> None:
    variables: dict[str, Any] = {"c": PASSWORD, "n": NEW} if query == CHANGE else {}
    await fails(client, "UNAUTHENTICATED", query, variables)
