"""deactivateEmployee, reactivateEmployee, setCompanyAdmin, renameUser, User.isActive and
Company.employees(active) over HTTP (issue 16)."""

from __future__ import annotations

import httpx
import pytest

from llp_gql.models import AuditEvent, User
from llp_gql.settings import Settings
from tests.factories import PASSWORD, World
from tests.gql import fails, gid, ok, post, token_for

DEACTIVATE = "mutation($u: ID!) { deactivateEmployee(userId: $u) { id isActive deactivatedAt } }"
REACTIVATE = "mutation($u: ID!) { reactivateEmployee(userId: $u) { id isActive deactivatedAt } }"
SET_ADMIN = "mutation($u: ID!, $a: Boolean!) { setCompanyAdmin(userId: $u, isAdmin: $a) { role } }"
RENAME = "mutation($u: ID!, $n: String!) { renameUser(userId: $u, name: $n) { name } }"
EMPLOYEES = """query($active: Boolean) { company { employees(first: 50, active: $active) {
  totalCount edges { node { email isActive } } } } }"""
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
ME = "{ me { email isActive } }"


async def test_deactivate_ends_the_token_in_use_and_reactivate_restores_login(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    admin = await token_for(world.admin_x, settings)
    emp_token = await token_for(world.employee_x, settings)
    assert (await ok(client, ME, token=emp_token))["me"]["isActive"] is True
    uid = gid("User", world.employee_x.id)
    # when the admin deactivates the employee
    data = await ok(client, DEACTIVATE, {"u": uid}, admin)
    assert data["deactivateEmployee"]["isActive"] is False
    assert data["deactivateEmployee"]["deactivatedAt"] is not None
    # then the employee's token is dead on the very next request
    assert (await ok(client, ME, token=emp_token))["me"] is None
    body = await fails(client, "FORBIDDEN", LOGIN, {"e": world.employee_x.email, "p": PASSWORD})
    assert body["errors"][0]["extensions"]["reason"] == "ACCOUNT_DEACTIVATED"
    assert "admin" in body["errors"][0]["message"]
    # and the admin's lists mark them
    listed = await ok(client, EMPLOYEES, {"active": False}, admin)
    assert [e["node"]["email"] for e in listed["company"]["employees"]["edges"]] == [
        world.employee_x.email
    ]
    active = await ok(client, EMPLOYEES, {"active": True}, admin)
    assert world.employee_x.email not in str(active)
    everyone = await ok(client, EMPLOYEES, {}, admin)
    assert everyone["company"]["employees"]["totalCount"] == 3
    # when reactivated, the old password works again
    data = await ok(client, REACTIVATE, {"u": uid}, admin)
    assert data["reactivateEmployee"] == {"id": uid, "isActive": True, "deactivatedAt": None}
    await ok(client, LOGIN, {"e": world.employee_x.email, "p": PASSWORD})


@pytest.mark.parametrize("mutation", [DEACTIVATE, REACTIVATE])
async def test_who_may_change_membership(
    client: httpx.AsyncClient, world: World, settings: Settings, mutation: str
) -> None:
    uid = gid("User", world.employee_x.id)
    for role, code in [
        ("employee_x2", "FORBIDDEN"),
        ("staff", "FORBIDDEN"),
        ("individual_a", "FORBIDDEN"),
        ("admin_y", "NOT_FOUND"),
    ]:
        token = await token_for(world.users()[role], settings)
        await fails(client, code, mutation, {"u": uid}, token)
    await fails(client, "UNAUTHENTICATED", mutation, {"u": uid})
    # another company's person and a missing id answer alike
    admin_y = await token_for(world.admin_y, settings)
    missing = await post(client, mutation, {"u": gid("User", 999999)}, admin_y)
    other = await post(client, mutation, {"u": uid}, admin_y)
    assert missing["errors"][0]["message"] == other["errors"][0]["message"]
    assert (await User.get(id=world.employee_x.id)).deactivated_at is None


async def test_the_last_admin_cannot_be_demoted_or_deactivate_themselves(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    admin = await token_for(world.admin_x, settings)
    me = gid("User", world.admin_x.id)
    body = await fails(client, "CONFLICT", SET_ADMIN, {"u": me, "a": False}, admin)
    assert "at least one active admin" in body["errors"][0]["message"]
    await fails(client, "VALIDATION", DEACTIVATE, {"u": me}, admin)


async def test_a_demoted_admin_loses_admin_fields_on_the_next_request(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    admin = await token_for(world.admin_x, settings)
    emp = gid("User", world.employee_x.id)
    data = await ok(client, SET_ADMIN, {"u": emp, "a": True}, admin)
    assert data["setCompanyAdmin"]["role"] == "COMPANY_ADMIN"
    promoted = await token_for(world.employee_x, settings)
    await ok(client, EMPLOYEES, {}, promoted)
    # when the new admin takes the first admin's role away
    await ok(client, SET_ADMIN, {"u": gid("User", world.admin_x.id), "a": False}, promoted)
    # then the first admin's token, still valid, no longer reads the company's lists
    await fails(client, "FORBIDDEN", EMPLOYEES, {}, admin)
    assert (
        await AuditEvent.filter(
            action__in=["account.admin_granted", "account.admin_revoked"]
        ).count()
        == 2
    )


async def test_rename_over_the_api(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    emp = await token_for(world.employee_x, settings)
    me = gid("User", world.employee_x.id)
    assert (await ok(client, RENAME, {"u": me, "n": " Emma  N "}, emp))["renameUser"] == {
        "name": "Emma N"
    }
    await fails(
        client, "NOT_FOUND", RENAME, {"u": gid("User", world.employee_x2.id), "n": "X"}, emp
    )
    body = await fails(client, "VALIDATION", RENAME, {"u": me, "n": "  "}, emp)
    assert body["errors"][0]["extensions"]["field"] == "name"
    admin = await token_for(world.admin_x, settings)
    await ok(client, RENAME, {"u": me, "n": "Emma Núñez"}, admin)
    assert (await User.get(id=world.employee_x.id)).name == "Emma Núñez"
