"""Due-date reminders (DESIGN.md section 4c): each once, batched into one mail a day.

The scheduler tick (``schedule``, called by every worker's housekeeping round)
enqueues one ``reminders.scan`` job per hour; its key makes it one job however
many workers tick. The scan (``scan``) may still run twice at once (a lease that
ran out, an operator's extra run): what makes each reminder go once is the
database, not the job:

- **Which reminders are due.** Enrollments with a due date, not completed, whose
  learner is active and has set a password, and for which an offset of
  ``LLP_REMINDER_OFFSETS`` is due (``reminder_offsets.Offsets.due_keys``) and no
  ``ReminderSent`` row exists yet.
- **One mail per person per day.** For the people with something due, one
  ``INSERT INTO reminder_day ... ON CONFLICT DO NOTHING RETURNING`` claims today's
  mail; only the people it returns are mailed. A person who already had today's
  mail keeps their due reminders for tomorrow's: nothing is marked sent, so
  nothing is lost.
- **Each reminder once.** For the people claimed, ``INSERT INTO reminder_sent ...
  ON CONFLICT DO NOTHING RETURNING`` says which (enrollment, offset) pairs this
  run sends; the mail names exactly those courses. The claim, the pairs and the
  ``mail.send`` job commit in one transaction per chunk of people: all or none.
- **enrollment.overdue** is emitted once per enrollment and due date, in that
  transaction, when it is first seen overdue (a ``ReminderSent`` row with the
  key ``overdue-event@...`` decides "once"), whether or not its learner is mailed.

Bulk: a chunk of up to ``chunk_size`` people costs a fixed number of statements
(people, enrollments, days, sent rows, states, titles, then the inserts), so a
scan of thousands of enrollments is a few dozen statements, not one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from llp_gql.domain import events, progress, queue
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.invitations import PENDING
from llp_gql.domain.reminder_mail import CourseReminder, compose_reminder
from llp_gql.ids import encode_id
from llp_gql.mail.compose import MAIL_JOB
from llp_gql.models import (
    Course,
    Enrollment,
    ReminderDay,
    ReminderSent,
    User,
    WebhookSubscription,
)
from llp_gql.settings import Settings

SCAN_JOB = "reminders.scan"
OVERDUE_EVENT = "overdue-event"
CHUNK_SIZE = 500
INSERT_BATCH = 1000

# Only placeholders are formatted into these ({} = the VALUES rows); values are parameters.
_CLAIM_DAYS = (
    'INSERT INTO "reminder_day" ("user_id", "day") VALUES {} '
    'ON CONFLICT ("user_id", "day") DO NOTHING RETURNING "user_id"'
)
_MARK_SENT = (
    'INSERT INTO "reminder_sent" ("enrollment_id", "offset", "sent_at") VALUES {} '
    'ON CONFLICT ("enrollment_id", "offset") DO NOTHING RETURNING "enrollment_id", "offset"'
)


@dataclass(frozen=True, slots=True)
class ScanResult:
    mails: int = 0  # people mailed by this run
    reminders: int = 0  # (enrollment, offset) pairs sent by this run
    deferred: int = 0  # people with reminders due who had today's mail already
    overdue_events: int = 0  # enrollments announced as overdue by this run


async def schedule(*, clock: Clock = utcnow, connection: BaseDBAsyncClient | None = None) -> None:
    """Queue this hour's scan (a no-op when it is queued already)."""
    hour = clock().astimezone(UTC).strftime("%Y-%m-%dT%H")
    await queue.enqueue(
        SCAN_JOB, {"hour": hour}, key=f"{SCAN_JOB}:{hour}", connection=connection, clock=clock
    )


def _marks(db: BaseDBAsyncClient, start: int, count: int) -> list[str]:
    if db.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(start, start + count)]
    return ["?"] * count


def _rows(db: BaseDBAsyncClient, width: int, count: int) -> str:
    marks = _marks(db, 1, width * count)
    return ", ".join(
        "(" + ", ".join(marks[width * i : width * i + width]) + ")" for i in range(count)
    )


async def _claim_days(db: BaseDBAsyncClient, user_ids: Sequence[int], day: date) -> set[int]:
    """Today's mail for each person, for those who did not have it yet: the winners."""
    if not user_ids:
        return set()
    value = ReminderDay._meta.fields_map["day"].to_db_value(day, ReminderDay)
    rows = await db.execute_query_dict(
        _CLAIM_DAYS.format(_rows(db, 2, len(user_ids))),
        [v for user_id in user_ids for v in (user_id, value)],
    )
    return {int(row["user_id"]) for row in rows}


async def _mark_sent(
    db: BaseDBAsyncClient, pairs: Sequence[tuple[int, str]], now: datetime
) -> set[tuple[int, str]]:
    """Insert (enrollment, offset) rows; the pairs this call inserted (not another run).
    In statements of ``INSERT_BATCH`` rows: far below any database's parameter limit."""
    at = ReminderSent._meta.fields_map["sent_at"].to_db_value(now, ReminderSent)
    ordered = sorted(pairs)
    inserted: set[tuple[int, str]] = set()
    for start in range(0, len(ordered), INSERT_BATCH):
        batch = ordered[start : start + INSERT_BATCH]
        rows = await db.execute_query_dict(
            _MARK_SENT.format(_rows(db, 3, len(batch))),
            [v for enrollment_id, key in batch for v in (enrollment_id, key, at)],
        )
        inserted |= {(int(row["enrollment_id"]), str(row["offset"])) for row in rows}
    return inserted


async def prune_days(now: datetime) -> int:
    """Forget who was mailed on days before yesterday: only today's rows decide anything."""
    deleted: int = await ReminderDay.filter(
        day__lt=now.astimezone(UTC).date() - timedelta(days=1)
    ).delete()
    return deleted


async def scan(
    *, settings: Settings, clock: Clock = utcnow, chunk_size: int = CHUNK_SIZE
) -> ScanResult:
    """Send every reminder that is due now, batched per person, each once (see above)."""
    offsets = settings.reminder_offsets
    now = clock()
    if not offsets.enabled:
        return ScanResult()
    open_ones = Enrollment.filter(
        due_at__isnull=False, completed_at__isnull=True, due_at__lte=now + offsets.horizon
    )
    total = ScanResult()
    after = 0
    while True:
        # A chunk of people (every enrollment of a person in the same chunk: one mail).
        learner_ids: list[int] = [
            int(str(value))
            for value in await open_ones.filter(learner_id__gt=after)
            .order_by("learner_id")
            .distinct()
            .limit(chunk_size)
            .values_list("learner_id", flat=True)
        ]
        if not learner_ids:
            return total
        after = max(learner_ids)
        found = await _scan_chunk(
            open_ones.filter(learner_id__in=learner_ids), settings=settings, now=now
        )
        total = ScanResult(*(a + b for a, b in zip(_fields(total), _fields(found), strict=True)))


def _fields(result: ScanResult) -> tuple[int, int, int, int]:
    return (result.mails, result.reminders, result.deferred, result.overdue_events)


async def _scan_chunk(
    chunk: QuerySet[Enrollment], *, settings: Settings, now: datetime
) -> ScanResult:
    enrollments = await chunk
    day = now.astimezone(UTC).date()
    people = {
        u.id: u
        for u in await User.filter(id__in={e.learner_id for e in enrollments}).only(
            "id", "email", "name", "deactivated_at", "password_hash"
        )
    }
    mailed_today = {
        int(str(value))
        for value in await ReminderDay.filter(user_id__in=list(people), day=day).values_list(
            "user_id", flat=True
        )
    }
    sent = set(
        await ReminderSent.filter(enrollment_id__in=Subquery(chunk.values("id"))).values_list(
            "enrollment_id", "offset"
        )
    )
    due: dict[int, list[tuple[int, str]]] = defaultdict(list)  # learner -> pairs
    overdue_pairs: list[tuple[int, str]] = []
    for e in enrollments:
        assert e.due_at is not None
        keys = settings.reminder_offsets.due_keys(e.due_at, now)
        if e.due_at <= now:
            key = f"{OVERDUE_EVENT}@{e.due_at.astimezone(UTC):%Y%m%dT%H%M}"
            if (e.id, key) not in sent:
                overdue_pairs.append((e.id, key))
        person = people.get(e.learner_id)
        if person is None or person.deactivated_at is not None or person.password_hash == PENDING:
            continue
        due[e.learner_id] += [(e.id, k) for k in keys if (e.id, k) not in sent]
    wanting = sorted(uid for uid, pairs in due.items() if pairs)
    deferred = sum(uid in mailed_today for uid in wanting)
    wanting = [uid for uid in wanting if uid not in mailed_today]
    if not wanting and not overdue_pairs:
        return ScanResult(deferred=deferred)
    by_id = {e.id: e for e in enrollments}
    mailed_ids = {eid for uid in wanting for eid, _ in due[uid]}
    states = await progress.load_states([by_id[eid] for eid in sorted(mailed_ids)])
    titles = dict(
        await Course.filter(id__in={by_id[eid].course_id for eid in mailed_ids}).values_list(
            "id", "title"
        )
    )
    async with in_transaction() as db:
        winners = await _claim_days(db, wanting, day)
        pairs = await _mark_sent(db, [p for uid in sorted(winners) for p in due[uid]], now)
        sent_by: dict[int, set[int]] = defaultdict(set)
        for eid, _ in pairs:
            sent_by[by_id[eid].learner_id].add(eid)
        empty = [uid for uid in winners if uid not in sent_by]
        if empty:  # another run sent these pairs: give the day back
            await ReminderDay.filter(user_id__in=empty, day=day).using_db(db).delete()
        mails = []
        for uid in sorted(sent_by):
            items = [
                CourseReminder(by_id[eid], titles.get(by_id[eid].course_id, ""), states[eid])
                for eid in sorted(sent_by[uid], key=lambda i: (by_id[i].due_at, i))
            ]
            mail = compose_reminder(people[uid], items, settings=settings, now=now)
            mails.append((f"mail:reminders:{uid}:{day.isoformat()}", mail.payload()))
        if mails:
            await queue.enqueue_many(MAIL_JOB, mails, connection=db, clock=lambda: now)
        announced = await _announce_overdue(db, overdue_pairs, by_id, now)
    return ScanResult(
        mails=len(mails),
        reminders=sum(not k.startswith(OVERDUE_EVENT) for _, k in pairs),
        deferred=deferred + len(set(wanting) - winners),
        overdue_events=announced,
    )


async def _announce_overdue(
    db: BaseDBAsyncClient,
    pairs: Sequence[tuple[int, str]],
    by_id: dict[int, Enrollment],
    now: datetime,
) -> int:
    """Emit ``enrollment.overdue`` for the enrollments this run is first to see overdue."""
    first = await _mark_sent(db, pairs, now)
    companies = {by_id[eid].company_id for eid, _ in first} - {None}
    if not companies:
        return len(first)
    wanted = {
        company_id
        for company_id, names in await WebhookSubscription.filter(
            company_id__in=companies, disabled_at=None
        )
        .using_db(db)
        .values_list("company_id", "events")
        if events.ENROLLMENT_OVERDUE in str(names).split()
    }
    for eid, _ in sorted(first):
        e = by_id[eid]
        if e.company_id not in wanted:
            continue  # emit would find no subscriber: spare its query
        assert e.due_at is not None
        _ = await events.emit(
            events.ENROLLMENT_OVERDUE,
            company_id=e.company_id,
            data={
                "enrollmentId": encode_id("Enrollment", e.id),
                "learnerId": encode_id("User", e.learner_id),
                "courseId": encode_id("Course", e.course_id),
                "dueAt": e.due_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            },
            ordering_key=f"enrollment:{e.id}",
            connection=db,
            clock=lambda: now,
        )
    return len(first)
