"""The durable queue: after-commit work (mail now; reminders, reports, webhooks later).

Why not a library: the maintained database queues for Python (PgQueuer, pgwerk,
pqrun, procrastinate) are PostgreSQL-only and bring their own connections, and
SQLAlchemy-based ones (beanqueue) do not share a Tortoise transaction. The
embedded default is SQLite, and enqueueing must join the caller's transaction,
so the queue is this module and one table (``models.jobs.Job``).

The rules:

- **Enqueue in the caller's transaction** (``enqueue(..., connection=...)``): the job
  commits or rolls back with the change that causes it. ``key`` makes it
  idempotent: ``INSERT ... ON CONFLICT (key) DO NOTHING``.
- **Run after commit** by workers (``run_worker``, started by the app's lifespan,
  ``LLP_QUEUE_WORKERS`` per process). A worker claims one job at a time with one
  statement: an UPDATE of the oldest due row that sets a lease
  (``LLP_QUEUE_LEASE_SECONDS``) and a claim token. On PostgreSQL the row is
  picked with ``FOR UPDATE SKIP LOCKED``, so workers of several processes never
  claim the same job and never wait on each other; the outer WHERE repeats the
  "due" test, which PostgreSQL re-checks on the locked row. On SQLite one
  statement is atomic by itself (one writer at a time), which is the claim by
  conditional UPDATE; SQLite runs one server process anyway.
- **Leases.** A claimed job's ``run_after`` is the end of its lease: a worker that
  crashed or was killed leaves a RUNNING job that becomes due again when the lease
  ends, and the next claim retries it. Finishing checks the claim token, so a
  worker that overran its lease cannot mark another worker's run.
- **Retries** with exponential backoff (``LLP_QUEUE_BACKOFF_SECONDS`` doubled per
  attempt, at most ``LLP_QUEUE_BACKOFF_MAX_SECONDS``), up to
  ``LLP_QUEUE_MAX_ATTEMPTS`` claims; then the job is DEAD and kept with its last
  error. A claim counts as an attempt, so a job that kills its worker every time
  dies too instead of looping.
- **At least once.** A handler may run again after a crash between its work and
  the commit that marks it DONE; handlers make that harmless (the mail handler's
  choice is explained in ``llp_gql.mail.jobs``).
- Finished jobs are deleted by housekeeping after ``LLP_QUEUE_KEEP_FINISHED_SECONDS``;
  dead ones are kept until a person deletes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from llp_gql.domain.clock import Clock, utcnow
from llp_gql.models import Job, JobState
from llp_gql.settings import Settings

logger = logging.getLogger("llp_gql.queue")

Handler = Callable[[Job], Awaitable[None]]
MAX_ERROR_LENGTH = 2000

_INSERT = (
    'INSERT INTO "job" ("kind", "key", "payload", "state", "attempts", "run_after", '
    '"created_at") VALUES ({}, {}, {}, {}, 0, {}, {}) ON CONFLICT ("key") DO NOTHING'
)
_CLAIM = (
    'UPDATE "job" SET "state" = {running}, "attempts" = "attempts" + 1, '
    '"run_after" = {lease_end}, "claim_token" = {claim} '
    'WHERE "id" = (SELECT "id" FROM "job" WHERE "state" IN ({queued}, {running}) '
    'AND "run_after" <= {now} ORDER BY "run_after", "id" LIMIT 1{lock}) '
    'AND "state" IN ({queued}, {running}) AND "run_after" <= {now} RETURNING "id"'
)


def _marks(db: BaseDBAsyncClient, count: int) -> list[str]:
    if db.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


def _db_time(value: datetime) -> object:
    return Job._meta.fields_map["run_after"].to_db_value(value, Job)


async def enqueue(
    kind: str,
    payload: Mapping[str, object],
    *,
    key: str,
    connection: BaseDBAsyncClient | None = None,
    clock: Clock = utcnow,
    delay_seconds: float = 0.0,
) -> None:
    """Add a job, inside ``connection``'s transaction when given (do give it: the job
    must commit with the change that causes it). A job with the same ``key`` already
    queued, running or finished makes this a no-op."""
    db = connection or Job._meta.db
    now = clock()
    payload_value = Job._meta.fields_map["payload"].to_db_value(dict(payload), Job)
    await db.execute_query(
        _INSERT.format(*_marks(db, 6)),
        [
            kind,
            key,
            payload_value,
            JobState.QUEUED.value,
            _db_time(now + timedelta(seconds=delay_seconds)),
            _db_time(now),
        ],
    )


async def enqueue_many(
    kind: str,
    jobs: Sequence[tuple[str, Mapping[str, object]]],
    *,
    connection: BaseDBAsyncClient,
    clock: Clock = utcnow,
    batch_size: int = 500,
) -> None:
    """``enqueue`` for many jobs ``(key, payload)`` of one kind: one multi-row INSERT per
    ``batch_size`` jobs (10,000 invitations of an import are 20 statements, not 10,000),
    in ``connection``'s transaction; keys already present are skipped as by ``enqueue``."""
    now = _db_time(clock())
    payload_field = Job._meta.fields_map["payload"]
    for start in range(0, len(jobs), batch_size):
        batch = jobs[start : start + batch_size]
        marks = _marks(connection, 6 * len(batch))
        rows = ", ".join(
            "({}, {}, {}, {}, 0, {}, {})".format(*marks[6 * i : 6 * i + 6])
            for i in range(len(batch))
        )
        values: list[object] = []
        for key, payload in batch:
            payload_value = payload_field.to_db_value(dict(payload), Job)
            values += [kind, key, payload_value, JobState.QUEUED.value, now, now]
        head = _INSERT.split(" VALUES ", 1)[0]
        await connection.execute_query(
            f'{head} VALUES {rows} ON CONFLICT ("key") DO NOTHING', values
        )


async def claim(*, settings: Settings, clock: Clock = utcnow) -> Job | None:
    """Take the oldest due job (queued and due, or running with its lease over) with a
    fresh lease; None when nothing is due."""
    db = Job._meta.db
    now = clock()
    token = secrets.token_hex(16)
    lease_end = _db_time(now + timedelta(seconds=settings.queue_lease_seconds))
    postgres = db.capabilities.dialect == "postgres"
    if postgres:
        sql = _CLAIM.format(
            running="$1",
            lease_end="$2",
            claim="$3",
            queued="$4",
            now="$5",
            lock=" FOR UPDATE SKIP LOCKED",
        )
        values = [JobState.RUNNING.value, lease_end, token, JobState.QUEUED.value, _db_time(now)]
    else:
        sql = _CLAIM.format(running="?", lease_end="?", claim="?", queued="?", now="?", lock="")
        # In order of appearance: SET (running, lease, token), the subquery, the outer test.
        q, r, t = JobState.QUEUED.value, JobState.RUNNING.value, _db_time(now)
        values = [r, lease_end, token, q, r, t, q, r, t]
    rows = await db.execute_query_dict(sql, values)
    if not rows:
        return None
    job = await Job.get(id=rows[0]["id"])
    if job.attempts > settings.queue_max_attempts:
        # Its earlier runs all ended without a word (a crash, a kill): give up on it.
        await _finish(job, JobState.DEAD, error="lease expired: the worker stopped", clock=clock)
        return None
    return job


async def _finish(
    job: Job,
    state: JobState,
    *,
    clock: Clock,
    error: str | None = None,
    run_after: datetime | None = None,
    payload: Mapping[str, object] | None = None,
    connection: BaseDBAsyncClient | None = None,
) -> bool:
    """Record the outcome of this claim; False when the lease was lost to another worker."""
    changes: dict[str, object] = {"state": state, "claim_token": None}
    if state in (JobState.DONE, JobState.DEAD):
        changes["finished_at"] = clock()
    if error is not None:
        changes["last_error"] = error[:MAX_ERROR_LENGTH]
    if run_after is not None:
        changes["run_after"] = run_after
    if payload is not None:
        changes["payload"] = dict(payload)
    query = Job.filter(id=job.id, claim_token=job.claim_token)
    if connection is not None:
        query = query.using_db(connection)
    updated: int = await query.update(**changes)
    return updated == 1


async def complete(
    job: Job,
    *,
    clock: Clock = utcnow,
    payload: Mapping[str, object] | None = None,
    connection: BaseDBAsyncClient | None = None,
) -> bool:
    """Mark a claimed job DONE (in ``connection``'s transaction, with the handler's own
    writes); ``payload`` replaces the stored one (to drop what need not be kept).
    False when the lease was lost: then roll back."""
    return await _finish(job, JobState.DONE, clock=clock, payload=payload, connection=connection)


async def postpone(
    job: Job,
    *,
    run_after: datetime,
    clock: Clock = utcnow,
    error: str | None = None,
    connection: BaseDBAsyncClient | None = None,
) -> bool:
    """Put a claimed job back in the queue, due at ``run_after``, for a handler that keeps
    its own schedule (webhook retries, a delivery waiting for an earlier one). This claim
    is not counted as an attempt: the count stays for runs that end without a word.
    False when the lease was lost: then roll back."""
    changes: dict[str, object] = {
        "state": JobState.QUEUED,
        "claim_token": None,
        "run_after": run_after,
        "attempts": F("attempts") - 1,
    }
    if error is not None:
        changes["last_error"] = error[:MAX_ERROR_LENGTH]
    query = Job.filter(id=job.id, claim_token=job.claim_token)
    if connection is not None:
        query = query.using_db(connection)
    updated: int = await query.update(**changes)
    return updated == 1


def backoff_seconds(attempts: int, settings: Settings) -> float:
    """The wait before the next try after ``attempts`` failed ones."""
    exponent = min(max(attempts - 1, 0), 30)
    return float(
        min(settings.queue_backoff_seconds * 2**exponent, settings.queue_backoff_max_seconds)
    )


async def fail(job: Job, error: str, *, settings: Settings, clock: Clock = utcnow) -> JobState:
    """Schedule the next try with backoff, or make the job DEAD when out of attempts."""
    if job.attempts >= settings.queue_max_attempts:
        _ = await _finish(job, JobState.DEAD, clock=clock, error=error)
        return JobState.DEAD
    run_after = clock() + timedelta(seconds=backoff_seconds(job.attempts, settings))
    _ = await _finish(job, JobState.QUEUED, clock=clock, error=error, run_after=run_after)
    return JobState.QUEUED


async def run_one(
    handlers: Mapping[str, Handler], *, settings: Settings, clock: Clock = utcnow
) -> bool:
    """Claim and run one due job; False when none was due. A handler marks its job DONE
    itself (``complete``, in its own transaction) or leaves it to this function."""
    job = await claim(settings=settings, clock=clock)
    if job is None:
        return False
    handler = handlers.get(job.kind)
    if handler is None:
        _ = await _finish(job, JobState.DEAD, clock=clock, error=f"no handler for {job.kind!r}")
        logger.error("job %s: no handler for kind %r", job.id, job.kind)
        return True
    try:
        await handler(job)
    except asyncio.CancelledError:
        raise  # shutdown: the lease runs out and another worker retries it
    except Exception as exc:  # any failure is the job's, not the worker's
        state = await fail(job, f"{type(exc).__name__}: {exc}", settings=settings, clock=clock)
        logger.warning(
            "job %s (%s) attempt %s failed; now %s",
            job.id,
            job.kind,
            job.attempts,
            state,
            exc_info=True,
        )
        return True
    current = await Job.get_or_none(id=job.id).only("id", "state", "claim_token")
    if current is not None and current.state == JobState.RUNNING:
        _ = await complete(job, clock=clock)
    return True


async def run_worker(
    handlers: Mapping[str, Handler],
    *,
    settings: Settings,
    stop: asyncio.Event,
    clock: Clock = utcnow,
) -> None:
    """Drain due jobs, then poll every ``LLP_QUEUE_POLL_INTERVAL_SECONDS``, until ``stop``
    is set. The job in hand is finished before stopping (a graceful restart sends
    nothing twice and loses nothing); a database that is away is logged and retried."""
    while not stop.is_set():
        try:
            ran = await run_one(handlers, settings=settings, clock=clock)
        except Exception:  # the database away, say: never fatal, try again after a pause
            logger.warning("queue worker round failed", exc_info=True)
            ran = False
        if not ran:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.queue_poll_interval_seconds)


async def prune_finished(*, settings: Settings, now: datetime) -> int:
    """Delete DONE jobs finished more than ``LLP_QUEUE_KEEP_FINISHED_SECONDS`` ago; DEAD
    ones stay for a person to read."""
    cutoff = now - timedelta(seconds=settings.queue_keep_finished_seconds)
    deleted: int = await Job.filter(state=JobState.DONE, finished_at__lt=cutoff).delete()
    return deleted
