"""subscribeToReport / unsubscribeFromReport / me.reportSubscriptions, for every role."""

from __future__ import annotations

import httpx
import pytest

from llp_gql.models import ReportSubscription, Role
from llp_gql.settings import Settings
from tests.factories import World, make_user
from tests.gql import fails, ok, post, token_for

SUBSCRIBE = "mutation($k: ReportKind!) { subscribeToReport(kind: $k) { kind lastSentWeek } }"
UNSUBSCRIBE = "mutation($k: ReportKind!) { unsubscribeFromReport(kind: $k) }"
MINE = "{ me { reportSubscriptions { kind subscribedAt lastSentWeek } } }"


async def test_an_admin_subscribes_lists_and_unsubscribes(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await token_for(world.admin_x, settings)
    # given an admin who subscribes to both, one of them twice
    for kind in ("DIGEST", "COMPLIANCE", "DIGEST"):
        data = await ok(client, SUBSCRIBE, {"k": kind}, token)
        assert data["subscribeToReport"] == {"kind": kind, "lastSentWeek": None}
    # then both are listed once
    mine = (await ok(client, MINE, token=token))["me"]["reportSubscriptions"]
    assert [s["kind"] for s in mine] == ["COMPLIANCE", "DIGEST"]
    # and unsubscribing says whether there was something to stop
    assert (await ok(client, UNSUBSCRIBE, {"k": "DIGEST"}, token))["unsubscribeFromReport"]
    assert not (await ok(client, UNSUBSCRIBE, {"k": "DIGEST"}, token))["unsubscribeFromReport"]
    mine = (await ok(client, MINE, token=token))["me"]["reportSubscriptions"]
    assert [s["kind"] for s in mine] == ["COMPLIANCE"]


@pytest.mark.parametrize("who", ["employee_x", "staff", "individual_a"])
async def test_everyone_else_is_forbidden_and_nothing_is_stored(
    client: httpx.AsyncClient, world: World, settings: Settings, who: str
) -> None:
    token = await token_for(world.users()[who], settings)
    await fails(client, "FORBIDDEN", SUBSCRIBE, {"k": "DIGEST"}, token)
    await fails(client, "FORBIDDEN", UNSUBSCRIBE, {"k": "DIGEST"}, token)
    assert (await ok(client, MINE, token=token))["me"]["reportSubscriptions"] == []
    assert await ReportSubscription.all().count() == 0


async def test_without_a_login_and_with_a_made_up_kind(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    await fails(client, "UNAUTHENTICATED", SUBSCRIBE, {"k": "DIGEST"})
    token = await token_for(world.admin_x, settings)
    body = await post(client, SUBSCRIBE, {"k": "EVERYTHING"}, token)
    assert body["errors"]
    assert await ReportSubscription.all().count() == 0


async def test_another_persons_subscriptions_are_not_readable(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given admin_x subscribed, and a second admin of the same company
    await ok(client, SUBSCRIBE, {"k": "DIGEST"}, await token_for(world.admin_x, settings))
    second = await make_user(
        "second@acme.example", company=world.company_x, role=Role.COMPANY_ADMIN
    )
    # when the second admin reads admin_x among the company's people
    query = (
        "{ company { employees(first: 50) { edges { node { email "
        "reportSubscriptions { kind } } } } } }"
    )
    data = await ok(client, query, token=await token_for(second, settings))
    nodes = {e["node"]["email"]: e["node"] for e in data["company"]["employees"]["edges"]}
    # then admin_x's subscriptions are not theirs to read; admin_x sees them on me
    assert nodes[world.admin_x.email]["reportSubscriptions"] == []
    own = await ok(client, MINE, token=await token_for(world.admin_x, settings))
    assert own["me"]["reportSubscriptions"][0]["kind"] == "DIGEST"
