"""Fixed-window rate limits kept in the database, shared by every worker.

One event is one statement: an insert that, when this window's row exists,
adds one to it instead, and returns the count (``INSERT ... ON CONFLICT DO UPDATE
... RETURNING``, which SQLite 3.35+ and PostgreSQL both run atomically, so two
workers counting at once never lose a hit nor collide on the unique key).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from llp_gql.errors import RateLimited
from llp_gql.models import RateCounter

WINDOW = timedelta(minutes=1)

_UPSERT = (
    "INSERT INTO rate_counter (key, window_start, count) VALUES ({}, {}, 1) "
    "ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counter.count + 1 "
    "RETURNING count"
)
_UPSERT_POSTGRES = _UPSERT.format("$1", "$2")
_UPSERT_SQLITE = _UPSERT.format("?", "?")


def _window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


async def hit(key: str, *, limit: int, now: datetime, message: str) -> None:
    """Count one event for ``key``; raise RATE_LIMITED once ``limit`` per minute is passed."""
    if await count(key, now) > limit:
        raise RateLimited(message)


async def count(key: str, now: datetime) -> int:
    """Count one event for ``key`` in the current window; the window's count with it."""
    meta = RateCounter._meta
    connection = meta.db
    window_start = meta.fields_map["window_start"].to_db_value(_window_start(now), RateCounter)
    sql = _UPSERT_POSTGRES if connection.capabilities.dialect == "postgres" else _UPSERT_SQLITE
    rows = await connection.execute_query_dict(sql, [key, window_start])
    return int(rows[0]["count"])


async def prune(now: datetime) -> int:
    """Drop windows that ended; cheap enough to run now and then."""
    deleted: int = await RateCounter.filter(window_start__lt=_window_start(now) - WINDOW).delete()
    return deleted
