"""The Notifications page: an admin turns the weekly mails on and off, without JavaScript."""

from __future__ import annotations

import httpx

from llp_gql.models import ReportSubscription
from llp_gql.settings import Settings
from tests.admin_ui import Scene, log_in, page_csrf


async def test_an_admin_turns_the_digest_on_and_off(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    admin = scene.world.admin_x
    await log_in(client, admin, settings)
    # given the page: both mails are off, and the account page links to it
    assert 'href="/admin/notifications"' in (await client.get("/admin/account")).text
    html = (await client.get("/admin/notifications")).text
    assert html.count("<strong>Off</strong>") == 2
    token = page_csrf(html)
    # when the admin turns the digest on
    answer = await client.post(
        "/admin/notifications",
        data={"kind": "digest", "action": "subscribe", "csrf_token": token},
    )
    assert answer.status_code == 303
    html = (await client.get(answer.headers["location"])).text
    # then it says so, and the subscription is stored once
    assert "Subscribed." in html
    assert "not sent yet" in html
    assert await ReportSubscription.filter(user_id=admin.id, kind="digest").count() == 1
    # and turning it off removes it
    answer = await client.post(
        "/admin/notifications",
        data={"kind": "digest", "action": "unsubscribe", "csrf_token": token},
    )
    assert "Unsubscribed." in (await client.get(answer.headers["location"])).text
    assert await ReportSubscription.filter(user_id=admin.id).count() == 0


async def test_a_made_up_kind_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    answer = await client.post(
        "/admin/notifications",
        data={"kind": "everything", "action": "subscribe", "csrf_token": token},
    )
    assert answer.status_code == 400
    assert await ReportSubscription.all().count() == 0
