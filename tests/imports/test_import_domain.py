"""Preview and apply against the database: outcomes, all-or-nothing, idempotency, audit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from llp_gql.domain import audit, invitations, queue
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.imports import Assignment, ImportFileError, Outcome, Reason, import_csv
from llp_gql.errors import Forbidden
from llp_gql.models import (
    AuditEvent,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Group,
    Job,
    User,
)
from llp_gql.schema.ids import encode_id
from llp_gql.settings import Settings
from tests.factories import World, make_user
from tests.imports.helpers import csv_text

pytestmark = pytest.mark.asyncio


async def run(world: World, text: str, *, dry_run: bool, clock: FakeClock, settings: Settings):  # type: ignore[no-untyped-def]
    return await import_csv(world.admin_x, text, dry_run=dry_run, settings=settings, clock=clock)


async def test_every_person_outcome(world: World, clock: FakeClock, settings: Settings) -> None:
    left = await make_user("left@acme.example", company=world.company_x)
    left.deactivated_at = clock()
    await left.save()
    ops = await Group.create(company=world.company_x, name="Operations")
    world.employee_x2.group_id = ops.id
    await world.employee_x2.save()
    course = world.course.course
    text = csv_text(
        "new@acme.example,New Person,Sales,,",
        f"emma@acme.example,{world.employee_x.name},,,",  # same name, no group: unchanged
        "ed@acme.example,Ed Renamed,operations,,",  # existing group, other case: same group
        f"{world.employee_y.email},Gus,,,",  # another company
        f"{world.individual_a.email},Ann,,,",  # an individual account
        "left@acme.example,Left,,,",
        f"new2@acme.example,N2,,{course.title};No Such Course,",
        "new3@acme.example,N3,,Draft course,",
        f"new4@acme.example,N4,sales,{encode_id('Course', course.id)},2026-02-01",
    )
    preview = await run(world, text, dry_run=True, clock=clock, settings=settings)
    outcomes = [(r.outcome, r.reason) for r in preview.rows]
    assert outcomes == [
        (Outcome.NEW, None),
        (Outcome.UNCHANGED, None),
        (Outcome.UPDATED, None),
        (Outcome.ERROR, Reason.OTHER_COMPANY),
        (Outcome.ERROR, Reason.OTHER_COMPANY),
        (Outcome.ERROR, Reason.DEACTIVATED),
        (Outcome.ERROR, Reason.UNKNOWN_COURSE),
        (Outcome.ERROR, Reason.UNKNOWN_COURSE),
        (Outcome.NEW, None),
    ]
    # Another company is never named, and an individual reads the same.
    assert preview.rows[3].message == preview.rows[4].message
    assert world.company_y.name not in preview.rows[3].message
    assert "reactivate" in preview.rows[5].message
    assert preview.rows[2].group == "Operations"
    assert preview.rows[8].group == "Sales"  # the first spelling of a new group wins
    assert preview.new_groups == ["Sales"]
    assert [c.title for c in preview.rows[8].courses] == [course.title]
    totals = preview.totals
    assert (totals.rows, totals.new, totals.updated, totals.unchanged, totals.errors) == (
        9, 2, 1, 1, 5,
    )  # fmt: skip
    assert await User.filter(email="new@acme.example").count() == 0  # a preview stores nothing


async def test_apply_refuses_a_file_with_errors_and_stores_nothing(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    text = csv_text("new@acme.example,New,Sales,,", "bad,Bad,,,")
    with pytest.raises(ImportFileError) as caught:
        _ = await run(world, text, dry_run=False, clock=clock, settings=settings)
    assert caught.value.reason == "HAS_ERRORS"
    assert await User.filter(email="new@acme.example").count() == 0
    assert await Group.filter(name="Sales").count() == 0
    assert await Job.all().count() == 0


async def test_apply_then_apply_again_is_unchanged(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    course = world.course.course
    await Enrollment.create(
        learner=world.employee_x, course=course, source=EnrollmentSource.ASSIGNED,
        company=world.company_x,
    )  # fmt: skip
    text = csv_text(
        f"new@acme.example,New Person,Sales,{course.title},2026-02-01",
        f"emma@acme.example,Emma Renamed,Sales,{course.title},",
        "ed@acme.example,Ed,,,",
    )
    result = await run(world, text, dry_run=False, clock=clock, settings=settings)
    assert result.applied
    assert [r.outcome for r in result.rows] == [Outcome.NEW, Outcome.UPDATED, Outcome.UNCHANGED]
    assert [c.assignment for c in result.rows[1].courses] == [Assignment.ALREADY_ASSIGNED]
    new = await User.get(email="new@acme.example")
    assert new.password_hash == invitations.PENDING
    assert invitations.is_pending(new)
    assert new.company_id == world.company_x.id
    assert new.account_type.value == "EMPLOYEE"
    sales = await Group.get(company=world.company_x, name="Sales")
    assert new.group_id == sales.id
    emma = await User.get(id=world.employee_x.id)
    assert (emma.name, emma.group_id) == ("Emma Renamed", sales.id)
    ed = await User.get(id=world.employee_x2.id)
    assert ed.group_id is None
    enrollment = await Enrollment.get(learner_id=new.id, course_id=course.id)
    assert enrollment.source == EnrollmentSource.ASSIGNED
    assert enrollment.assigned_by_id == world.admin_x.id
    assert enrollment.due_at == datetime(2026, 2, 1, 23, 59, 59, tzinfo=UTC)
    jobs = await Job.filter(kind=invitations.INVITE_JOB)
    assert [j.payload["user_id"] for j in jobs] == [new.id]
    imported = await AuditEvent.get(action=audit.EMPLOYEES_IMPORTED)
    assert imported.company_id == world.company_x.id
    assert imported.details["new"] == 1
    assert imported.details["updated"] == 1
    assigned = await AuditEvent.filter(action=audit.ASSIGNED)
    assert [(e.subject_id, e.details["learner_email"]) for e in assigned] == [
        (enrollment.id, "new@acme.example")
    ]

    again = await run(world, text, dry_run=False, clock=clock, settings=settings)
    assert [r.outcome for r in again.rows] == [Outcome.UNCHANGED] * 3
    assert {c.assignment for r in again.rows for c in r.courses} == {Assignment.ALREADY_ASSIGNED}
    assert await User.filter(email="new@acme.example").count() == 1
    assert await Job.filter(kind=invitations.INVITE_JOB).count() == 1
    assert await Group.filter(company=world.company_x).count() == 1
    assert await Enrollment.filter(course_id=course.id).count() == 2


async def test_a_failure_midway_rolls_everything_back(
    world: World, clock: FakeClock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The invitations are enqueued after people, groups and enrollments are written: a
    failure there must undo all of them."""

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the queue table is gone")

    monkeypatch.setattr(queue, "enqueue_many", broken)
    course = world.course.course
    text = csv_text(
        f"new@acme.example,New,Sales,{course.title},", "emma@acme.example,Emma Renamed,Sales,,"
    )
    with pytest.raises(RuntimeError):
        _ = await run(world, text, dry_run=False, clock=clock, settings=settings)
    assert await User.filter(email="new@acme.example").count() == 0
    assert (await User.get(id=world.employee_x.id)).name == world.employee_x.name
    assert await Group.all().count() == 0
    assert await Enrollment.all().count() == 0
    assert await AuditEvent.all().count() == 0


async def test_only_company_admins_import(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    for who in (world.employee_x, world.staff, world.individual_a):
        with pytest.raises(Forbidden):
            _ = await import_csv(
                who, csv_text("n@x.example,N,,,"), dry_run=True, settings=settings, clock=clock
            )


async def test_ambiguous_and_unpublished_titles(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    await Course.create(title="Twice", status=CourseStatus.PUBLISHED)
    await Course.create(title="Twice", status=CourseStatus.PUBLISHED)
    archived = await Course.create(title="Old", status=CourseStatus.ARCHIVED)
    text = csv_text(
        "a@acme.example,A,,Twice,",
        f"b@acme.example,B,,{encode_id('Course', archived.id)},",
        f"c@acme.example,C,,{encode_id('Course', world.draft.id)},",
    )
    preview = await run(world, text, dry_run=True, clock=clock, settings=settings)
    assert [r.reason for r in preview.rows] == [Reason.UNKNOWN_COURSE] * 3
    assert "Several" in preview.rows[0].message


async def test_enqueue_many_batches_and_skips_known_keys(world: World) -> None:
    from tortoise.transactions import in_transaction

    await queue.enqueue("k", {"n": 0}, key="key-1")
    async with in_transaction() as connection:
        await queue.enqueue_many(
            "k",
            [(f"key-{n}", {"n": n}) for n in range(1, 6)],
            connection=connection,
            batch_size=2,
        )
    jobs = await Job.filter(kind="k").order_by("key")
    assert [(j.key, j.payload["n"]) for j in jobs] == [
        ("key-1", 0),  # already there: kept as it was
        ("key-2", 2),
        ("key-3", 3),
        ("key-4", 4),
        ("key-5", 5),
    ]
