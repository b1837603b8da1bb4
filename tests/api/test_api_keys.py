"""API keys (docs/integrations.md, "API keys"): lifecycle, scopes, refusals, revocation
at once, malformed and forged keys, last-used writes, limits and the audit trail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from llp_gql.domain import access_keys, api_keys, inviting
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import RateLimited, TooMany
from llp_gql.models import ApiKey, AuditEvent, Enrollment, User
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.api.scenario import build_scenario
from tests.api.test_query_counts import QueryLog, count
from tests.api.test_query_counts import queries as queries  # the SQL-counting fixture
from tests.factories import World
from tests.gql import fails, gid, ok, post, token_for
from tests.transport.test_budget import client_at

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
    assert row.key_hash == api_keys.digest(key)
    assert key not in (row.key_hash, row.prefix)
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
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
    queries: QueryLog,
) -> None:
    # given a key
    admin = await token_for(world.admin_x, settings)
    key = (await make_key(client, admin, ["READ"]))["key"]

    def writes() -> int:
        return sum(sql.startswith("UPDATE") and "api_key" in sql for sql in queries.statements)

    # when 30 requests come within the same minute
    queries.statements.clear()
    queries.active = True
    for _ in range(30):
        await ok(client, COMPANY, token=key)
    # then last_used_at was written once, and nothing else was written
    assert writes() == 1
    assert not [s for s in queries.statements if s.startswith(("INSERT", "DELETE"))]
    first = (await ApiKey.get()).last_used_at
    # and after a minute, once more
    clock.advance(61)
    for _ in range(5):
        await ok(client, COMPANY, token=key)
    queries.active = False
    assert writes() == 2
    assert (await ApiKey.get()).last_used_at != first


async def test_listing_keys_costs_the_same_queries_for_2_and_12_keys(
    client: httpx.AsyncClient, world: World, settings: Settings, queries: QueryLog
) -> None:
    # given an admin with 2 keys, then 12 (made by two people)
    limits = settings.replace(api_keys_per_admin_per_hour=100, max_api_keys_per_company=100)
    admin = await token_for(world.admin_x, settings)
    query = "{ apiKeys { id prefix scopes createdBy { email } } company { apiKeys { id } } }"
    counts = []
    for total in (2, 12):
        while await ApiKey.all().count() < total:
            await api_keys.create_key(world.admin_x, "k", ["read"], settings=limits)
        n, data = await count(queries, client, query, admin)
        assert len(data["apiKeys"]) == total
        counts.append(n)
    # then the number of queries does not grow with the list
    assert counts[0] == counts[1], queries
    # and a request made with a key costs the key's lookup, not more than a login token's
    key = (await api_keys.create_key(world.admin_x, "k", ["read"], settings=limits)).key
    await ok(client, COMPANY, token=key)  # its one last-used write of the minute
    with_key, _ = await count(queries, client, COMPANY, key)
    with_token, _ = await count(queries, client, COMPANY, admin)
    assert with_key <= with_token, queries


async def test_a_key_cannot_export_certificates(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given company X's completed assignment with a certificate, and a key with every scope
    await build_scenario(world, clock=clock, settings=settings)
    made = await api_keys.create_key(
        world.admin_x, "k", ["read", "manage-people", "assign"], settings=settings
    )
    # when the key asks for the ZIP export, then it is refused and nothing is exported
    refused = await client.get(
        "/certificates/export.zip", headers={"Authorization": f"Bearer {made.key}"}
    )
    assert refused.status_code == 403
    assert not refused.content.startswith(b"PK")
    assert await AuditEvent.filter(action="certificate.exported").count() == 0
    # while the admin in person gets it
    admin = await token_for(world.admin_x, settings)
    allowed = await client.get(
        "/certificates/export.zip", headers={"Authorization": f"Bearer {admin}"}
    )
    assert allowed.status_code == 200
    assert allowed.content.startswith(b"PK")


NEVER = {
    "changePassword": 'mutation { changePassword(currentPassword: "x", newPassword: "y") }',
    "logoutEverywhere": "mutation { logoutEverywhere }",
    "logout": "mutation { logout }",
    "setCompanyAdmin": "mutation($u: ID!) { setCompanyAdmin(userId: $u, isAdmin: true) { id } }",
    "createApiKey": 'mutation { createApiKey(name: "more", scopes: [READ]) { key } }',
    "revokeApiKey": "mutation($k: ID!) { revokeApiKey(id: $k) { id } }",
    "deleteMyAccount": 'mutation { deleteMyAccount(password: "x") }',
    "createCourse": 'mutation { createCourse(title: "T") { id } }',
    # hidden behind a fragment: the gate reads through it
    "fragment": "mutation($u: ID!) { ...F } fragment F on Mutation { setCompanyAdmin(userId: $u, "
    "isAdmin: true) { id } }",
}


@pytest.mark.parametrize("name", sorted(NEVER))
async def test_what_no_key_may_do(
    client: httpx.AsyncClient, world: World, settings: Settings, name: str
) -> None:
    # given a company key with every scope, and a staff key
    admin = await token_for(world.admin_x, settings)
    company_key = await make_key(client, admin, ["READ", "MANAGE_PEOPLE", "ASSIGN"])
    staff = await token_for(world.staff, settings)
    staff_key = await make_key(client, staff, ["READ"])
    for key in (company_key["key"], staff_key["key"]):
        variables = {"u": gid("User", world.employee_x.id), "k": company_key["apiKey"]["id"]}
        # when either tries what only people do
        body = await fails(client, "FORBIDDEN", NEVER[name], variables, key)
        # then it is refused with a stable reason, and nothing changed
        assert body["errors"][0]["extensions"]["reason"] == "API_KEY_SCOPE"
        assert body.get("data") is None
    assert (await User.get(id=world.employee_x.id)).role.value == "LEARNER"
    assert await ApiKey.filter(revoked_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("scopes", "query", "variables_of"),
    [
        (["MANAGE_PEOPLE", "ASSIGN"], COMPANY, None),  # no read: no queries
        (["READ", "MANAGE_PEOPLE"], ASSIGN, "assign"),  # no assign scope
        (
            ["READ", "ASSIGN"],
            'mutation { createEmployee(email: "n@acme.example", name: "N", '
            'password: "a long enough passphrase") { id } }',
            None,
        ),  # no manage-people scope
    ],
    ids=["read", "assign", "manage-people"],
)
async def test_scope_refusals(
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    scopes: list[str],
    query: str,
    variables_of: str | None,
) -> None:
    # given a key without the scope the request needs
    admin = await token_for(world.admin_x, settings)
    key = (await make_key(client, admin, scopes))["key"]
    variables = (
        {"c": gid("Course", world.course.course.id), "u": [gid("User", world.employee_x2.id)]}
        if variables_of
        else {}
    )
    # when it sends the request, then FORBIDDEN with reason API_KEY_SCOPE, nothing stored
    body = await fails(client, "FORBIDDEN", query, variables, key)
    assert body["errors"][0]["extensions"]["reason"] == "API_KEY_SCOPE"
    assert await Enrollment.filter(learner_id=world.employee_x2.id).count() == 0
    assert await User.filter(email="n@acme.example").count() == 0


async def test_a_key_sees_no_other_company_and_no_certificate(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given company X's key with every scope
    admin = await token_for(world.admin_x, settings)
    key = (await make_key(client, admin, ["READ", "MANAGE_PEOPLE", "ASSIGN"]))["key"]
    # when it reaches company Y's employee, then NOT_FOUND as for a missing one
    other = await post(
        client,
        "mutation($u: ID!) { removeEmployee(userId: $u) }",
        {"u": gid("User", world.employee_y.id)},
        key,
    )
    missing = await post(
        client,
        "mutation($u: ID!) { removeEmployee(userId: $u) }",
        {"u": gid("User", 999999)},
        key,
    )
    assert other == missing
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await fails(
        client,
        "NOT_FOUND",
        ASSIGN,
        {"c": gid("Course", world.course.course.id), "u": [gid("User", world.employee_y.id)]},
        key,
    )
    assert await User.filter(id=world.employee_y.id).count() == 1
    # and its key list is empty: keys never see keys
    assert (await ok(client, LIST, token=key)) == {"apiKeys": []}
    await fails(client, "FORBIDDEN", "{ company { apiKeys { id } } }", token=key)


async def test_who_manages_keys(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given keys of company X, company Y and the platform
    x = await make_key(client, await token_for(world.admin_x, settings), ["READ"])
    y = await make_key(client, await token_for(world.admin_y, settings), ["READ"])
    staff = await token_for(world.staff, settings)
    s = await make_key(client, staff, ["READ"])
    # then each sees only its own kind
    assert [k["id"] for k in (await ok(client, LIST, token=staff))["apiKeys"]] == [
        s["apiKey"]["id"]
    ]
    employee = await token_for(world.employee_x, settings)
    assert (await ok(client, LIST, token=employee)) == {"apiKeys": []}
    # and an employee or another company's admin cannot make or revoke X's keys
    await fails(client, "FORBIDDEN", CREATE, {"n": "k", "s": ["READ"]}, employee)
    individual = await token_for(world.individual_a, settings)
    await fails(client, "FORBIDDEN", CREATE, {"n": "k", "s": ["READ"]}, individual)
    admin_y = await token_for(world.admin_y, settings)
    listed_y = (await ok(client, LIST, token=admin_y))["apiKeys"]
    assert [k["id"] for k in listed_y] == [y["apiKey"]["id"]]
    other = await post(client, REVOKE, {"id": x["apiKey"]["id"]}, admin_y)
    missing = await post(client, REVOKE, {"id": gid("ApiKey", 999999)}, admin_y)
    assert other == missing
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await fails(client, "NOT_FOUND", REVOKE, {"id": x["apiKey"]["id"]}, staff)
    assert await ApiKey.filter(revoked_at__isnull=True).count() == 3
    # and staff keys take the read scope only
    body = await fails(client, "VALIDATION", CREATE, {"n": "k", "s": ["ASSIGN"]}, staff)
    assert body["errors"][0]["extensions"]["field"] == "scopes"


@pytest.mark.parametrize(
    ("name", "scopes"),
    [("", ["READ"]), ("x" * 101, ["READ"]), ("bad\x00name", ["READ"]), ("ok", [])],
)
async def test_bad_input_stores_nothing(
    client: httpx.AsyncClient, world: World, settings: Settings, name: str, scopes: list[str]
) -> None:
    admin = await token_for(world.admin_x, settings)
    await fails(client, "VALIDATION", CREATE, {"n": name, "s": scopes}, admin)
    assert await ApiKey.all().count() == 0


async def test_limits_creations_per_hour_and_active_keys(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    # given small limits
    limited = settings.replace(api_keys_per_admin_per_hour=3, max_api_keys_per_company=2)
    made = [
        await api_keys.create_key(world.admin_x, f"k{i}", ["read"], settings=limited, clock=clock)
        for i in range(2)
    ]
    # then a third active key is refused with its own limit
    with pytest.raises(TooMany) as refused:
        await api_keys.create_key(world.admin_x, "k3", ["read"], settings=limited, clock=clock)
    assert refused.value.extensions() == {
        "code": "VALIDATION",
        "field": "name",
        "limit": "MAX_ACTIVE_API_KEYS",
    }
    # and after revoking one, a third fits; a fourth in the hour is RATE_LIMITED
    await api_keys.revoke_key(world.admin_x, made[0].row.id, clock=clock)
    await api_keys.create_key(world.admin_x, "k3", ["read"], settings=limited, clock=clock)
    await api_keys.revoke_key(world.admin_x, made[1].row.id, clock=clock)
    with pytest.raises(RateLimited) as limited_error:
        await api_keys.create_key(world.admin_x, "k4", ["read"], settings=limited, clock=clock)
    assert limited_error.value.extensions() == {
        "code": "RATE_LIMITED",
        "limit": "API_KEYS_PER_HOUR",
    }
    # and an hour later the admin may make keys again
    clock.advance(3601)
    await api_keys.create_key(world.admin_x, "k5", ["read"], settings=limited, clock=clock)
    assert await ApiKey.filter(revoked_at__isnull=True).count() == 2


async def test_every_key_mutation_and_key_change_is_audited_with_the_key_as_actor(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given a key with every scope
    admin = await token_for(world.admin_x, settings)
    made = await make_key(client, admin, ["READ", "MANAGE_PEOPLE", "ASSIGN"])
    key, prefix = made["key"], made["apiKey"]["prefix"]
    row = await ApiKey.get(prefix=prefix)
    # when it runs writes of each scope
    x2 = gid("User", world.employee_x2.id)
    course = gid("Course", world.course.course.id)
    [enrollment] = (await ok(client, ASSIGN, {"c": course, "u": [x2]}, key))["assignCourse"]
    await ok(client, 'mutation { createGroup(name: "Sales") { id } }', token=key)
    await ok(
        client,
        'mutation($u: ID!) { renameUser(userId: $u, name: "Ed Two") { id } }',
        {"u": x2},
        key,
    )
    await ok(
        client, "mutation($u: ID!) { deactivateEmployee(userId: $u) { isActive } }", {"u": x2}, key
    )
    await ok(
        client, "mutation($u: ID!) { reactivateEmployee(userId: $u) { isActive } }", {"u": x2}, key
    )
    await ok(
        client,
        "mutation($e: ID!) { removeEnrollment(enrollmentId: $e) }",
        {"e": enrollment["id"]},
        key,
    )
    await ok(client, "mutation($u: ID!) { removeEmployee(userId: $u) }", {"u": x2}, key)
    group = await ok(client, 'mutation { createGroup(name: "Ops") { id } }', token=key)
    group_id = group["createGroup"]["id"]
    x1 = gid("User", world.employee_x.id)
    await ok(
        client,
        "mutation($u: ID!, $g: ID) { setEmployeeGroup(userId: $u, groupId: $g) { id } }",
        {"u": x1, "g": group_id},
        key,
    )
    await ok(
        client,
        'mutation($g: ID!) { renameGroup(groupId: $g, name: "Ops 2") { id } }',
        {"g": group_id},
        key,
    )
    await ok(client, "mutation($g: ID!) { deleteGroup(groupId: $g) }", {"g": group_id}, key)
    invited = await ok(
        client,
        'mutation { inviteEmployee(email: "new@acme.example", name: "New") { id } }',
        token=key,
    )
    await ok(
        client,
        "mutation($u: ID!) { resendInvitation(userId: $u) { id } }",
        {"u": invited["inviteEmployee"]["id"]},
        key,
    )
    [e1] = (await ok(client, ASSIGN, {"c": course, "u": [x1]}, key))["assignCourse"]
    await ok(
        client,
        'mutation($e: ID!) { setDueDate(enrollmentId: $e, dueAt: "2031-01-01T00:00:00Z") { id } }',
        {"e": e1["id"]},
        key,
    )
    await ok(
        client,
        "mutation($e: ID!, $l: ID!) { grantQuizAttempts(enrollmentId: $e, "
        "lessonId: $l, extra: 1) { attemptsLeft } }",
        {"e": e1["id"], "l": gid("Lesson", world.course.quiz.id)},
        key,
    )
    # then every one left an audit row naming the key (and no person) as actor
    rows = await AuditEvent.filter(actor_email=f"api-key:{prefix}").order_by("id")
    assert [r.action for r in rows] == [
        "enrollment.assigned",
        "group.created",
        "account.renamed",
        "account.employee_deactivated",
        "account.employee_reactivated",
        "enrollment.removed",
        "account.employee_removed",
        "group.created",
        "account.group_set",
        "group.renamed",
        "group.deleted",
        "account.employee_invited",
        "account.invitation_resent",
        "enrollment.assigned",
        "enrollment.due_date_set",
        "quiz.attempts_granted",
    ]
    # and every mutation a key may run was run here
    run_here = {
        "assignCourse",
        "createGroup",
        "renameUser",
        "deactivateEmployee",
        "reactivateEmployee",
        "removeEnrollment",
        "removeEmployee",
        "setEmployeeGroup",
        "renameGroup",
        "deleteGroup",
        "inviteEmployee",
        "resendInvitation",
        "setDueDate",
        "grantQuizAttempts",
    }
    assert set(access_keys.MUTATION_SCOPES) == run_here | {"createEmployee"}  # that one: R1
    assert all(r.actor_id is None and r.details["api_key_id"] == row.id for r in rows)
    # and the key's making was audited with the admin as actor, reads were not audited
    created = await AuditEvent.get(action="api_key.created")
    assert created.actor_id == world.admin_x.id
    assert created.details["prefix"] == prefix
    await ok(client, COMPANY, token=key)
    assert await AuditEvent.filter(actor_email=f"api-key:{prefix}").count() == len(rows)


async def test_a_key_counts_against_the_per_caller_limits_on_its_own(
    db: object, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given an app whose callers may send 2 refused documents a minute, and two keys
    app = create_app(
        settings.replace(refused_queries_per_caller=2), manage_database=False, clock=clock
    )
    first = await api_keys.create_key(world.admin_x, "a", ["read"], settings=settings)
    second = await api_keys.create_key(world.admin_x, "b", ["read"], settings=settings)
    admin = await token_for(world.admin_x, settings)
    over = "{" + " ".join(["company { name }"] * 499) + "}"
    async with client_at(app, "198.51.100.1") as client:
        # when the first key keeps sending refused documents
        for _ in range(3):
            await fails(client, "TOO_MANY_FIELDS", over, token=first.key)
        # then it waits like any caller
        response = await client.post(
            "/graphql", json={"query": COMPANY}, headers={"Authorization": f"Bearer {first.key}"}
        )
        assert response.status_code == 429
        # while the other key and the admin who made both go on
        await ok(client, COMPANY, token=second.key)
        await ok(client, COMPANY, token=admin)


async def test_each_key_has_its_own_invitation_limit(world: World, settings: Settings) -> None:
    # given one invitation per sender per hour, and a key of each company
    limited = settings.replace(invitations_per_admin_per_hour=1)
    x = await api_keys.create_key(world.admin_x, "x", ["manage-people"], settings=settings)
    y = await api_keys.create_key(world.admin_y, "y", ["manage-people"], settings=settings)
    key_x = await api_keys.authenticate_key(x.key)
    key_y = await api_keys.authenticate_key(y.key)
    # when each invites someone, then neither uses up the other's limit
    await inviting.invite_employee(key_x, "one@acme.example", "One", settings=limited)
    await inviting.invite_employee(key_y, "two@globex.example", "Two", settings=limited)
    # and a second invitation by the same key waits
    with pytest.raises(RateLimited) as refused:
        await inviting.invite_employee(key_x, "three@acme.example", "Three", settings=limited)
    assert refused.value.limit == "INVITATIONS_PER_ADMIN"
    assert await User.filter(email="three@acme.example").count() == 0
