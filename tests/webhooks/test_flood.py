"""W1 in the suite: scripts/reliability/webhook_flood.py at 200 events (1,000 by hand).

The receiver fails 10% of requests at random (half of them after taking the event in,
as a lost answer looks): no event is lost, duplicates carry the same webhook-id and
body, and each enrollment's events are taken in order."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest
from tortoise.context import TortoiseContext

from llp_gql.settings import Settings
from tests.reliability.processes import SCRIPTS
from tests.webhooks.receiver import Receiver


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_flood", SCRIPTS / "webhook_flood.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
async def test_200_events_to_a_flaky_receiver_lose_nothing(
    db: TortoiseContext, receiver: Receiver, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = await _script().flood(
        receiver, events_count=200, keys=20, failure_rate=0.1, settings=settings
    )
    with capsys.disabled():
        print("\n" + figures.line())
    assert figures.lost == 0
    assert figures.not_delivered == 0
    assert figures.bad_duplicates == 0
    assert figures.out_of_order_keys == 0
    assert figures.bad_signatures == 0
    # the receiver did fail, and some events did come twice: the figures can fail
    assert figures.failed_requests > 0
    assert figures.duplicates > 0
