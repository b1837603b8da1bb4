"""R6 in miniature: a database outage met inside a GraphQL resolver must answer 503.

scripts/reliability/outage.py stops PostgreSQL under load; there, requests whose first
query runs in a resolver (no bearer token: ``signUp``, ``login``, ``verifyCertificate``)
answered HTTP 200 with an INTERNAL error. Here the same failure is injected without
stopping anything: the domain call behind the resolver raises what asyncpg and the
socket layer raise while PostgreSQL is away.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from starlette.applications import Starlette
from tortoise.exceptions import DBConnectionError

from llp_gql.domain import accounts, certificates
from tests.reliability.conftest import asgi_client

OUTAGES = [
    ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
    asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    DBConnectionError("connection lost"),
]
SIGN_UP = (
    'mutation { signUp(email: "new@mail.example", password: "a long enough password", '
    'name: "New") { token } }'
)
VERIFY = '{ verifyCertificate(code: "abcd") { status } }'


@pytest.mark.parametrize("error", OUTAGES, ids=lambda e: type(e).__name__)
async def test_outage_inside_a_resolver_is_a_clean_503(
    prod_app: Starlette, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    async def down(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(accounts, "sign_up", down)
    monkeypatch.setattr(certificates, "verify", down)
    answers = {}
    async with asgi_client(prod_app) as client:
        for label, query in (("signUp", SIGN_UP), ("verifyCertificate", VERIFY)):
            response = await client.post("/graphql", json={"query": query})
            codes = [e["extensions"]["code"] for e in response.json().get("errors") or []]
            answers[label] = (response.status_code, codes)
    assert answers == {
        "signUp": (503, ["SERVICE_UNAVAILABLE"]),
        "verifyCertificate": (503, ["SERVICE_UNAVAILABLE"]),
    }
