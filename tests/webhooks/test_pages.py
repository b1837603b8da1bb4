"""The admin UI's webhook pages: create (the secret shown once), the log newest first in
pages, resend, disable; every role; CSRF; bad input re-renders the form, storing nothing."""

from __future__ import annotations

import re

import httpx
import pytest

from llp_gql.domain import events, webhooks
from llp_gql.domain.clock import FakeClock
from llp_gql.models import DeliveryState, Job, WebhookDelivery, WebhookSubscription
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.factories import World

URL = "https://93.184.215.14/hook"


async def _hook_of_x(world: World, settings: Settings, clock: FakeClock) -> WebhookSubscription:
    created = await webhooks.create_webhook(
        world.admin_x, URL, list(events.EVENT_TYPES), settings=settings, clock=clock
    )
    return created.subscription


async def _deliveries(hook: WebhookSubscription, count: int, clock: FakeClock) -> list[int]:
    ids = []
    for n in range(count):
        clock.advance(60)
        row = await WebhookDelivery.create(
            subscription_id=hook.id,
            event_id=f"msg_{n:032x}",
            event_type="certificate.issued",
            ordering_key=f"enrollment:{n}",
            payload={"type": "certificate.issued", "version": 1, "data": {"n": n}},
            state=DeliveryState.DELIVERED if n % 2 else DeliveryState.FAILED,
            attempts=1 if n % 2 else 13,
            last_status=200 if n % 2 else 500,
            last_error=None if n % 2 else "Answered 500.",
            created_at=clock(),
        )
        ids.append(row.id)
    return ids


async def test_an_admin_creates_a_webhook_and_sees_its_secret_once(
    world: World, client: httpx.AsyncClient, settings: Settings
) -> None:
    token = await log_in(client, world.admin_x, settings)
    page = await client.get("/admin/webhooks")
    assert page.status_code == 200
    assert "No webhooks yet" in page.text
    assert 'href="/admin/webhooks" aria-current="page"' in page.text

    created = await client.post(
        "/admin/webhooks",
        data={
            "url": URL,
            "events": ["certificate.issued", "employee.deactivated"],
            "description": "Payroll",
            "csrf_token": token,
        },
    )
    assert created.status_code == 201
    hook = await WebhookSubscription.get()
    assert hook.events == "certificate.issued employee.deactivated"
    assert hook.secret in created.text
    assert "shown only this once" in created.text
    # afterwards no page shows it
    listed = await client.get("/admin/webhooks")
    log = await client.get(f"/admin/webhooks/{hook.id}")
    assert hook.secret not in listed.text
    assert hook.secret not in log.text
    assert "Payroll" in listed.text
    assert "Certificate issued, Employee deactivated" in listed.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"url": "https://10.0.0.1/x", "events": ["certificate.issued"]}, "public addresses"),
        ({"url": "http://93.184.215.14/x", "events": ["certificate.issued"]}, "https only"),
        ({"url": URL}, "Choose at least one event type."),
        ({"url": URL, "events": ["x.y"]}, "Unknown event type"),
    ],
)
async def test_bad_input_re_renders_the_form_and_stores_nothing(
    world: World,
    client: httpx.AsyncClient,
    settings: Settings,
    form: dict[str, object],
    message: str,
) -> None:
    token = await log_in(client, world.admin_x, settings)
    response = await client.post("/admin/webhooks", data={**form, "csrf_token": token})
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text or 'id="f-events-err"' in response.text
    assert await WebhookSubscription.all().count() == 0


async def test_a_post_without_the_csrf_token_is_refused(
    world: World, client: httpx.AsyncClient, settings: Settings
) -> None:
    await log_in(client, world.admin_x, settings)
    response = await client.post(
        "/admin/webhooks", data={"url": URL, "events": ["certificate.issued"]}
    )
    assert response.status_code == 403
    assert await WebhookSubscription.all().count() == 0


async def test_the_log_is_newest_first_in_pages_and_resend_and_disable_work(
    world: World, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    hook = await _hook_of_x(world, settings, clock)
    ids = await _deliveries(hook, 30, clock)
    token = await log_in(client, world.admin_x, settings)

    first = await client.get(f"/admin/webhooks/{hook.id}")
    assert first.status_code == 200
    shown = [int(n) for n in re.findall(r"/deliveries/(\d+)/resend", first.text)]
    assert shown == list(reversed(ids))[:25]
    assert "1–25 of 30 deliveries" in first.text
    assert "Answered 500." in first.text
    second = await client.get(f"/admin/webhooks/{hook.id}?page=2")
    assert [int(n) for n in re.findall(r"/deliveries/(\d+)/resend", second.text)] == list(
        reversed(ids[:5])
    )
    partial = await client.get(f"/admin/webhooks/{hook.id}?page=2", headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert 'id="log"' in partial.text

    resent = await client.post(
        f"/admin/webhooks/{hook.id}/deliveries/{ids[0]}/resend", data={"csrf_token": token}
    )
    assert resent.status_code == 303
    assert (await WebhookDelivery.get(id=ids[0])).state == DeliveryState.PENDING
    assert await Job.filter(kind="webhook.deliver").count() == 1
    again = await client.post(
        f"/admin/webhooks/{hook.id}/deliveries/{ids[0]}/resend", data={"csrf_token": token}
    )
    assert again.status_code == 409
    assert "still being sent" in again.text

    confirm = await client.get(f"/admin/webhooks/{hook.id}/disable")
    assert "Disable this webhook?" in confirm.text
    disabled = await client.post(f"/admin/webhooks/{hook.id}/disable", data={"csrf_token": token})
    assert disabled.status_code == 303
    await hook.refresh_from_db()
    assert hook.disabled_at is not None
    after = await client.get(f"/admin/webhooks/{hook.id}")
    assert "Disabled" in after.text
    assert "/resend" not in after.text


ROLES = {
    "anonymous": 303,
    "staff": 403,
    "admin_y": 404,
    "employee_x": 403,
    "employee_y": 403,
    "individual_a": 403,
}


@pytest.mark.parametrize("role", list(ROLES))
async def test_only_the_companys_admins_open_its_webhook_pages(
    world: World, client: httpx.AsyncClient, settings: Settings, clock: FakeClock, role: str
) -> None:
    hook = await _hook_of_x(world, settings, clock)
    [delivery_id] = await _deliveries(hook, 1, clock)
    token = ""
    if role != "anonymous":
        token = await log_in(client, world.users()[role], settings)
    expected = ROLES[role]
    list_expected = 200 if role == "admin_y" else expected  # their own (empty) list
    assert (await client.get("/admin/webhooks")).status_code == list_expected
    for path in (f"/admin/webhooks/{hook.id}", f"/admin/webhooks/{hook.id}/disable"):
        assert (await client.get(path)).status_code == expected, path
    for path in (
        f"/admin/webhooks/{hook.id}/disable",
        f"/admin/webhooks/{hook.id}/deliveries/{delivery_id}/resend",
    ):
        assert (await client.post(path, data={"csrf_token": token})).status_code == expected
    # and nothing changed
    await hook.refresh_from_db()
    assert hook.disabled_at is None
    assert (await WebhookDelivery.get(id=delivery_id)).state == DeliveryState.FAILED
    assert await Job.all().count() == 0


async def test_a_delivery_under_another_webhooks_path_is_not_found(
    world: World, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    one, other = await _hook_of_x(world, settings, clock), await _hook_of_x(world, settings, clock)
    [delivery_id] = await _deliveries(other, 1, clock)
    token = await log_in(client, world.admin_x, settings)
    response = await client.post(
        f"/admin/webhooks/{one.id}/deliveries/{delivery_id}/resend", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert await Job.all().count() == 0
