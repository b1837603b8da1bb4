"""Deleting what has expired: sessions and API tokens, rate-limit windows,
password-reset links, and queue jobs finished long enough ago.

Download links are signed, not stored (their expiry is inside the signature).
Without this, every login and every limited request leaves a row behind for ever.
Dead queue jobs are kept: a person should read why they failed.

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

from llp_gql.domain import auth, password_reset, queue, ratelimit, reminders, report_subscriptions
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.imports import prune_uploads
from llp_gql.settings import Settings

logger = logging.getLogger("llp_gql.housekeeping")


@dataclass(frozen=True, slots=True)
class Pruned:
    tokens: int
    rate_counters: int
    reset_tokens: int = 0
    jobs: int = 0
    imports: int = 0

    @property
    def total(self) -> int:
        return self.tokens + self.rate_counters + self.reset_tokens + self.jobs + self.imports

    def describe(self) -> str:
        text = (
            f"Removed {self.tokens} expired session(s) and API token(s) and "
            f"{self.rate_counters} rate-limit counter(s)."
        )
        if self.reset_tokens or self.jobs:
            # Appended, so the first sentence reads as it always did (scripts may parse it).
            text += (
                f" Also {self.reset_tokens} expired password-reset link(s) and "
                f"{self.jobs} finished job(s)."
            )
        if self.imports:
            text += f" Also {self.imports} uploaded employee import(s) older than a day."
        return text


async def prune_expired(*, clock: Clock = utcnow, settings: Settings | None = None) -> Pruned:
    """Delete expired tokens and sessions, rate windows that can no longer count, expired
    password-reset links, and finished jobs older than ``LLP_QUEUE_KEEP_FINISHED_SECONDS``
    (the default when no ``settings`` are given)."""
    now = clock()
    return Pruned(
        tokens=await auth.prune_expired(clock=lambda: now),
        rate_counters=await ratelimit.prune(now),
        reset_tokens=await password_reset.prune_expired(now_clock=lambda: now),
        jobs=await queue.prune_finished(settings=settings or Settings(), now=now),
        imports=await prune_uploads(settings=settings or Settings(), now=now),
    )


async def round_of_work(*, clock: Clock = utcnow, settings: Settings | None = None) -> Pruned:
    """The app's housekeeping round: prune, then queue this hour's reminder scan and
    weekly-report run (one job per hour whatever the number of workers: the job key)."""
    pruned = await prune_expired(clock=clock, settings=settings)
    _ = await reminders.prune_days(clock())
    await reminders.schedule(clock=clock)
    await report_subscriptions.schedule(clock=clock)
    return pruned


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
