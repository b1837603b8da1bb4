"""Rate counters under concurrent hits: one statement each, none lost, none repeated.

On PostgreSQL the hits run on separate pooled connections at once (the race two
workers produce); on SQLite they are serialised by its single writer. Either way
every hit must see a distinct count, and the window must end at exactly N.
"""

from __future__ import annotations

import asyncio

from tortoise.context import TortoiseContext

from llp_gql.domain import ratelimit
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import RateLimited
from llp_gql.models import RateCounter


async def test_concurrent_hits_each_count_once(db: TortoiseContext, clock: FakeClock) -> None:
    now = clock()
    # when 40 hits on a new window arrive at once (all racing to create its row)
    counts = await asyncio.gather(*(ratelimit.count("race:key", now) for _ in range(40)))
    # then each saw its own count, and the window holds exactly 40
    assert sorted(counts) == list(range(1, 41))
    row = await RateCounter.get(key="race:key")
    assert row.count == 40


async def test_only_the_hits_past_the_limit_are_refused(
    db: TortoiseContext, clock: FakeClock
) -> None:
    async def one() -> bool:
        try:
            await ratelimit.hit("race:limit", limit=10, now=clock(), message="wait")
        except RateLimited:
            return False
        return True

    admitted = await asyncio.gather(*(one() for _ in range(25)))
    assert admitted.count(True) == 10


async def test_a_new_minute_is_a_new_window(db: TortoiseContext, clock: FakeClock) -> None:
    assert await ratelimit.count("race:window", clock()) == 1
    assert await ratelimit.count("race:window", clock()) == 2
    clock.advance(60)
    assert await ratelimit.count("race:window", clock()) == 1
