"""The webhook API: createWebhook, disableWebhook, webhooks, webhookDeliveries,
resendWebhookDelivery. Every role, the codes of bad input (nothing stored), the log
newest first in pages of constant cost, and racing creations against the limit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from tortoise.context import tortoise_test_context

from llp_gql.db import MODEL_MODULES
from llp_gql.domain import events, webhooks
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import TooMany
from llp_gql.models import AuditEvent, DeliveryState, Job, WebhookDelivery, WebhookSubscription
from llp_gql.settings import Settings
from tests.api.test_query_counts import QueryLog, count, queries  # noqa: F401 - the fixture
from tests.conftest import ON_POSTGRES, fresh_database
from tests.factories import World, build_world
from tests.gql import fails, gid, ok, token_for

URL = "https://93.184.215.14/hook"  # a public address literal: no DNS in these tests

CREATE = """mutation($url: String!, $events: [String!]!, $d: String) {
  createWebhook(url: $url, events: $events, description: $d) {
    secret webhook { id url events description isActive disabledAt }
  }
}"""
LIST = "{ webhooks { id url events isActive } }"
LOG = """query($id: ID!, $first: Int, $after: String) {
  webhookDeliveries(webhookId: $id, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id eventId eventType state attempts lastStatus lastError payload } }
  }
}"""
DISABLE = "mutation($id: ID!) { disableWebhook(webhookId: $id) { id isActive disabledAt } }"
RESEND = "mutation($id: ID!) { resendWebhookDelivery(deliveryId: $id) { id state } }"


async def _webhook_of_x(world: World, settings: Settings, clock: FakeClock) -> int:
    created = await webhooks.create_webhook(
        world.admin_x, URL, list(events.EVENT_TYPES), settings=settings, clock=clock
    )
    return created.subscription.id


async def _delivery(sub_id: int, n: int, state: DeliveryState, clock: FakeClock) -> int:
    row = await WebhookDelivery.create(
        subscription_id=sub_id,
        event_id=f"msg_{n:032d}",
        event_type="certificate.issued",
        ordering_key=f"enrollment:{n}",
        payload={"type": "certificate.issued", "version": 1, "data": {"n": n}},
        state=state,
        attempts=1,
        created_at=clock(),
    )
    return row.id


async def test_an_admin_creates_lists_reads_disables(
    world: World, client: httpx.AsyncClient, settings: Settings
) -> None:
    token = await token_for(world.admin_x, settings)
    # when an admin creates a webhook
    data = await ok(
        client,
        CREATE,
        {"url": URL, "events": ["employee.deactivated", "certificate.issued"], "d": " HR  feed "},
        token,
    )
    created = data["createWebhook"]
    # then the secret is shown this once; the webhook is listed without it
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) == len("whsec_") + 32
    hook = created["webhook"]
    assert hook["events"] == ["certificate.issued", "employee.deactivated"]
    assert hook["description"] == "HR feed"
    assert hook["isActive"] is True
    listed = await ok(client, LIST, token=token)
    assert listed["webhooks"] == [
        {"id": hook["id"], "url": URL, "events": hook["events"], "isActive": True}
    ]
    stored = await WebhookSubscription.get()
    assert stored.secret == created["secret"]
    assert (await AuditEvent.get(action="webhook.created")).details["events"] == hook["events"]
    assert created["secret"] not in str((await AuditEvent.get(action="webhook.created")).details)
    # and disables it (again: no change)
    first = await ok(client, DISABLE, {"id": hook["id"]}, token)
    again = await ok(client, DISABLE, {"id": hook["id"]}, token)
    assert first["disableWebhook"]["isActive"] is False
    assert again["disableWebhook"] == first["disableWebhook"]
    assert await AuditEvent.filter(action="webhook.disabled").count() == 1


@pytest.mark.parametrize(
    ("variables", "field", "extra"),
    [
        ({"url": "http://93.184.215.14/h"}, "url", {"reason": "NOT_HTTPS"}),
        ({"url": "https://127.0.0.1/h"}, "url", {"reason": "PRIVATE_ADDRESS"}),
        ({"url": "https://169.254.169.254/h"}, "url", {"reason": "PRIVATE_ADDRESS"}),
        ({"url": "https://[::1]/h"}, "url", {"reason": "PRIVATE_ADDRESS"}),
        ({"url": "https://10.1.1.1/h"}, "url", {"reason": "PRIVATE_ADDRESS"}),
        ({"url": "not a url"}, "url", {"reason": "BAD_URL"}),
        ({"url": "https://x/" + "a" * 2000}, "url", {"reason": "BAD_URL"}),
        ({"events": []}, "events", {}),
        ({"events": ["certificate.printed"]}, "events", {}),
        ({"events": ["certificate.issued"] * 13}, "events", {}),
        ({"d": "x" * 201}, "description", {}),
        ({"d": "nul\u0000byte"}, "description", {}),
        ({"url": "https://93.184.215.14/a\u0000b"}, "url", {"reason": "BAD_URL"}),
    ],
)
async def test_bad_input_is_a_validation_error_and_stores_nothing(
    world: World,
    client: httpx.AsyncClient,
    settings: Settings,
    variables: dict[str, Any],
    field: str,
    extra: dict[str, str],
) -> None:
    token = await token_for(world.admin_x, settings)
    body = await fails(
        client,
        "VALIDATION",
        CREATE,
        {"url": URL, "events": ["certificate.issued"], **variables},
        token,
    )
    extensions = body["errors"][0]["extensions"]
    assert extensions["field"] == field
    assert {k: extensions[k] for k in extra} == extra
    assert await WebhookSubscription.all().count() == 0


async def test_the_limit_of_active_webhooks_has_its_own_code(
    world: World, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    limited = settings.replace(webhook_max_per_company=2)
    first = await _webhook_of_x(world, limited, clock)
    await _webhook_of_x(world, limited, clock)
    with pytest.raises(TooMany) as refused:
        await _webhook_of_x(world, limited, clock)
    assert refused.value.extensions()["limit"] == "WEBHOOKS_PER_COMPANY"
    # a disabled webhook no longer counts
    await webhooks.disable_webhook(world.admin_x, first, clock=clock)
    await _webhook_of_x(world, limited, clock)
    assert await WebhookSubscription.filter(disabled_at=None).count() == 2


ROLES = ["anonymous", "staff", "admin_y", "employee_x", "individual_a"]


@pytest.mark.parametrize("role", ROLES)
async def test_only_the_companys_admins_reach_its_webhooks(
    world: World, client: httpx.AsyncClient, settings: Settings, clock: FakeClock, role: str
) -> None:
    # given company X's webhook with a failed delivery
    sub_id = await _webhook_of_x(world, settings, clock)
    delivery_id = await _delivery(sub_id, 1, DeliveryState.FAILED, clock)
    hook, delivery = gid("Webhook", sub_id), gid("WebhookDelivery", delivery_id)
    token = None if role == "anonymous" else await token_for(world.users()[role], settings)
    # then anonymous callers are UNAUTHENTICATED; admin Y gets NOT_FOUND as for a missing
    # id (and an empty list); everyone else FORBIDDEN
    if role == "anonymous":
        expected = "UNAUTHENTICATED"
    elif role == "admin_y":
        expected = "NOT_FOUND"
    else:
        expected = "FORBIDDEN"
    for query, variables in (
        (LOG, {"id": hook}),
        (DISABLE, {"id": hook}),
        (RESEND, {"id": delivery}),
    ):
        await fails(client, expected, query, variables, token)
    if role == "admin_y":
        assert (await ok(client, LIST, token=token))["webhooks"] == []
        missing = {"id": gid("Webhook", 999_999)}
        assert (await fails(client, "NOT_FOUND", LOG, missing, token))["errors"][0]["message"] == (
            await fails(client, "NOT_FOUND", LOG, {"id": hook}, token)
        )["errors"][0]["message"]
    else:
        await fails(client, expected, LIST, None, token)
        await fails(client, expected, CREATE, {"url": URL, "events": ["certificate.issued"]}, token)
    # and nothing changed
    assert await WebhookSubscription.filter(disabled_at=None).count() == 1
    assert (await WebhookDelivery.get(id=delivery_id)).state == DeliveryState.FAILED
    assert await Job.all().count() == 0


async def test_the_log_is_newest_first_in_pages_and_resend_queues_one_job(
    world: World, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    sub_id = await _webhook_of_x(world, settings, clock)
    ids = [await _delivery(sub_id, n, DeliveryState.FAILED, clock) for n in range(25)]
    token = await token_for(world.admin_x, settings)
    hook = gid("Webhook", sub_id)

    page = (await ok(client, LOG, {"id": hook}, token))["webhookDeliveries"]
    assert page["totalCount"] == 25
    assert page["pageInfo"]["hasNextPage"] is True
    nodes = [e["node"] for e in page["edges"]]
    assert [n["id"] for n in nodes] == [gid("WebhookDelivery", i) for i in reversed(ids[5:])]
    rest = await ok(client, LOG, {"id": hook, "after": page["pageInfo"]["endCursor"]}, token)
    older = rest["webhookDeliveries"]
    assert [e["node"]["id"] for e in older["edges"]] == [
        gid("WebhookDelivery", i) for i in reversed(ids[:5])
    ]
    assert older["pageInfo"]["hasNextPage"] is False
    assert nodes[0]["payload"] == '{"data":{"n":24},"type":"certificate.issued","version":1}'
    await fails(client, "PAGE_TOO_LARGE", LOG, {"id": hook, "first": 101}, token)

    resent = await ok(client, RESEND, {"id": nodes[0]["id"]}, token)
    assert resent["resendWebhookDelivery"]["state"] == "PENDING"
    await fails(client, "CONFLICT", RESEND, {"id": nodes[0]["id"]}, token)
    assert await Job.filter(kind="webhook.deliver").count() == 1
    assert await AuditEvent.filter(action="webhook.delivery_resent").count() == 1


async def test_the_log_costs_the_same_for_10_and_50_deliveries(
    world: World,
    client: httpx.AsyncClient,
    settings: Settings,
    clock: FakeClock,
    queries: QueryLog,  # noqa: F811 - the fixture
) -> None:
    token = await token_for(world.admin_x, settings)
    costs = []
    for size in (10, 50):
        sub_id = await _webhook_of_x(world, settings, clock)
        for n in range(size):
            await _delivery(sub_id, 1000 * size + n, DeliveryState.DELIVERED, clock)
        query = (
            f'{{ webhookDeliveries(webhookId: "{gid("Webhook", sub_id)}", first: 100) '
            "{ totalCount edges { node { id state attempts lastStatus payload } } } }"
        )
        n_queries, data = await count(queries, client, query, token)
        assert len(data["webhookDeliveries"]["edges"]) == size
        assert data["webhookDeliveries"]["totalCount"] == size
        costs.append(n_queries)
    # the token, the webhook, the page, the count
    assert costs[0] == costs[1]
    assert costs[1] <= 4, str(queries)


# -- racing creations against the limit (PostgreSQL when LLP_TEST_DATABASE_URL is set) ------


@pytest_asyncio.fixture
async def race_world(tmp_path: Path) -> AsyncIterator[World]:
    if ON_POSTGRES:
        async with fresh_database():
            yield await build_world()
        return
    async with tortoise_test_context(MODEL_MODULES, db_url=f"sqlite://{tmp_path / 'race.sqlite3'}"):
        yield await build_world()


@pytest.mark.slow
async def test_racing_creations_stop_at_the_limit(
    race_world: World, settings: Settings, clock: FakeClock
) -> None:
    limited = settings.replace(webhook_max_per_company=3)
    results = await asyncio.gather(
        *(_webhook_of_x(race_world, limited, clock) for _ in range(12)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, TooMany)]
    others = [r for r in results if isinstance(r, BaseException) and not isinstance(r, TooMany)]
    assert others == []
    assert len(refused) == 9
    assert await WebhookSubscription.all().count() == 3
