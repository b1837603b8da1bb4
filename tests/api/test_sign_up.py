"""signUp under abuse (issue 13): one account per email however many race, a
throttle per client address, and the password policy's own answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from llp_gql.domain import passwords
from llp_gql.domain.clock import FakeClock
from llp_gql.models import User
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.factories import World
from tests.fake_hasher import RecordingHasher
from tests.gql import fails, ok, post, token_for

SIGN_UP = (
    "mutation($e: String!, $p: String!, $n: String!) { signUp(email: $e, password: $p, "
    "name: $n) { token user { email } } }"
)
PASSWORD = "a long enough password"


@pytest.fixture
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> RecordingHasher:
    """The counting is what matters here, not argon2's quarter of a second per call."""
    hasher = RecordingHasher(hold=0)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    return hasher


async def _client(settings: Settings, clock: FakeClock, address: str) -> httpx.AsyncClient:
    app = create_app(settings, manage_database=False, clock=clock)
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="https://llp.example")


@pytest.fixture
async def roomy_client(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose address may sign up far more than 40 times a minute."""
    async with await _client(
        settings.replace(sign_ups_per_address=1000), clock, "198.51.100.9"
    ) as c:
        yield c


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


async def test_forty_concurrent_sign_ups_with_one_email_make_one_account(
    roomy_client: httpx.AsyncClient, fast_hasher: RecordingHasher
) -> None:
    # when 40 sign-ups with the same email (in varying case) arrive at once
    bodies = await asyncio.gather(
        *(
            post(
                roomy_client,
                SIGN_UP,
                {
                    "e": "Twin@Mail.example" if i % 2 else "twin@mail.example",
                    "p": PASSWORD,
                    "n": "T",
                },
            )
            for i in range(40)
        )
    )
    # then exactly one succeeds, every other one answers CONFLICT, and one row exists
    created = [b for b in bodies if not b.get("errors")]
    assert len(created) == 1
    assert sorted(code for b in bodies for code in codes(b)) == ["CONFLICT"] * 39
    assert await User.filter(email="twin@mail.example").count() == 1


async def test_forty_concurrent_sign_ups_with_distinct_emails_all_succeed(
    roomy_client: httpx.AsyncClient, fast_hasher: RecordingHasher
) -> None:
    bodies = await asyncio.gather(
        *(
            post(roomy_client, SIGN_UP, {"e": f"p{i}@mail.example", "p": PASSWORD, "n": "P"})
            for i in range(40)
        )
    )
    assert [codes(b) for b in bodies] == [[]] * 40
    assert await User.filter(email__startswith="p").count() == 40
    assert fast_hasher.peak <= passwords.max_concurrent_hashes()


async def test_sign_ups_are_throttled_per_address(
    db: TortoiseContext, settings: Settings, clock: FakeClock, fast_hasher: RecordingHasher
) -> None:
    limit = settings.sign_ups_per_address
    async with (
        await _client(settings, clock, "203.0.113.50") as flooder,
        await _client(settings, clock, "203.0.113.51") as neighbour,
    ):
        # given `limit` sign-ups from one address this minute (good and bad ones alike)
        for i in range(limit):
            email = f"f{i}@mail.example" if i % 2 else f"not-an-email-{i}"
            body = await post(flooder, SIGN_UP, {"e": email, "p": PASSWORD, "n": "F"})
            assert codes(body) == ([] if i % 2 else ["VALIDATION"])
        # when it tries once more, then the answer is RATE_LIMITED and nothing is stored
        refused = await fails(
            flooder, "RATE_LIMITED", SIGN_UP, {"e": "late@mail.example", "p": PASSWORD, "n": "L"}
        )
        assert "sign-ups" in refused["errors"][0]["message"]
        assert not await User.exists(email="late@mail.example")
        # and another address is not affected
        await ok(neighbour, SIGN_UP, {"e": "near@mail.example", "p": PASSWORD, "n": "N"})
        # and the next minute the first address may sign up again
        clock.advance(60)
        await ok(flooder, SIGN_UP, {"e": "later@mail.example", "p": PASSWORD, "n": "L"})


@pytest.mark.parametrize(
    ("password", "reason"), [("short pass", "TOO_SHORT"), ("Password1234", "COMMON")]
)
async def test_a_weak_password_gets_its_own_answer(
    client: httpx.AsyncClient, db: TortoiseContext, password: str, reason: str
) -> None:
    body = await fails(
        client, "VALIDATION", SIGN_UP, {"e": "weak@mail.example", "p": password, "n": "W"}
    )
    [error] = body["errors"]
    assert error["extensions"] == {"code": "VALIDATION", "field": "password", "reason": reason}
    assert ("12 characters" if reason == "TOO_SHORT" else "most common") in error["message"]
    assert not await User.exists(email="weak@mail.example")


@pytest.mark.parametrize("entry", ["signUp", "createEmployee", "createCompany"])
async def test_every_way_to_set_a_password_applies_the_policy(
    client: httpx.AsyncClient, world: World, settings: Settings, entry: str
) -> None:
    # given the caller each entry point needs, when the new password is a common one
    query, caller = {
        "signUp": (
            'mutation { signUp(email: "n@mail.example", password: "Qwerty123456", name: "N") '
            "{ token } }",
            None,
        ),
        "createEmployee": (
            'mutation { createEmployee(email: "n@acme.example", name: "N", '
            'password: "Qwerty123456") { id } }',
            world.admin_x,
        ),
        "createCompany": (
            'mutation { createCompany(name: "Initech", adminEmail: "n@initech.example", '
            'adminName: "N", adminPassword: "Qwerty123456") { id } }',
            world.staff,
        ),
    }[entry]
    token = await token_for(caller, settings) if caller else None
    body = await fails(client, "VALIDATION", query, token=token)
    # then it is refused with the policy's own reason, and nobody was created
    assert body["errors"][0]["extensions"]["reason"] == "COMMON"
    assert not await User.filter(email__startswith="n@").exists()
