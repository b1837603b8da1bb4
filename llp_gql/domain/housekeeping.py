"""Deleting what has expired: sessions and API tokens, and rate-limit windows.

Nothing else expires in a table: download links are signed, not stored (their
expiry is inside the signature), and password-reset tokens do not exist yet.
Without this, every login and every limited request leaves a row behind for ever.

Each round deletes rows past their expiry and nothing else, so it is idempotent:
several workers (and ``llp-gql prune`` beside them) may run it at the same time,
and a row that two of them delete is simply gone. That is why no lock or leader
election is needed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from llp_gql.domain import auth, ratelimit
from llp_gql.domain.clock import Clock, utcnow

logger = logging.getLogger("llp_gql.housekeeping")


@dataclass(frozen=True, slots=True)
class Pruned:
    tokens: int
    rate_counters: int

    @property
    def total(self) -> int:
        return self.tokens + self.rate_counters

    def describe(self) -> str:
        return (
            f"Removed {self.tokens} expired session(s) and API token(s) and "
            f"{self.rate_counters} rate-limit counter(s)."
        )


async def prune_expired(*, clock: Clock = utcnow) -> Pruned:
    """Delete expired tokens and sessions, and rate windows that can no longer count."""
    now = clock()
    return Pruned(
        tokens=await auth.prune_expired(clock=lambda: now),
        rate_counters=await ratelimit.prune(now),
    )


Sleep = Callable[[float], Awaitable[None]]
Prune = Callable[..., Awaitable[Pruned]]


async def run_periodically(
    interval_seconds: float,
    *,
    clock: Clock = utcnow,
    prune: Prune = prune_expired,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Prune now and then every ``interval_seconds``, until cancelled.

    Started by the app's lifespan in every worker. It must never take the app down:
    a failed round (the database briefly away, a lock timeout) is logged and the next
    round tries again; only cancellation (shutdown) ends the loop.
    """
    while True:
        try:
            pruned = await prune(clock=clock)
        except Exception:  # any failure: logged, retried next round, never fatal
            logger.warning(
                "housekeeping round failed; next try in %s s", interval_seconds, exc_info=True
            )
        else:
            if pruned.total:
                logger.info("housekeeping: %s", pruned.describe())
        await sleep(interval_seconds)
