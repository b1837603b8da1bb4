"""Fixtures of the webhook tests: a real receiver, settings that let deliveries reach it
(a local address over http), and a way to run the queue's due jobs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from llp_gql import jobs
from llp_gql.domain import queue
from llp_gql.domain.clock import FakeClock
from llp_gql.settings import Settings
from tests.webhooks.receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    """The test settings, with the local receiver allowed (127.0.0.1 over http)."""
    return settings.replace(
        webhook_allow_private=True, webhook_allow_http=True, webhook_timeout_seconds=5.0
    )


async def drain(settings: Settings, clock: FakeClock, *, limit: int = 10_000) -> int:
    """Run every job due now (what the app's workers would do); how many ran."""
    handlers = jobs.handlers(settings, clock=clock)
    ran = 0
    while ran < limit and await queue.run_one(handlers, settings=settings, clock=clock):
        ran += 1
    return ran
