"""API keys (docs/integrations.md, "API keys"): lifecycle, scopes, refusals, revocation
at once, malformed and forged keys, last-used writes, limits and the audit trail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from llp_gql.domain import api_keys
from llp_gql.domain.clock import FakeClock
from llp_gql.models import ApiKey, AuditEvent, Enrollment, User
from llp_gql.settings import Settings
from tests.factories import World
from tests.gql import fails, gid, ok, post, token_for

CREATE = (
    "mutation($n: String!, $s: [ApiKeyScope!]!) { createApiKey(name: $n, scopes: $s) "
    "{ key apiKey { id name prefix scopes createdAt lastUsedAt revokedAt createdBy { email } } } }"
)
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }"
LIST = "{ apiKeys { id prefix name scopes lastUsedAt revokedAt } }"
COMPANY = "{ company { name employees { totalCount } } }"
ASSIGN = "mutation($c: ID!, $u: [ID!]!) { assignCourse(courseId: $c, userIds: $u) { id } }"


async def make_key(
    client: httpx.AsyncClient, token: str, scopes: list[str], name: str = "HR system"
) -> dict[str, Any]:
    data = await ok(client, CREATE, {"n": name, "s": scopes}, token)
    made: dict[str, Any] = data["createApiKey"]
    return made


async def test_lifecycle_create_list_use_revoke(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given an admin of company X
    admin = await token_for(world.admin_x, settings)
    # when they make a key
    made = await make_key(client, admin, ["READ", "ASSIGN"])
    key, record = made["key"], made["apiKey"]
    # then the key is shown once, in the documented format, with a public prefix
    assert api_keys.KEY_PATTERN.fullmatch(key)
    assert key.startswith(record["prefix"] + "_")
    assert record["scopes"] == ["READ", "ASSIGN"]
    assert record["createdBy"] == {"email": world.admin_x.email}
    assert record["lastUsedAt"] is None
    # and only its SHA-256 is stored, never the secret
    row = await ApiKey.get(prefix=record["prefix"])
    assert row.key_hash == api_keys.digest(key) and key not in (row.key_hash, row.prefix)
    # and the list shows it without the key
    listed = (await ok(client, LIST, token=admin))["apiKeys"]
    assert [k["prefix"] for k in listed] == [record["prefix"]]
    assert key not in str(listed)
    company_list = await ok(client, "{ company { apiKeys { prefix } } }", token=admin)
    assert company_list["company"]["apiKeys"] == [{"prefix": record["prefix"]}]
    # when the key is used, it acts for its company
    data = await ok(client, COMPANY, token=key)
    assert data["company"]["name"] == "Acme Corp"
    assert (await ok(client, "{ me { id } }", token=key)) == {"me": None}
    assigned = await ok(
        client,
        ASSIGN,
        {"c": gid("Course", world.course.course.id), "u": [gid("User", world.employee_x2.id)]},
        key,
    )
    assert len(assigned["assignCourse"]) == 1
    enrollment = await Enrollment.get(learner_id=world.employee_x2.id)
    assert enrollment.assigned_by_id is None  # made by a key, not by a person
    # and the list shows when it was used
    listed = (await ok(client, LIST, token=admin))["apiKeys"]
    assert listed[0]["lastUsedAt"] is not None
    # when the admin revokes it
    revoked = await ok(client, REVOKE, {"id": record["id"]}, admin)
    assert revoked["revokeApiKey"]["revokedAt"] is not None
    # then the next request with it is anonymous: the company is gone, writes refused
    assert (await ok(client, COMPANY, token=key)) == {"company": None}
    await fails(client, "UNAUTHENTICATED", ASSIGN, {"c": "x", "u": []}, key)
    # and revoking again changes nothing
    again = await ok(client, REVOKE, {"id": record["id"]}, admin)
    assert again["revokeApiKey"]["revokedAt"] == revoked["revokeApiKey"]["revokedAt"]


async def test_revoked_key_refused_at_once_between_two_requests(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given a key that has just worked
    admin = await token_for(world.admin_x, settings)
    made = await make_key(client, admin, ["READ"])
    key = made["key"]
    assert (await ok(client, COMPANY, token=key))["company"]["name"] == "Acme Corp"
    # when it is revoked (in the domain, as the admin UI does) between two requests
    await api_keys.revoke_key(world.admin_x, int((await ApiKey.get()).id))
    # then the very next request is refused: no cache outlives the revocation
    await fails(client, "UNAUTHENTICATED", "{ apiKeys { id } }", token=key)
    assert (await ok(client, COMPANY, token=key)) == {"company": None}


@pytest.mark.parametrize(
    "mangle",
    [
        lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"),  # forged secret, real prefix
        lambda k: "llp_000000000000_" + k.split("_", 2)[2],  # unknown prefix
        lambda k: k[:-3],  # truncated
        lambda k: k + "x",  # too long
        lambda k: "llp_",  # bare start
        lambda k: "llp_" + "é" * 60,  # not ASCII
        lambda k: "llp_" + "a" * 5000,  # huge
        lambda k: k.upper(),  # wrong case
    ],
    ids=["forged", "unknown", "truncated", "long", "bare", "unicode", "huge", "upper"],
)
async def test_malformed_unknown_and_forged_keys_are_no_login(
    client: httpx.AsyncClient, world: World, settings: Settings, mangle: Any
) -> None:
    # given a real key
    admin = await token_for(world.admin_x, settings)
    key = (await make_key(client, admin, ["READ", "MANAGE_PEOPLE", "ASSIGN"]))["key"]
    # when a changed one is sent
    headers = {"Authorization": f"Bearer {mangle(key)}".encode()}
    response = await client.post("/graphql", json={"query": COMPANY}, headers=headers)
    # then it counts as no login: no 500, nothing of the company
    assert response.status_code < 500
    assert response.json()["data"] == {"company": None}
    response = await client.post("/graphql", json={"query": LIST}, headers=headers)
    assert response.status_code < 500
    errors = response.json()["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"UNAUTHENTICATED"}


async def test_lookup_by_prefix_then_constant_time_compare(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a key, and a spy on the constant-time compare
    made = await api_keys.create_key(world.admin_x, "k", ["read"], settings=Settings())
    compared: list[tuple[str, str]] = []
    real = api_keys.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api_keys.hmac, "compare_digest", spy)
    # when the right key, a forged one and an unknown prefix are checked
    assert await api_keys.authenticate_key(made.key) is not None
    forged = made.key[:-1] + ("A" if made.key[-1] != "A" else "B")
    assert await api_keys.authenticate_key(forged) is None
    unknown = "llp_000000000000_" + made.key.split("_", 2)[2]
    assert await api_keys.authenticate_key(unknown) is None
    # then every one, the unknown prefix too, cost one digest compare of equal length
    assert len(compared) == 3
    assert compared[0][1] == compared[1][1] == made.row.key_hash
    assert all(len(a) == len(b) == 64 for a, b in compared)


async def test_last_used_written_at_most_once_a_minute(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given a key and a count of the writes to its row
    admin = await token_for(world.admin_x, settings)
    key = (await make_key(client, admin, ["READ"]))["key"]
    writes = 0
    real_update = api_keys.ApiKey.filter

    def counting_filter(*args: Any, **kwargs: Any) -> Any:
        nonlocal writes
        if args:  # only the conditional touch passes a Q
            writes += 1
        return real_update(*args, **kwargs)

    api_keys.ApiKey.filter = counting_filter  # type: ignore[method-assign]
    try:
        # when 30 requests come within the same minute
        for _ in range(30):
            await ok(client, COMPANY, token=key)
        # then last_used_at was written once
        assert writes == 1
        first = (await ApiKey.get()).last_used_at
        # and after a minute, once more
        clock.advance(61)
        for _ in range(5):
            await ok(client, COMPANY, token=key)
        assert writes == 2
        assert (await ApiKey.get()).last_used_at != first
    finally:
        api_keys.ApiKey.filter = real_update  # type: ignore[method-assign]
