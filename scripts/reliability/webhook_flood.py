"""W1: 1,000 webhook events to a receiver that fails 10% of requests at random.

A real HTTP receiver (Starlette under uvicorn, on a free local port) checks every
signature and fails a request at random with probability ``--failure-rate``, half of
the time *before* taking the event in (it answers 500) and half *after* (it processes
the event, then answers 500: to the sender this looks like a lost answer, so the
event comes again). ``--events`` events are emitted through ``events.emit`` over
``--keys`` ordering keys (enrollments), and ``--workers`` queue workers drain them
concurrently with ``queue.run_one``; time is a FakeClock moved to the next due job
whenever nothing is due, so a day of backoff passes in seconds.

The figures:

- lost: events the receiver never took in (must be 0);
- duplicates: events taken in more than once (expected, from lost answers), and how
  many of those came with a different ``webhook-id`` or body (must be 0);
- order: ordering keys whose events were taken in out of order (must be 0);
- bad signatures (must be 0).

    python scripts/reliability/webhook_flood.py [--events 1000] [--failure-rate 0.1]
        [--postgres]   # a scratch PostgreSQL database (LLP_RACE_POSTGRES_URL) instead of SQLite

Prints ``W1: ...`` and exits 1 unless lost, bad duplicates, order and signatures are 0.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tortoise.transactions import in_transaction  # noqa: E402

from llp_gql import jobs  # noqa: E402
from llp_gql.domain import events, queue, webhooks  # noqa: E402
from llp_gql.domain.clock import FakeClock  # noqa: E402
from llp_gql.models import (  # noqa: E402
    AccountType,
    Company,
    DeliveryState,
    Job,
    JobState,
    Role,
    User,
    WebhookDelivery,
)
from llp_gql.settings import Settings  # noqa: E402
from tests.webhooks.receiver import Arrival, Receiver, running_receiver  # noqa: E402


@dataclass(frozen=True)
class Figures:
    events: int
    failure_rate: float
    requests: int
    failed_requests: int
    lost: int
    duplicates: int
    bad_duplicates: int
    out_of_order_keys: int
    bad_signatures: int
    not_delivered: int
    max_attempts: int
    simulated_hours: float
    seconds: float

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.bad_duplicates == 0
            and self.out_of_order_keys == 0
            and self.bad_signatures == 0
            and self.not_delivered == 0
        )

    def line(self) -> str:
        return (
            f"W1: {self.events} events, receiver failing {self.failure_rate:.0%} at random "
            f"({self.failed_requests} of {self.requests} requests): lost {self.lost}; "
            f"duplicates {self.duplicates}, with another id or body {self.bad_duplicates}; "
            f"keys out of order {self.out_of_order_keys}; bad signatures {self.bad_signatures}; "
            f"not delivered {self.not_delivered}; most attempts of one event "
            f"{self.max_attempts}; {self.simulated_hours:.1f} h simulated in {self.seconds:.1f} s"
        )


def flaky(rate: float, rng: random.Random) -> object:
    """The receiver's answer: fail ``rate`` of requests, half before processing, half after."""

    def answer(arrival: Arrival, before: int) -> tuple[int, bool]:
        draw = rng.random()
        if draw < rate / 2:
            return 500, False
        if draw < rate:
            return 500, True  # processed, but the answer is lost
        return 200, True

    return answer


async def _company_admin() -> User:
    company = await Company.create(name=f"Flood {secrets.token_hex(3)}")
    return await User.create(
        email=f"admin-{secrets.token_hex(3)}@flood.example",
        name="Flood Admin",
        password_hash="!",  # noqa: S106 - no password: this admin never signs in
        account_type=AccountType.EMPLOYEE,
        role=Role.COMPANY_ADMIN,
        company=company,
    )


async def _drain(settings: Settings, clock: FakeClock, workers: int) -> None:
    handlers = jobs.handlers(settings, clock=clock)

    async def worker() -> None:
        while await queue.run_one(handlers, settings=settings, clock=clock):
            pass

    await asyncio.gather(*(worker() for _ in range(workers)))


async def flood(
    receiver: Receiver,
    *,
    events_count: int = 1000,
    keys: int = 100,
    failure_rate: float = 0.1,
    workers: int = 2,
    seed: int = 20,
    settings: Settings,
) -> Figures:
    """Run the flood in the current Tortoise context (an empty or scratch database)."""
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - a test's dice, not a secret
    receiver.answer = flaky(failure_rate, rng)  # type: ignore[assignment]
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    start = clock.now
    settings = settings.replace(webhook_allow_private=True, webhook_allow_http=True)
    admin = await _company_admin()
    created = await webhooks.create_webhook(
        admin,
        receiver.url + "/flood",
        [events.ENROLLMENT_COMPLETED],
        settings=settings,
        clock=clock,
    )
    receiver.endpoint("/flood", created.secret)
    for seq in range(events_count):
        async with in_transaction() as connection:
            await events.emit(
                events.ENROLLMENT_COMPLETED,
                company_id=admin.company_id,
                data={"seq": seq, "key": seq % keys},
                ordering_key=f"enrollment:{seq % keys}",
                connection=connection,
                clock=clock,
            )
    for _ in range(10_000):
        await _drain(settings, clock, workers)
        following = await Job.filter(state=JobState.QUEUED).order_by("run_after").first()
        if following is None:
            break
        if following.run_after > clock.now:
            clock.now = following.run_after
    return await _figures(receiver, events_count, failure_rate, start, clock, started)


async def _figures(
    receiver: Receiver,
    events_count: int,
    failure_rate: float,
    start: datetime,
    clock: FakeClock,
    started: float,
) -> Figures:
    arrivals = receiver.all()
    taken: dict[int, list[Arrival]] = collections.defaultdict(list)
    per_key: dict[int, list[int]] = collections.defaultdict(list)
    for arrival in arrivals:
        if arrival.processed:
            data = arrival.event["data"]
            taken[data["seq"]].append(arrival)
            per_key[data["key"]].append(data["seq"])
    duplicates = sum(len(copies) - 1 for copies in taken.values())
    bad = sum(
        1
        for copies in taken.values()
        for copy in copies[1:]
        if (copy.event_id, copy.body) != (copies[0].event_id, copies[0].body)
    )
    # Events of a key may come again (a lost answer) but never after a later one.
    disorder = sum(1 for seqs in per_key.values() if seqs != sorted(seqs))
    rows = await WebhookDelivery.all().values_list("state", "attempts")
    return Figures(
        events=events_count,
        failure_rate=failure_rate,
        requests=len(arrivals),
        failed_requests=sum(1 for a in arrivals if a.status >= 300),
        lost=events_count - len(taken),
        duplicates=duplicates,
        bad_duplicates=bad,
        out_of_order_keys=disorder,
        bad_signatures=sum(1 for a in arrivals if not a.verified),
        not_delivered=sum(1 for state, _ in rows if state != DeliveryState.DELIVERED),
        max_attempts=max((attempts for _, attempts in rows), default=0),
        simulated_hours=(clock.now - start).total_seconds() / 3600,
        seconds=time.monotonic() - started,
    )


async def _run(args: argparse.Namespace) -> Figures:
    from tortoise import Tortoise

    from llp_gql.db import tortoise_config

    admin_url = name = None
    if args.postgres:
        from _common import create_postgres_database, migrate, postgres_admin_url

        admin_url = postgres_admin_url()
        name = f"llp_w1_{secrets.token_hex(4)}"
        database_url = await create_postgres_database(admin_url, name)
        await asyncio.to_thread(migrate, database_url)
    else:
        database_url = "sqlite://:memory:"  # one process: the workers are its tasks
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        if not args.postgres:
            await Tortoise.generate_schemas()
        settings = Settings(mode="dev", database_url=database_url, secret_key="w1-" + "x" * 40)
        with running_receiver() as receiver:
            return await flood(
                receiver,
                events_count=args.events,
                keys=args.keys,
                failure_rate=args.failure_rate,
                workers=args.workers,
                seed=args.seed,
                settings=settings,
            )
    finally:
        await Tortoise.close_connections()
        if admin_url and name:
            from _common import drop_postgres_database

            await drop_postgres_database(admin_url, name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=100, help="ordering keys (enrollments)")
    parser.add_argument("--failure-rate", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    figures = asyncio.run(_run(parser.parse_args()))
    print(figures.line())
    return 0 if figures.ok else 1


if __name__ == "__main__":
    sys.exit(main())
