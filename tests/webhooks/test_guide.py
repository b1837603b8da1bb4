"""The worked example of docs/integrations.md runs: its curl document creates a webhook,
and its Python receiver, served by uvicorn, accepts real deliveries and refuses forged
ones. Change the guide and this test reads the change."""

from __future__ import annotations

import json
import re
import shlex
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import uvicorn

from llp_gql.domain import webhook_delivery, webhooks
from llp_gql.domain.clock import FakeClock
from llp_gql.models import WebhookDelivery
from llp_gql.settings import Settings
from tests.factories import World
from tests.gql import ok, token_for
from tests.webhooks.conftest import drain
from tests.webhooks.helpers import emit
from tests.webhooks.receiver import bound_socket

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"


def _section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("## Webhooks")
    following = text.find("\n## ", start + 1)
    return text[start : following if following != -1 else len(text)]


def _block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", _section(), re.S)
    assert found, f"no {language} block in the guide's Webhooks section"
    return found.group(1)


def _receiver_module(secret: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("LLP_WEBHOOK_SECRET", secret)
    module = ModuleType("guide_receiver")
    exec(compile(_block("python"), str(GUIDE), "exec"), module.__dict__)  # noqa: S102 - our own guide
    return module


def _serve(app: Any, sock: socket.socket) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    return server, thread


async def test_the_guides_curl_creates_a_webhook(
    world: World, client: httpx.AsyncClient, settings: Settings
) -> None:
    # given the --data of the guide's curl, its address swapped for a public literal
    words = shlex.split(_block("sh").replace("\\\n", " "))
    document = json.loads(words[words.index("--data") + 1])
    assert words[words.index("-H") + 1] == "Authorization: Bearer $LLP_TOKEN"
    variables = {**document["variables"], "url": "https://93.184.215.14/llp-webhook"}
    # when a company admin sends it
    data = await ok(client, document["query"], variables, await token_for(world.admin_x, settings))
    # then the webhook exists and the answer carries the secret
    created = data["createWebhook"]
    assert created["secret"].startswith("whsec_")
    assert created["webhook"]["events"] == document["variables"]["events"]


async def test_the_guides_receiver_takes_real_deliveries_and_refuses_forgeries(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the guide's receiver, served, and a webhook to it (real time: it checks age)
    clock = FakeClock(datetime.now(UTC))
    hook_settings = settings.replace(webhook_allow_private=True, webhook_allow_http=True)
    sock = bound_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    created = await webhooks.create_webhook(
        world.admin_x,
        url + "/llp-webhook",
        ["enrollment.completed"],
        settings=hook_settings,
        clock=clock,
    )
    module = _receiver_module(created.secret, monkeypatch)
    server, thread = _serve(module.app, sock)
    try:
        # when an event is delivered, and then sent again (a resend)
        await emit(world.company_x.id, "enrollment:1", 1, clock)
        await drain(hook_settings, clock)
        delivery = await WebhookDelivery.get()
        await webhooks.resend_delivery(world.admin_x, delivery.id, clock=clock)
        await drain(hook_settings, clock)
        # then it was accepted both times and taken in once
        await delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("DELIVERED", 2, 204)
        assert module.seen == {delivery.event_id}
        # and a forged or stale request is refused
        body = b'{"type":"enrollment.completed","version":1,"data":{}}'
        now = int(time.time())
        async with httpx.AsyncClient() as http:
            forged = await http.post(
                url + "/llp-webhook",
                content=body,
                headers={
                    "webhook-id": "msg_forged",
                    "webhook-timestamp": str(now),
                    "webhook-signature": "v1," + "A" * 44,
                },
            )
            stale_stamp = now - 3600
            stale = await http.post(
                url + "/llp-webhook",
                content=body,
                headers={
                    "webhook-id": "msg_old",
                    "webhook-timestamp": str(stale_stamp),
                    "webhook-signature": webhook_delivery.sign(
                        created.secret, "msg_old", stale_stamp, body
                    ),
                },
            )
        assert forged.status_code == 400
        assert stale.status_code == 400
        assert module.seen == {delivery.event_id}
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_guides_figures_match_the_settings() -> None:
    section = _section()
    defaults = Settings()
    hours = webhook_delivery.schedule_seconds(defaults) / 3600
    assert 24 <= hours <= 30
    assert "26½ hours" in section
    assert f"{defaults.webhook_max_attempts} attempts" in section
    for name, value in (
        ("LLP_WEBHOOK_MAX_ATTEMPTS", defaults.webhook_max_attempts),
        ("LLP_WEBHOOK_MAX_PER_COMPANY", defaults.webhook_max_per_company),
        ("LLP_WEBHOOK_BACKOFF_MAX_SECONDS", int(defaults.webhook_backoff_max_seconds)),
    ):
        assert f"| `{name}` | `{value}` |" in section
