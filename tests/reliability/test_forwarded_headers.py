"""R13: forwarded headers cannot buy a client a fresh rate-limit budget.

Login (API and admin form), verification (API and page) and sign-up are flooded, each
request with a new ``X-Forwarded-For`` and ``Forwarded`` of the attacker's choosing:

- no trusted proxy (the default): the attacker connects directly; every header is
  ignored, the peer address counts;
- a trusted proxy writing ``X-Forwarded-For`` (or, configured so, ``Forwarded``): the
  proxy appends the address it saw, and the attacker's own values, left of it, are
  ignored; the other header passes the proxy untouched and is ignored too.

Figure: requests accepted beyond a limit (target 0). A different real client behind
the same proxy keeps its own budget (the limit is per client, not per proxy).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from admin_ui import csrf
from llp_gql.client_address import parse_trusted_proxies
from llp_gql.domain import auth
from llp_gql.domain.clock import FakeClock
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.admin_ui import HOST
from tests.factories import PASSWORD, World
from tests.reliability.conftest import asgi_client
from tests.reliability.test_login import fast_check

LIMIT = 4
FLOOD = 12
PROXY = "10.0.0.1"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
SIGN_UP = """mutation($e: String!, $p: String!, $n: String!) {
  signUp(email: $e, password: $p, name: $n) { token } }"""
VERIFY = "query($c: String!) { verifyCertificate(code: $c) { status } }"

Send = Callable[[httpx.AsyncClient, dict[str, str], int], Awaitable[bool]]


def forged() -> str:
    return f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(256)}"


def headers(config: str, real_client: str) -> dict[str, str]:
    """What reaches the app: the attacker's forged values, plus the proxy's own entry."""
    xff, fwd = forged(), forged()
    if config == "x-forwarded-for":
        return {"X-Forwarded-For": f"{xff}, {real_client}", "Forwarded": f"for={fwd}"}
    if config == "forwarded":
        return {"X-Forwarded-For": xff, "Forwarded": f"for={fwd}, for={real_client}"}
    return {"X-Forwarded-For": xff, "Forwarded": f"for={fwd}"}


def graphql_code(response: httpx.Response) -> str | None:
    body: dict[str, Any] = response.json()
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def login_api(client: httpx.AsyncClient, sent: dict[str, str], i: int) -> bool:
    variables = {"e": f"someone{i}@mail.example", "p": "wrong password 123"}
    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": variables}, headers=sent
    )
    return graphql_code(response) != "RATE_LIMITED"


async def sign_up(client: httpx.AsyncClient, sent: dict[str, str], i: int) -> bool:
    variables = {"e": f"new{i}.{secrets.token_hex(3)}@mail.example", "p": PASSWORD, "n": "New"}
    response = await client.post(
        "/graphql", json={"query": SIGN_UP, "variables": variables}, headers=sent
    )
    return response.status_code != 429 and graphql_code(response) != "RATE_LIMITED"


async def verify_api(client: httpx.AsyncClient, sent: dict[str, str], i: int) -> bool:
    response = await client.post(
        "/graphql", json={"query": VERIFY, "variables": {"c": f"nosuchcode{i}"}}, headers=sent
    )
    return graphql_code(response) != "RATE_LIMITED"


async def verify_page(client: httpx.AsyncClient, sent: dict[str, str], i: int) -> bool:
    response = await client.get(f"/verify/nosuchcode{i}", headers=sent)
    return response.status_code != 429


async def admin_login(client: httpx.AsyncClient, sent: dict[str, str], i: int) -> bool:
    form = await client.get("/admin/login", headers=sent)
    found = re.search(rf'name="{csrf.FIELD}" value="([^"]+)"', form.text)
    assert found, form.text[:300]
    response = await client.post(
        "/admin/login",
        data={"email": f"admin{i}@mail.example", "password": "wrong", csrf.FIELD: found[1]},
        headers={**sent, "Origin": f"https://{HOST}"},
    )
    assert response.status_code in (400, 429), response.text[:300]
    return response.status_code != 429


TARGETS: dict[str, tuple[Send, str]] = {
    "login (API)": (login_api, "login_attempts_per_address"),
    "login (admin form)": (admin_login, "login_attempts_per_address"),
    "verification (API)": (verify_api, "verify_lookups_per_address"),
    "verification (page)": (verify_page, "verify_lookups_per_address"),
    "sign-up": (sign_up, "anonymous_queries_per_address"),
}


@dataclass
class Tally:
    sent: int = 0
    beyond: int = 0
    lines: list[str] = field(default_factory=list)


@pytest.mark.parametrize("config", ["none", "x-forwarded-for", "forwarded"])
async def test_forged_forwarded_headers_buy_no_budget(
    db: object,
    world: World,
    settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config: str,
) -> None:
    monkeypatch.setattr(auth, "check_password", fast_check)  # counting, not argon2
    tally = Tally()
    for t, (name, (send, setting)) in enumerate(TARGETS.items()):
        # given an app with small limits, behind a trusted proxy or none
        limited = settings.replace(
            mode="production",
            login_attempts_per_address=LIMIT,
            login_attempts_per_account=1000,
            verify_lookups_per_address=LIMIT,
            # Anonymous GraphQL is throttled too: above the login and verify limits,
            # so those answer for themselves; sign-up has no limit of its own.
            anonymous_queries_per_address=LIMIT if setting.startswith("anonymous") else 1000,
            trusted_proxies=parse_trusted_proxies("" if config == "none" else "10.0.0.0/8"),
            forwarded_header="forwarded" if config == "forwarded" else "x-forwarded-for",
        )
        app: Starlette = create_app(limited, manage_database=False, clock=clock)
        real_client = f"198.51.100.{t + 1}"
        # Without a proxy the attacker connects directly (one address per target).
        peer = f"203.0.113.{t + 1}" if config == "none" else PROXY
        async with asgi_client(app, peer) as client, asgi_client(app, peer) as neighbour:
            # when a flood arrives, each request with new forged headers
            accepted = 0
            for i in range(FLOOD):
                accepted += await send(client, headers(config, real_client), i)
            tally.sent += FLOOD
            tally.beyond += max(0, accepted - LIMIT)
            tally.lines.append(f"{name}: {accepted}/{FLOOD} accepted (limit {LIMIT})")
            # then no more than the limit got through
            assert accepted == LIMIT, f"{config} {name}: {accepted} accepted"
            if config != "none":
                # and another client behind the same proxy still has its own budget
                other = headers(config, f"192.0.2.{t + 1}")
                assert await send(neighbour, other, FLOOD + 1), f"{config} {name}"
    with capsys.disabled():
        print(
            f"\nR13 ({config}): {tally.sent} requests with forged forwarded headers, "
            f"{tally.beyond} accepted beyond a limit; " + "; ".join(tally.lines)
        )
    assert tally.beyond == 0
