"""THE reminder test: a test clock drives the scheduler through 35 days.

Every 6 hours the housekeeping tick queues the hour's scan, the queue's handlers
run it (and send its mails to a real SMTP server), and a second scan runs at the
same moment beside them (on PostgreSQL the two really overlap). Mid-month a
worker dies holding the scan job and a new set of handlers (a restarted worker)
takes over. Then: each (enrollment, offset) was sent exactly once, nobody got two
reminder mails in a day, nobody who completed or left was reminded after, and the
mails name exactly the missing lessons with their links.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from llp_gql import jobs
from llp_gql.domain import events, progress, queue, reminders, report_subscriptions
from llp_gql.domain.clock import FakeClock
from llp_gql.models import (
    Enrollment,
    EnrollmentSource,
    Job,
    LessonProgress,
    LessonStatus,
    ReminderSent,
    User,
    WebhookDelivery,
    WebhookSubscription,
)
from llp_gql.settings import Settings
from tests.factories import World, make_course, make_user
from tests.smtp_server import smtp_server, text_part

DAY = 86400
TICK = 6 * 3600


def _offsets(rows: list[tuple[int, str]], enrollment_id: int) -> set[str]:
    return {
        key.split("@", 1)[0]
        for eid, key in rows
        if eid == enrollment_id and not key.startswith(reminders.OVERDUE_EVENT)
    }


@pytest.fixture
def lingering_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every scan lingers between reading what is due and writing what it sent, so two
    scans started together really both read before either writes (the window a missing
    ON CONFLICT guard would leave open)."""
    real = progress.load_states

    async def lingering(*args: Any, **kwargs: Any) -> Any:
        found = await real(*args, **kwargs)
        await asyncio.sleep(0.05)
        return found

    monkeypatch.setattr(progress, "load_states", lingering)


async def test_a_simulated_month_sends_each_reminder_once_and_batched(
    db: TortoiseContext,
    world: World,
    settings: Settings,
    clock: FakeClock,
    lingering_scans: None,
) -> None:
    # given a company's learners with due dates (clock starts on a Monday, 09:00 UTC)
    t0 = clock()
    second = await make_course("Safety Basics")
    company = world.company_x
    finisher = await make_user("fin@acme.example", company=company, name="Fin Isher")
    leaver = await make_user("lee@acme.example", company=company, name="Lee Leaver")
    batched = await make_user("bea@acme.example", company=company, name="Bea Batch")
    carried = await make_user("cal@acme.example", company=company, name="Cal Carry")
    first = world.course

    async def assign(user: User, course_id: int, due_in: timedelta) -> Enrollment:
        return await Enrollment.create(
            learner=user,
            course_id=course_id,
            source=EnrollmentSource.ASSIGNED,
            company=company,
            assigned_by=world.admin_x,
            due_at=t0 + due_in,
        )

    fin = await assign(finisher, first.course.id, timedelta(days=10))
    lee = await assign(leaver, first.course.id, timedelta(days=12))
    # Bea: two courses due the same moment, so every reminder of hers is one mail
    bea_a = await assign(batched, first.course.id, timedelta(days=8))
    bea_b = await assign(batched, second.course.id, timedelta(days=8))
    # Cal: two courses due 6 hours apart the same day: the later one waits for tomorrow
    cal_a = await assign(carried, first.course.id, timedelta(days=10))
    cal_b = await assign(carried, second.course.id, timedelta(days=10, hours=6))
    # Bea has watched the first course's video: that lesson is not missing any more
    await LessonProgress.create(
        enrollment=bea_a,
        lesson=first.video,
        status=LessonStatus.COMPLETED,
        watched_spans=[[0.0, 60.0]],
        covered_seconds=60.0,
        completed_at=t0,
    )
    await WebhookSubscription.create(
        company_id=company.id,
        url="https://hr.example/hook",
        events="enrollment.overdue",
        secret="whsec_x",
        created_at=t0,
    )

    with smtp_server() as (inbox, port):
        mail_settings = settings.replace(smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none")
        handlers = _handlers(mail_settings, clock)
        for tick in range(35 * 4 + 1):
            if tick == 3 * 4:
                await User.filter(id=leaver.id).update(deactivated_at=clock())
            if tick == 15 * 4:
                await Enrollment.filter(id=fin.id).update(completed_at=clock())
            await reminders.schedule(clock=clock)  # what each housekeeping round does
            await report_subscriptions.schedule(clock=clock)
            if tick == 17 * 4:
                # a worker takes the scan job and dies with it; a restarted worker (new
                # handlers) goes on, and retries the job once its lease has run out
                crashed = await queue.claim(settings=mail_settings, clock=clock)
                assert crashed is not None
                assert crashed.kind == reminders.SCAN_JOB
                handlers = _handlers(mail_settings, clock)
            else:
                # when the queue's scan and a second runner scan at the same moment
                async def drain(handlers: dict[str, queue.Handler] = handlers) -> None:
                    while await queue.run_one(handlers, settings=mail_settings, clock=clock):
                        pass

                await asyncio.gather(drain(), reminders.scan(settings=settings, clock=clock))
            # the second runner's mails go out too
            while await queue.run_one(handlers, settings=mail_settings, clock=clock):
                pass
            clock.advance(TICK)

    # then each (enrollment, offset) was sent exactly once, as the offsets say
    rows = list(await ReminderSent.all().values_list("enrollment_id", "offset"))
    assert len(rows) == len(set(rows))
    repeated = {"before:7d", "due", "overdue:1", "overdue:2", "overdue:3"}
    assert _offsets(rows, fin.id) == {"before:7d", "due"}  # completed on day 15
    assert _offsets(rows, lee.id) == set()  # left on day 3, before any reminder
    assert _offsets(rows, bea_a.id) == repeated  # due day 8: overdue on days 15, 22, 29
    assert _offsets(rows, bea_b.id) == repeated
    assert _offsets(rows, cal_a.id) == repeated  # due day 10: 17, 24, 31
    assert _offsets(rows, cal_b.id) == repeated  # day 10 + 6 h: 18, 25, 32 (carried)

    # and at most one reminder mail per person per day, one for each day with reminders
    messages = inbox.received()
    reminder_mails = [m for m in messages if str(m["Subject"]).startswith("Reminder")]
    per_day = Counter(
        (str(m["To"]), parsedate_to_datetime(str(m["Date"])).date()) for m in reminder_mails
    )
    assert max(per_day.values()) == 1
    sent_days: dict[str, set[object]] = defaultdict(set)
    owners = {e.id: e.learner_id for e in await Enrollment.all()}
    emails = {u.id: u.email for u in await User.all()}
    for eid, key, at in await ReminderSent.all().values_list("enrollment_id", "offset", "sent_at"):
        if not key.startswith(reminders.OVERDUE_EVENT):
            sent_days[emails[owners[eid]]].add(at.date())
    assert set(per_day) == {(to, day) for to, days in sent_days.items() for day in days}
    assert "lee@acme.example" not in {to for to, _ in per_day}
    assert all(
        day <= (t0 + timedelta(days=15)).date() for to, day in per_day if to == finisher.email
    )
    # Bea's two courses always arrive together: 5 mails for 10 reminders
    assert sum(to == batched.email for to, _ in per_day) == 5
    # Cal's later course waited for the next day (10 mails for 10 reminders), except on
    # day 17, when the crashed scan's retry at 15:00 found both courses' reminders due
    assert sum(to == carried.email for to, _ in per_day) == 9

    # and the mails name exactly the missing lessons, with links into the learner app
    bea_mail = _first(reminder_mails, batched.email)
    text = text_part(bea_mail)
    base = "https://llp.example/learn/enrollments"
    assert f"{base}/{bea_a.id}/lessons/{first.reading.id}" in text
    assert f"{base}/{bea_a.id}/lessons/{first.video.id}" not in text  # watched already
    assert f"{base}/{bea_b.id}/lessons/{second.video.id}" in text
    assert "Read the guide: Reading not confirmed yet" in text
    assert "Practice: Locked until 'Read the guide' is complete." in text
    assert "Welcome video: Not started yet: watch the whole video (60 s)." in text
    assert "Leading Teams: due in 7 days" in text
    assert "Safety Basics: due in 7 days" in text
    assert "VIDEO_UNFINISHED" not in text
    assert "LOCKED" not in text
    html = bea_mail.get_body(preferencelist=("html",))
    assert html is not None
    assert f'href="{base}/{bea_a.id}/lessons/{first.reading.id}"' in html.get_content()

    # and enrollment.overdue went out once per enrollment that became overdue (Lee's too:
    # his admins still want to know), with the company's subscription
    deliveries = await WebhookDelivery.filter(event_type="enrollment.overdue").count()
    assert deliveries == 6


def _handlers(settings: Settings, clock: FakeClock) -> dict[str, queue.Handler]:
    """The app's handlers; webhook deliveries are stored, not sent, in this test."""

    async def keep(job: Job) -> None:
        return None

    return {**jobs.handlers(settings, clock=clock), events.DELIVER_JOB: keep}


def _first(messages: list[EmailMessage], to: str) -> EmailMessage:
    return next(m for m in messages if str(m["To"]) == to)
