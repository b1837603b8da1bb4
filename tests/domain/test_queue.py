"""The durable queue: idempotent enqueue in the caller's transaction, backoff, dead jobs,
leases that expire, and two drainers that never run one job twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from llp_gql.domain import housekeeping, queue
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Job, JobState
from llp_gql.settings import Settings


class Boom(Exception):
    pass


async def _failing(job: Job) -> None:
    raise Boom("SMTP said no")


async def test_enqueue_is_idempotent_and_joins_the_callers_transaction(
    db: TortoiseContext, clock: FakeClock
) -> None:
    # given a job enqueued twice with the same key
    await queue.enqueue("mail.send", {"n": 1}, key="k1", clock=clock)
    await queue.enqueue("mail.send", {"n": 2}, key="k1", clock=clock)

    # and one enqueued in a transaction that rolls back
    async def change_that_fails() -> None:
        async with in_transaction() as connection:
            await queue.enqueue("mail.send", {}, key="k2", connection=connection, clock=clock)
            raise Boom("the change failed")

    with pytest.raises(Boom):
        await change_that_fails()
    # then one job exists, with the first payload
    jobs = await Job.all()
    assert [(j.key, j.payload, j.state) for j in jobs] == [("k1", {"n": 1}, JobState.QUEUED)]


async def test_failures_back_off_exponentially_then_the_job_is_dead(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    settings = settings.replace(
        queue_max_attempts=4, queue_backoff_seconds=10.0, queue_backoff_max_seconds=25.0
    )
    handlers = {"mail.send": _failing}
    await queue.enqueue("mail.send", {}, key="k", clock=clock)
    waits = []
    for _ in range(3):
        # when it runs and fails
        assert await queue.run_one(handlers, settings=settings, clock=clock)
        job = await Job.get(key="k")
        assert job.state == JobState.QUEUED
        wait = (job.run_after - clock()).total_seconds()
        waits.append(wait)
        # then it is not due a moment before its backoff ends
        clock.advance(wait - 0.5)
        assert not await queue.run_one(handlers, settings=settings, clock=clock)
        clock.advance(0.5)
    # the waits double, up to the maximum
    assert waits == [10.0, 20.0, 25.0]
    # and the last allowed attempt leaves it DEAD with its error, never run again
    assert await queue.run_one(handlers, settings=settings, clock=clock)
    job = await Job.get(key="k")
    assert (job.state, job.attempts, job.last_error) == (JobState.DEAD, 4, "Boom: SMTP said no")
    clock.advance(10_000)
    assert not await queue.run_one(handlers, settings=settings, clock=clock)


async def test_a_crashed_workers_job_is_retried_when_its_lease_ends(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    ran: list[int] = []

    async def record(job: Job) -> None:
        ran.append(job.attempts)

    await queue.enqueue("mail.send", {}, key="k", clock=clock)
    # given a worker that claimed the job and died without a word
    crashed = await queue.claim(settings=settings, clock=clock)
    assert crashed is not None
    # when another worker looks before the lease ends, nothing is due
    clock.advance(settings.queue_lease_seconds - 1)
    assert not await queue.run_one({"mail.send": record}, settings=settings, clock=clock)
    # and once it ends, the job runs again (a second attempt) and is done
    clock.advance(1)
    assert await queue.run_one({"mail.send": record}, settings=settings, clock=clock)
    assert ran == [2]
    assert (await Job.get(key="k")).state == JobState.DONE
    # and the crashed worker, were it to wake up, cannot mark the job as its own
    assert not await queue.complete(crashed, clock=clock)


async def test_a_job_that_keeps_killing_its_worker_dies(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    settings = settings.replace(queue_max_attempts=2)
    await queue.enqueue("mail.send", {}, key="k", clock=clock)
    for _ in range(2):
        assert await queue.claim(settings=settings, clock=clock) is not None
        clock.advance(settings.queue_lease_seconds)
    assert await queue.claim(settings=settings, clock=clock) is None
    job = await Job.get(key="k")
    assert job.state == JobState.DEAD
    assert job.last_error is not None


async def test_an_unknown_kind_is_dead_at_once(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    await queue.enqueue("nobody.handles", {}, key="k", clock=clock)
    assert await queue.run_one({}, settings=settings, clock=clock)
    assert (await Job.get(key="k")).state == JobState.DEAD


async def test_two_drainers_never_run_one_job_twice(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    # given 60 due jobs and two workers draining at once (on PostgreSQL: two connections)
    runs: Counter[str] = Counter()

    async def slow(job: Job) -> None:
        runs[job.key] += 1
        await asyncio.sleep(0.001)

    for n in range(60):
        await queue.enqueue("mail.send", {}, key=f"k{n}", clock=clock)

    async def drain() -> int:
        count = 0
        while await queue.run_one({"mail.send": slow}, settings=settings, clock=clock):
            count += 1
        return count

    # when both drain until nothing is due
    first, second = await asyncio.gather(drain(), drain())
    # then every job ran exactly once, and both workers took part
    assert set(runs.values()) == {1}
    assert len(runs) == 60
    assert first + second == 60
    assert first > 0
    assert second > 0
    assert await Job.filter(state=JobState.DONE).count() == 60


async def test_run_worker_stops_when_told_and_a_failed_round_is_not_fatal(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    settings = settings.replace(queue_poll_interval_seconds=0.01)
    done = asyncio.Event()

    async def handler(job: Job) -> None:
        done.set()

    stop = asyncio.Event()
    worker = asyncio.create_task(
        queue.run_worker({"mail.send": handler}, settings=settings, stop=stop, clock=clock)
    )
    await queue.enqueue("mail.send", {}, key="k", clock=clock)
    await asyncio.wait_for(done.wait(), 5)
    stop.set()
    await asyncio.wait_for(worker, 5)
    assert (await Job.get(key="k")).state == JobState.DONE


async def test_housekeeping_prunes_finished_jobs_and_keeps_dead_ones(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    settings = settings.replace(queue_max_attempts=1)

    async def fine(job: Job) -> None:
        return None

    await queue.enqueue("ok", {}, key="done", clock=clock)
    await queue.enqueue("bad", {}, key="dead", clock=clock)
    while await queue.run_one({"ok": fine, "bad": _failing}, settings=settings, clock=clock):
        pass
    await queue.enqueue("ok", {}, key="waiting", clock=clock)
    clock.advance(settings.queue_keep_finished_seconds - 1)
    assert (await housekeeping.prune_expired(clock=clock, settings=settings)).jobs == 0
    clock.advance(timedelta(seconds=2).total_seconds())
    assert (await housekeeping.prune_expired(clock=clock, settings=settings)).jobs == 1
    assert sorted(await Job.all().values_list("key", flat=True)) == ["dead", "waiting"]
