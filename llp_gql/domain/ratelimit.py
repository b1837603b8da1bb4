"""Fixed-window rate limits kept in the database, shared by every worker."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from llp_gql.errors import RateLimited
from llp_gql.models import RateCounter

WINDOW = timedelta(minutes=1)


def _window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


async def hit(key: str, *, limit: int, now: datetime, message: str) -> None:
    """Count one event for ``key``; raise RATE_LIMITED once ``limit`` per minute is passed."""
    start = _window_start(now)
    updated = await RateCounter.filter(key=key, window_start=start).update(count=F("count") + 1)
    if not updated:
        try:
            _ = await RateCounter.create(key=key, window_start=start, count=1)
        except IntegrityError:
            # Another worker created this window's row first.
            await RateCounter.filter(key=key, window_start=start).update(count=F("count") + 1)
    row = await RateCounter.get(key=key, window_start=start)
    if row.count > limit:
        raise RateLimited(message)


async def prune(now: datetime) -> int:
    """Drop windows that ended; cheap enough to run now and then."""
    deleted: int = await RateCounter.filter(window_start__lt=_window_start(now) - WINDOW).delete()
    return deleted
