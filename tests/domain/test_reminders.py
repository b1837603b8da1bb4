"""Reminders: the offsets setting, the statement count of a scan, who is not reminded,
and the weekly digest and compliance mails (once per subscription and week)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise.context import TortoiseContext

from llp_gql.domain import housekeeping, reminders, report_subscriptions
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import Forbidden
from llp_gql.models import (
    Enrollment,
    EnrollmentSource,
    Job,
    ReminderDay,
    ReminderSent,
    ReportSubscription,
    User,
)
from llp_gql.reminder_offsets import NO_OFFSETS, Offsets, parse_offsets
from llp_gql.settings import Settings, SettingsError
from tests.api import test_query_counts
from tests.api.test_query_counts import QueryLog
from tests.domain.test_reminders_month import lingering_scans as lingering_scans
from tests.factories import World, make_course, make_user

queries = test_query_counts.queries  # the statement-counting fixture


def test_the_offsets_setting_reads_and_refuses() -> None:
    assert parse_offsets("") == Offsets((7,), True, 7)
    assert parse_offsets(" Before:1d, before:14d ,due ") == Offsets((14, 1), True, None)
    assert parse_offsets("none") == NO_OFFSETS
    assert parse_offsets("overdue:3d").describe() == "overdue:3d"
    for bad in (
        "before:0d",
        "before:7",
        "before:400d",
        "due,due",
        "weekly",
        "overdue:1d,overdue:2d",
    ):
        with pytest.raises(ValueError, match=r"\S"):
            parse_offsets(bad)
    with pytest.raises(SettingsError, match="LLP_REMINDER_OFFSETS"):
        Settings.from_env({"LLP_REMINDER_OFFSETS": "before:x"}, mode="dev")
    assert Settings.from_env({"LLP_REMINDER_OFFSETS": "due"}, mode="dev").reminder_offsets == (
        Offsets((), True, None)
    )


def test_only_the_current_repeat_is_due(clock: FakeClock) -> None:
    due = clock()
    offsets = Offsets((7,), True, 7)
    assert offsets.due_keys(due, due - timedelta(days=8)) == []
    assert offsets.due_keys(due, due - timedelta(days=7)) == ["before:7d@20260105T0900"]
    assert offsets.due_keys(due, due) == ["due@20260105T0900"]
    assert offsets.due_keys(due, due + timedelta(days=36)) == [
        "due@20260105T0900",
        "overdue:5@20260105T0900",
    ]


async def _assign(world: World, people: int, courses: int, due_in: timedelta) -> None:
    learners = [
        await make_user(f"p{n}@acme.example", company=world.company_x) for n in range(people)
    ]
    extra = [world.course.course.id] + [
        (await make_course(f"C{n}")).course.id for n in range(courses - 1)
    ]
    await Enrollment.bulk_create(
        [
            Enrollment(
                learner_id=learner.id,
                course_id=course_id,
                source=EnrollmentSource.ASSIGNED,
                company_id=world.company_x.id,
                due_at=FakeClock()() + due_in,
            )
            for learner in learners
            for course_id in extra
        ]
    )


async def _scan_statements(queries: QueryLog, settings: Settings, clock: FakeClock) -> int:
    queries.statements.clear()
    queries.active = True
    try:
        result = await reminders.scan(settings=settings, clock=clock)
    finally:
        queries.active = False
    assert result.mails > 0
    return len(queries.statements)


@pytest.mark.parametrize("people", [100, 200])
async def test_a_scan_costs_the_same_statements_for_200_or_400_enrollments(
    db: TortoiseContext,
    world: World,
    settings: Settings,
    clock: FakeClock,
    queries: QueryLog,
    people: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given people with two overdue courses each (200 or 400 enrollments)
    await _assign(world, people, 2, timedelta(days=3))
    clock.advance(4 * 86400)
    # when one scan runs
    count = await _scan_statements(queries, settings, clock)
    # then a fixed number of statements, whatever the number of enrollments
    with capsys.disabled():
        print(f"\nreminder scan: {people * 2} enrollments -> {count} statements")
    assert count <= 14, queries
    assert await Job.filter(kind="mail.send").count() == people
    # and a second scan the same day adds nothing
    again = await reminders.scan(settings=settings, clock=clock)
    assert (again.mails, again.reminders) == (0, 0)


async def test_nobody_is_reminded_who_left_has_no_password_or_completed(
    db: TortoiseContext, world: World, settings: Settings, clock: FakeClock
) -> None:
    pending = await make_user("new@acme.example", company=world.company_x)
    await User.filter(id=pending.id).update(password_hash="")
    left = await make_user("left@acme.example", company=world.company_x)
    await User.filter(id=left.id).update(deactivated_at=clock())
    done = await make_user("done@acme.example", company=world.company_x)
    for user in (pending, left, done):
        await Enrollment.create(
            learner=user,
            course=world.course.course,
            source=EnrollmentSource.ASSIGNED,
            company=world.company_x,
            due_at=clock() + timedelta(days=1),
            completed_at=clock() if user is done else None,
        )
    clock.advance(2 * 86400)
    result = await reminders.scan(settings=settings, clock=clock)
    assert (result.mails, result.reminders) == (0, 0)
    # the two open ones are overdue all the same: announced once each
    assert result.overdue_events == 2
    assert await ReminderSent.filter(offset__startswith="overdue-event").count() == 2


async def test_reminders_off_send_nothing(
    db: TortoiseContext, world: World, settings: Settings, clock: FakeClock
) -> None:
    await _assign(world, 1, 1, timedelta(days=1))
    clock.advance(2 * 86400)
    result = await reminders.scan(
        settings=settings.replace(reminder_offsets=NO_OFFSETS), clock=clock
    )
    assert result == reminders.ScanResult()


async def test_the_weekly_mails_go_once_per_week_even_to_racing_runs(
    db: TortoiseContext, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given an admin subscribed to both, twice (idempotent), and one overdue employee
    for kind in report_subscriptions.ReportKind:
        await report_subscriptions.subscribe(world.admin_x, kind, clock=clock)
        await report_subscriptions.subscribe(world.admin_x, kind, clock=clock)
    assert await ReportSubscription.filter(user_id=world.admin_x.id).count() == 2
    await Enrollment.create(
        learner=world.employee_x,
        course=world.course.course,
        source=EnrollmentSource.ASSIGNED,
        company=world.company_x,
        due_at=clock() + timedelta(hours=1),
    )
    clock.advance(2 * 3600)
    # when three runs race, and again later the same week
    results = await asyncio.gather(
        *(report_subscriptions.send_weekly(settings=settings, clock=clock) for _ in range(3))
    )
    clock.advance(2 * 86400)
    assert await report_subscriptions.send_weekly(settings=settings, clock=clock) == 0
    # then two mails in all (one of each kind); and again next week
    assert sum(results) == 2
    mails = await Job.filter(kind="mail.send").order_by("id")
    texts = {str(m.payload["subject"]): str(m.payload["text"]) for m in mails}
    digest = next(t for s, t in texts.items() if s.startswith("Weekly digest"))
    assert "Émma Núñez: 1 overdue course" in digest
    assert "https://llp.example/admin/progress?overdue=1&people=active" in digest
    compliance = next(t for s, t in texts.items() if s.startswith("Weekly compliance"))
    assert "https://llp.example/admin/reports/compliance" in compliance
    assert "Émma" not in compliance  # a summary and a link: no personal data
    clock.advance(7 * 86400)
    assert await report_subscriptions.send_weekly(settings=settings, clock=clock) == 2


async def test_only_active_company_admins_subscribe_and_receive(
    db: TortoiseContext, world: World, settings: Settings, clock: FakeClock
) -> None:
    for viewer in (world.employee_x, world.staff, world.individual_a):
        with pytest.raises(Forbidden):
            await report_subscriptions.subscribe(
                viewer, report_subscriptions.ReportKind.DIGEST, clock=clock
            )
        assert await report_subscriptions.subscriptions_of(viewer) == []
    await report_subscriptions.subscribe(
        world.admin_x, report_subscriptions.ReportKind.DIGEST, clock=clock
    )
    # an admin who is then demoted gets nothing
    await User.filter(id=world.admin_x.id).update(role="LEARNER")
    assert await report_subscriptions.send_weekly(settings=settings, clock=clock) == 0
    assert (
        await report_subscriptions.unsubscribe(
            world.admin_y, report_subscriptions.ReportKind.DIGEST
        )
        is False
    )


async def test_every_workers_round_queues_one_scan_and_one_report_run_per_hour(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    # when two workers' housekeeping rounds run in the same hour, and one the next hour
    await housekeeping.round_of_work(clock=clock, settings=settings)
    await housekeeping.round_of_work(clock=clock, settings=settings)
    clock.advance(3600)
    await housekeeping.round_of_work(clock=clock, settings=settings)
    # then one job of each kind per hour
    assert await Job.filter(kind=reminders.SCAN_JOB).count() == 2
    assert await Job.filter(kind=report_subscriptions.WEEKLY_JOB).count() == 2


async def test_old_mail_days_are_forgotten_today_s_are_kept(
    db: TortoiseContext, world: World, clock: FakeClock
) -> None:
    today = clock().date()
    for back in (0, 1, 2, 30):
        await ReminderDay.create(user=world.employee_x, day=today - timedelta(days=back))
    assert await reminders.prune_days(clock()) == 2
    assert sorted(await ReminderDay.all().values_list("day", flat=True)) == [
        today - timedelta(days=1),
        today,
    ]


async def test_a_scan_in_small_chunks_mails_everyone_once(
    db: TortoiseContext, world: World, settings: Settings, clock: FakeClock
) -> None:
    # given 10 people with two courses each, scanned 3 people at a time
    await _assign(world, 10, 2, timedelta(days=7))
    result = await reminders.scan(settings=settings, clock=clock, chunk_size=3)
    # then each person got one mail naming both courses, each reminder once
    assert (result.mails, result.reminders) == (10, 20)
    mails = await Job.filter(kind="mail.send")
    assert len({m.key for m in mails}) == 10
    assert all(str(m.payload["subject"]) == "Reminder: 2 courses to finish" for m in mails)


async def test_five_scans_at_once_send_each_reminder_once_in_one_mail_each(
    db: TortoiseContext,
    world: World,
    settings: Settings,
    clock: FakeClock,
    lingering_scans: None,
) -> None:
    # given 6 people with two courses each, due in a week
    await _assign(world, 6, 2, timedelta(days=7))
    # when five scans run at the same moment (each reads before any writes)
    results = await asyncio.gather(
        *(reminders.scan(settings=settings, clock=clock) for _ in range(5))
    )
    # then 6 mails and 12 reminders in all, whoever sent them
    assert sum(r.mails for r in results) == 6
    assert sum(r.reminders for r in results) == 12
    assert await Job.filter(kind="mail.send").count() == 6
    assert await ReminderSent.filter(offset__startswith="before:7d").count() == 12
