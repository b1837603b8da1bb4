"""The compliance report's rows (domain/reports.py): the same facts as the matrix, the
matrix's filters, the company's rows only, keyset batches of a fixed statement count."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from llp_gql.domain import progress, reports
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.deadlines import is_overdue
from llp_gql.domain.matrix_filter import MatrixFilter, filtered_people, parse_matrix_filter
from llp_gql.domain.state import EnrollmentStatus
from llp_gql.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed
from llp_gql.models import (
    Certificate,
    Enrollment,
    EnrollmentSource,
    Group,
    LessonProgress,
    LessonStatus,
    User,
)
from tests.api.test_query_counts import QueryLog
from tests.api.test_query_counts import queries as queries  # the SQL-counting fixture
from tests.factories import World, make_course, make_user


async def _assign(world: World, learner: User, **fields: object) -> Enrollment:
    return await Enrollment.create(
        learner=learner,
        course=world.course.course,
        source=EnrollmentSource.ASSIGNED,
        assigned_by=world.admin_x,
        company_id=world.company_x.id,
        **fields,
    )


async def _all_rows(report: reports.ComplianceReport, batch: int = 1000) -> list[reports.ReportRow]:
    rows: list[reports.ReportRow] = []
    async for chunk in reports.report_batches(report, batch=batch):
        assert 0 < len(chunk) <= batch
        rows.extend(chunk)
    return rows


async def _report(
    world: World, clock: FakeClock, selection: MatrixFilter | None = None
) -> reports.ComplianceReport:
    return await reports.compliance_report(world.admin_x, selection or MatrixFilter(), now=clock())


@pytest.fixture
async def varied(world: World, clock: FakeClock) -> dict[str, Enrollment]:
    """Company X's assignments in every state, a leaver, a group; and rows of others."""
    lessons = world.course.lessons
    sales = await Group.create(company=world.company_x, name="Sales")
    world.employee_x.group_id = sales.id
    await world.employee_x.save()
    done = await _assign(world, world.employee_x, completed_at=clock())
    for lesson in lessons:
        _ = await LessonProgress.create(
            enrollment=done, lesson=lesson, status=LessonStatus.COMPLETED, completed_at=clock()
        )
    _ = await Certificate.create(
        enrollment=done,
        verification_code="=HYPERLINK(code)",  # hostile text must come out inert
        learner_name="x",
        learner_email="x@x",
        course_title="t",
        issued_at=clock(),
        template_version=1,
        pdf=b"%PDF",
        sha256="0" * 64,
    )
    halfway = await _assign(world, world.employee_x2, due_at=clock() - timedelta(days=1))
    _ = await LessonProgress.create(
        enrollment=halfway, lesson=lessons[0], status=LessonStatus.COMPLETED, completed_at=clock()
    )
    _ = await LessonProgress.create(enrollment=halfway, lesson=lessons[1])  # started, not done
    leaver = await make_user("lea@acme.example", name="Lea Left", company=world.company_x)
    leaver.deactivated_at = clock()
    await leaver.save()
    untouched = await _assign(world, leaver, due_at=clock() + timedelta(days=3))
    granted_only = await make_user("gia@acme.example", name="Gia Granted", company=world.company_x)
    # A quiz row made by an admin's grant, before any attempt: it counts as started.
    granted = await _assign(world, granted_only)
    _ = await LessonProgress.create(enrollment=granted, lesson=world.course.quiz, extra_attempts=1)
    # Not company X's: another company's assignment, and a self-enrollment.
    _ = await Enrollment.create(
        learner=world.employee_y,
        course=world.course.course,
        source=EnrollmentSource.ASSIGNED,
        company_id=world.company_y.id,
    )
    _ = await Enrollment.create(
        learner=world.individual_a, course=world.course.course, source=EnrollmentSource.SELF
    )
    return {"done": done, "halfway": halfway, "untouched": untouched, "granted": granted}


async def test_each_row_says_what_the_matrix_says_of_that_assignment(
    world: World, clock: FakeClock, varied: dict[str, Enrollment]
) -> None:
    rows = await _all_rows(await _report(world, clock))
    # only company X's four assignments, grouped by person (in the order people were added)
    assert [r.enrollment_id for r in rows] == [
        e.id for e in sorted(varied.values(), key=lambda e: (e.learner_id, e.course_id))
    ]
    states = await progress.load_states(list(varied.values()))
    for row in rows:
        enrollment = next(e for e in varied.values() if e.id == row.enrollment_id)
        assert row.status == states[enrollment.id].status
        assert row.progress_percent == states[enrollment.id].progress_percent
        assert row.overdue == is_overdue(enrollment, clock())
        assert row.due_at == enrollment.due_at
    by_id = {r.enrollment_id: r for r in rows}
    done = by_id[varied["done"].id]
    assert (done.status, done.progress_percent, done.group) == (
        EnrollmentStatus.COMPLETED,
        100.0,
        "Sales",
    )
    assert done.certificate_code == "=HYPERLINK(code)"
    assert done.completed_at is not None
    halfway = by_id[varied["halfway"].id]
    assert halfway.status == EnrollmentStatus.IN_PROGRESS
    assert halfway.progress_percent == 25.0  # 1 of 4 lessons
    assert halfway.overdue
    untouched = by_id[varied["untouched"].id]
    assert untouched.status == EnrollmentStatus.NOT_STARTED
    assert (untouched.active, untouched.overdue, untouched.certificate_code) == (False, False, None)
    assert by_id[varied["granted"].id].status == EnrollmentStatus.IN_PROGRESS


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "acme.example"},
        {"q": "ÉMMA"},
        {"q": "nobody"},
        {"people": "active"},
        {"people": "left"},
        {"overdue": "1"},
        {"overdue": "1", "people": "active", "q": "ed"},
        {"group": "GROUP"},
    ],
)
async def test_the_filters_keep_the_people_the_matrix_keeps(
    world: World, clock: FakeClock, varied: dict[str, Enrollment], params: dict[str, str]
) -> None:
    if params.get("group") == "GROUP":
        group = await Group.get(company_id=world.company_x.id)
        params = {"group": str(group.id)}
    selection = parse_matrix_filter(params, strict=True)
    rows = await _all_rows(await _report(world, clock, selection))
    matrix_people = set(
        await filtered_people(world.admin_x, world.company_x.id, selection, clock()).values_list(
            "id", flat=True
        )
    )
    expected = [
        e
        for e in await Enrollment.filter(company_id=world.company_x.id)
        if e.learner_id in matrix_people and (not selection.overdue_only or is_overdue(e, clock()))
    ]
    assert {r.enrollment_id for r in rows} == {e.id for e in expected}
    if selection.overdue_only:
        assert rows
        assert all(r.overdue for r in rows)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group": "sales"}, "group"),
        ({"group": "-1"}, "group"),
        ({"group": "99999999999999"}, "group"),
        ({"overdue": "yes"}, "overdue"),
        ({"people": "everyone"}, "people"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_a_value_that_cannot_be_read_is_refused_strictly_and_ignored_leniently(
    params: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _ = parse_matrix_filter(params, strict=True)
    assert refused.value.field == field
    assert parse_matrix_filter(params).query_items() == ([("q", "x" * 100)] if field == "q" else [])


async def test_only_the_companys_admins_get_a_report(
    world: World, clock: FakeClock, varied: dict[str, Enrollment]
) -> None:
    for outsider in (world.staff, world.employee_x, world.individual_a):
        with pytest.raises(Forbidden):
            _ = await reports.compliance_report(outsider, MatrixFilter(), now=clock())
    with pytest.raises(Unauthenticated):
        _ = await reports.compliance_report(None, MatrixFilter(), now=clock())
    theirs = await Group.create(company=world.company_y, name="Theirs")
    with pytest.raises(NotFound):
        _ = await _report(world, clock, MatrixFilter(group_id=theirs.id))
    # and company Y's admin sees company Y's one row, none of X's
    rows = await _all_rows(
        await reports.compliance_report(world.admin_y, MatrixFilter(), now=clock())
    )
    assert [r.email for r in rows] == [world.employee_y.email]


async def test_batch_edges_within_one_person_lose_and_repeat_nothing(
    world: World, clock: FakeClock
) -> None:
    courses = [world.course.course] + [(await make_course(f"Course {n}")).course for n in range(4)]
    for course in courses:
        _ = await Enrollment.create(
            learner=world.employee_x,
            course=course,
            source=EnrollmentSource.ASSIGNED,
            company_id=world.company_x.id,
        )
    report = await _report(world, clock)
    for batch in (1, 2, 3, 5, 6):
        rows = await _all_rows(report, batch=batch)
        assert [r.course for r in rows] == [c.title for c in courses]


async def test_same_names_across_batch_edges_lose_and_repeat_nothing(
    world: World, clock: FakeClock
) -> None:
    people = [
        await make_user(f"same{n}@acme.example", name="Sam Same", company=world.company_x)
        for n in range(7)
    ]
    enrollments = [await _assign(world, p) for p in people]
    report = await _report(world, clock)
    for batch in (1, 2, 3, 7, 8):
        rows = await _all_rows(report, batch=batch)
        assert [r.enrollment_id for r in rows] == [e.id for e in enrollments]
    first = [chunk async for chunk in reports.report_batches(report, batch=2, limit=3)]
    assert [len(chunk) for chunk in first] == [2, 1]
    assert await reports.count_rows(report) == 7


async def _bulk(world: World, count: int) -> None:
    """``count`` assignments of company X, one per new person, a few with progress."""
    users = [
        User(
            email=f"bulk{n}@acme.example",
            name=f"Bulk {n:05d}",
            password_hash="x",
            account_type="EMPLOYEE",
            role="LEARNER",
            company_id=world.company_x.id,
        )
        for n in range(count)
    ]
    await User.bulk_create(users, batch_size=500)
    ids = await User.filter(email__startswith="bulk").values_list("id", flat=True)
    await Enrollment.bulk_create(
        [
            Enrollment(
                learner_id=learner_id,
                course_id=world.course.course.id,
                source=EnrollmentSource.ASSIGNED,
                company_id=world.company_x.id,
            )
            for learner_id in ids
        ],
        batch_size=500,
    )


@pytest.mark.parametrize(("count", "batch"), [(0, 4), (3, 4), (4, 4), (9, 4), (20, 5)])
async def test_statements_are_fixed_plus_a_fixed_number_per_batch(
    world: World, clock: FakeClock, queries: QueryLog, count: int, batch: int
) -> None:
    await _bulk(world, count)
    queries.statements.clear()
    queries.active = True
    try:
        rows = await _all_rows(await _report(world, clock), batch=batch)
    finally:
        queries.active = False
    assert len(rows) == count
    per_batch = reports.STATEMENTS_PER_BATCH * math.ceil(count / batch)
    expected = reports.FIXED_STATEMENTS + (per_batch if count else 1)
    assert len(queries.statements) == expected, str(queries)
    # no statement reads the company unbounded: every read of rows carries a LIMIT
    rows_sql = [s for s in queries.statements if 'FROM "enrollment"' in s and "COUNT" not in s]
    assert all("LIMIT" in s for s in rows_sql), str(queries)


async def test_a_group_filter_costs_one_statement_more(
    world: World, clock: FakeClock, queries: QueryLog
) -> None:
    group = await Group.create(company=world.company_x, name="G")
    await _bulk(world, 6)
    await User.filter(email__startswith="bulk").update(group_id=group.id)
    queries.statements.clear()
    queries.active = True
    try:
        rows = await _all_rows(await _report(world, clock, MatrixFilter(group_id=group.id)), 4)
    finally:
        queries.active = False
    assert len(rows) == 6
    assert len(queries.statements) == (
        1 + reports.FIXED_STATEMENTS + 2 * reports.STATEMENTS_PER_BATCH
    ), str(queries)


def test_the_raw_sql_names_the_completed_status_as_stored() -> None:
    assert LessonStatus.COMPLETED.value in str(reports.COUNTS["lessons_done"].sql)


async def test_changes_while_a_report_streams_never_repeat_or_lose_an_untouched_row(
    world: World, clock: FakeClock
) -> None:
    people = [
        await make_user(f"r{n}@acme.example", name=f"R {n}", company=world.company_x)
        for n in range(6)
    ]
    rows_at_start = [await _assign(world, p) for p in people]
    other = (await make_course("Other")).course
    seen: list[reports.ReportRow] = []
    async for chunk in reports.report_batches(await _report(world, clock), batch=2):
        if not seen:  # after the first batch: people 0 and 1 read, 2-5 not yet
            await rows_at_start[3].delete()  # removed before it was read
            _ = await Enrollment.create(  # a new course for someone already passed
                learner=people[0],
                course=other,
                source=EnrollmentSource.ASSIGNED,
                company_id=world.company_x.id,
            )
            late = await Enrollment.create(  # and for someone still ahead
                learner=people[4],
                course=other,
                source=EnrollmentSource.ASSIGNED,
                company_id=world.company_x.id,
            )
            await Enrollment.filter(id=rows_at_start[5].id).update(completed_at=clock())
        seen.extend(chunk)
    ids = [r.enrollment_id for r in seen]
    assert len(ids) == len(set(ids))  # nothing twice
    untouched = {e.id for n, e in enumerate(rows_at_start) if n != 3}
    assert untouched <= set(ids)  # nothing lost
    assert rows_at_start[3].id not in ids
    assert late.id in ids  # ahead of the keyset: read in its turn
    done = next(r for r in seen if r.enrollment_id == rows_at_start[5].id)
    assert done.status == EnrollmentStatus.COMPLETED  # read after the change
