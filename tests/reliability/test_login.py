"""R8 (GraphQL side): login throttling, same answer for unknown user and wrong password.

- Per account: ``LLP_LOGIN_ATTEMPTS_PER_ACCOUNT`` (10) attempts a minute, whatever the
  client address; the 11th is RATE_LIMITED even with the right password. The counters
  live in the database, so two app instances (two workers) share them.
- Per address: ``LLP_LOGIN_ATTEMPTS_PER_ADDRESS`` (30) attempts a minute over any accounts.
- Unknown user and wrong password: the same status, message and code, and the same
  argon2 work (a deterministic proxy for "similar time": the verifier is spied on and
  must run once, on a hash of the same cost, in both cases).
- Tokens: stored hashed only, dead after logout and after their TTL.

CSRF and cookie flags of the admin UI are tested in tests/admin_ui.

Figure: attempts before throttling (target <= 10 per minute per account).
"""

from __future__ import annotations

from typing import Any

import argon2
import httpx
import pytest
from starlette.applications import Starlette

from llp_gql.domain import auth, passwords
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuthToken
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.factories import PASSWORD, World
from tests.reliability.conftest import asgi_client

WRONG = "UNAUTHENTICATED"  # the code of a wrong email or password
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"


async def login(client: httpx.AsyncClient, email: str, password: str) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": {"e": email, "p": password}}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def fast_check(user: Any, password: str) -> bool:
    """Only the counting matters in some tests: skip argon2's 0.1-0.2 s per attempt (the
    real verification runs in the others)."""
    return user is not None and password == PASSWORD


class VerifySpy:
    """Stands in for passwords._hasher: counts verify() calls and the hashes they got."""

    def __init__(self, real: argon2.PasswordHasher) -> None:
        self.real = real
        self.hashes: list[str] = []

    def verify(self, hash_: str, password: str) -> bool:
        self.hashes.append(hash_)
        return self.real.verify(hash_, password)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


async def test_throttling_per_account(
    app: Starlette,
    world: World,
    settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    email = world.individual_a.email
    limit = settings.login_attempts_per_account
    # A second app instance on the same database stands for a second worker.
    other_worker = create_app(settings, manage_database=False, clock=clock)
    # Every attempt from another address: rotating addresses must not help.
    clients = [asgi_client(app if i % 2 else other_worker, f"192.0.2.{i + 1}") for i in range(14)]
    try:
        answers = []
        for i in range(limit):
            answers.append(code(await login(clients[i], email, "wrong password 123")))
        assert answers == [WRONG] * limit
        # The right password, one attempt too many: refused.
        right = await login(clients[limit], email, PASSWORD)
        assert code(right) == "RATE_LIMITED", right
        assert "data" not in right or right["data"] is None
        allowed = answers.count(WRONG)
        # Unknown accounts are throttled alike (throttling tells nothing about existence).
        monkeypatch.setattr(auth, "check_password", fast_check)
        ghost = [
            code(await login(clients[i], "ghost@mail.example", "wrong password 1"))
            for i in range(limit + 1)
        ]
        assert ghost == [WRONG] * limit + ["RATE_LIMITED"]
        # The next minute the right password works again.
        clock.advance(60)
        assert code(await login(clients[0], email, PASSWORD)) is None
    finally:
        for client in clients:
            await client.aclose()
    with capsys.disabled():
        print(
            f"\nR8: attempts before throttling {allowed}/min per account "
            f"(LLP_LOGIN_ATTEMPTS_PER_ACCOUNT={limit})"
        )
    assert allowed <= 10


async def test_throttling_per_address(
    app: Starlette,
    world: World,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(auth, "check_password", fast_check)
    limit = settings.login_attempts_per_address
    async with asgi_client(app, "192.0.2.200") as client:
        answers = [
            code(await login(client, f"person{i}@mail.example", "wrong password 123"))
            for i in range(limit)
        ]
        assert answers == [WRONG] * limit
        # An existing account, right password, untouched per-account counter: refused.
        right = await login(client, world.individual_b.email, PASSWORD)
        assert code(right) == "RATE_LIMITED", right
    async with asgi_client(app, "192.0.2.201") as elsewhere:
        assert code(await login(elsewhere, world.individual_b.email, PASSWORD)) is None
    with capsys.disabled():
        print(
            f"\nR8: attempts before throttling {answers.count(WRONG)}/min per address "
            f"(LLP_LOGIN_ATTEMPTS_PER_ADDRESS={limit})"
        )


async def test_limits_follow_their_settings(
    db: Any, world: World, settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "check_password", fast_check)
    tight = settings.replace(login_attempts_per_account=3, login_attempts_per_address=5)
    app = create_app(tight, manage_database=False, clock=clock)
    async with asgi_client(app, "192.0.2.150") as client:
        answers = [
            code(await login(client, world.individual_a.email, "wrong password 1"))
            for _ in range(4)
        ]
        assert answers == [WRONG] * 3 + ["RATE_LIMITED"]
        answers = [
            code(await login(client, "nobody@mail.example", "wrong password 1")) for _ in range(2)
        ]
        # The address has now made 6 attempts: over 5.
        assert answers == [WRONG, "RATE_LIMITED"]


async def test_unknown_user_and_wrong_password_look_alike(
    app: Starlette, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = VerifySpy(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", spy)
    answers = {}
    async with asgi_client(app, "192.0.2.77") as client:
        for label, email in [
            ("wrong password", world.individual_a.email),
            ("unknown user", "nobody.here@mail.example"),
            ("not an email", "not-an-email"),
            ("other case", world.individual_a.email.upper()),
        ]:
            before = len(spy.hashes)
            response = await client.post(
                "/graphql",
                json={"query": LOGIN, "variables": {"e": email, "p": "wrong password 123"}},
            )
            body = response.json()
            calls = spy.hashes[before:]
            assert len(calls) == 1, (label, calls)  # argon2 ran, exactly once
            answers[label] = (
                response.status_code,
                body.get("data"),
                [(e["message"], e["extensions"]) for e in body["errors"]],
                argon2.extract_parameters(calls[0]),
            )
    reference = answers["wrong password"]
    assert reference[2][0][1] == {"code": WRONG}
    for label, answer in answers.items():
        assert answer == reference, label  # same status, body and argon2 cost


async def test_tokens_hashed_revoked_and_expiring(
    app: Starlette, world: World, settings: Settings, clock: FakeClock
) -> None:
    me = {"query": "{ me { email } }"}
    async with asgi_client(app, "192.0.2.90") as client:
        body = await login(client, world.individual_b.email, PASSWORD)
        token = body["data"]["login"]["token"]
        stored = await AuthToken.all().values_list("token_hash", flat=True)
        assert token not in stored
        assert len(stored) == 1
        bearer = {"authorization": f"Bearer {token}"}
        response = await client.post("/graphql", json=me, headers=bearer)
        assert response.json() == {"data": {"me": {"email": world.individual_b.email}}}
        # Expired after its TTL.
        clock.advance(settings.token_ttl_seconds)
        response = await client.post("/graphql", json=me, headers=bearer)
        assert response.json() == {"data": {"me": None}}
        # Revoked by logout.
        clock.advance(-settings.token_ttl_seconds)
        logout = await client.post(
            "/graphql", json={"query": "mutation { logout }"}, headers=bearer
        )
        assert logout.json() == {"data": {"logout": True}}
        response = await client.post("/graphql", json=me, headers=bearer)
        assert response.json() == {"data": {"me": None}}
