"""The running app's queue workers: a mail enqueued by a request goes out after commit,
and stopping the app stops them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from tortoise import Tortoise

from llp_gql.db import migrate, tortoise_config
from llp_gql.models import Job, JobState, OutboxMail
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.factories import make_user
from tests.smtp_server import smtp_server, text_part

REQUEST = 'mutation { requestPasswordReset(email: "worker@mail.example") }'


async def _app_settings(tmp_path: Path, **changes: object) -> Settings:
    url = f"sqlite://{tmp_path / 'queue.sqlite3'}"
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url))
    try:
        await make_user("worker@mail.example")
    finally:
        await Tortoise.close_connections()
    return Settings(
        mode="dev",
        database_url=url,
        secret_key="k" * 40,
        public_base_url="https://llp.example",
        prune_interval_seconds=0,
        queue_poll_interval_seconds=0.05,
    ).replace(**changes)


async def _until(check: Callable[[], Awaitable[bool]], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not in time")


async def test_the_apps_worker_sends_the_mail_to_smtp_after_commit(tmp_path: Path) -> None:
    with smtp_server() as (inbox, port):
        settings = await _app_settings(
            tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none"
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://llp.example") as c:
                answer = await c.post("/graphql", json={"query": REQUEST})
            assert answer.json() == {"data": {"requestPasswordReset": True}}

            async def delivered() -> bool:
                # the request's job runs first and queues the mail's: wait for the mail
                return await Job.filter(kind="mail.send", state=JobState.DONE).count() == 1

            await _until(delivered)
        [message] = inbox.received()
        assert "https://llp.example/learn/reset?token=" in text_part(message)


async def test_the_apps_worker_fills_the_outbox_without_smtp(tmp_path: Path) -> None:
    settings = await _app_settings(tmp_path)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://llp.example") as c:
            await c.post("/graphql", json={"query": REQUEST})

        async def stored() -> bool:
            return await OutboxMail.all().count() == 1

        await _until(stored)
        assert (await OutboxMail.get()).recipient == "worker@mail.example"
