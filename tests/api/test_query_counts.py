"""B4: database queries per GraphQL request do not grow with the length of a list.

Every statement the Tortoise client sends (``execute_query``, ``execute_query_dict``,
``execute_insert``, ``execute_many``) is counted during one HTTP request, the bearer
token's lookup included. The same request at 10 and at 50 items must cost the same,
and the learner dashboard (B1) and the catalogue (B3) at most 5.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
from tortoise.backends.base.client import BaseDBAsyncClient

from llp_gql.domain import groups as domain_groups
from llp_gql.domain.clock import FakeClock
from llp_gql.models import (
    Certificate,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
    User,
)
from llp_gql.settings import Settings
from tests.factories import World, make_user
from tests.gql import gid, ok, token_for

METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many")
BOUND = 5


def _print_b4(capsys: pytest.CaptureFixture[str], name: str, at_10: int, at_50: int) -> None:
    """The B4 figure of BENCHMARKS.md, in the test log (the test asserts the target)."""
    with capsys.disabled():
        print(f"\nB4: {name} 10→{at_10} 50→{at_50} queries")


_inside = contextvars.ContextVar("inside_counted_call", default=False)


class QueryLog:
    """SQL sent while ``active``; calls nested in a counted call count once."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.active = False

    def wrap(self, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        async def counted(client: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            if _inside.get():
                return await method(client, query, *args, **kwargs)
            if self.active:
                self.statements.append(" ".join(str(query).split()))
            token = _inside.set(True)
            try:
                return await method(client, query, *args, **kwargs)
            finally:
                _inside.reset(token)

        return counted

    def __str__(self) -> str:
        return "\n".join(f"  {i}. {sql[:300]}" for i, sql in enumerate(self.statements, 1))


def _client_classes() -> Iterator[type]:
    todo: list[type] = [BaseDBAsyncClient]
    while todo:
        cls = todo.pop()
        yield cls
        todo.extend(cls.__subclasses__())


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> QueryLog:
    log = QueryLog()
    for cls in _client_classes():
        for name in METHODS:
            if name in cls.__dict__:
                monkeypatch.setattr(cls, name, log.wrap(cls.__dict__[name]))
    return log


async def count(
    queries: QueryLog, client: httpx.AsyncClient, query: str, token: str | None
) -> tuple[int, dict[str, Any]]:
    queries.statements.clear()
    queries.active = True
    try:
        data = await ok(client, query, token=token)
    finally:
        queries.active = False
    return len(queries.statements), data


# -- data: many courses, enrollments with some progress and some certificates ------------


@dataclass
class Bulk:
    courses: list[Course]
    learner_10: User
    learner_50: User


async def _courses(n: int) -> list[Course]:
    courses = [
        await Course.create(title=f"Course {i}", status=CourseStatus.PUBLISHED) for i in range(n)
    ]
    await Lesson.bulk_create(
        [
            Lesson(
                course=course,
                position=position,
                kind=kind,
                title=f"{kind.title()} {position}",
                duration_seconds=60.0 if kind == LessonKind.VIDEO else None,
                passing_score_percent=50 if kind == LessonKind.QUIZ else None,
            )
            for course in courses
            for position, kind in enumerate(
                (LessonKind.VIDEO, LessonKind.READING, LessonKind.ACTIVITY, LessonKind.QUIZ), 1
            )
        ]
    )
    return courses


async def _enroll(
    learners: list[User], courses: list[Course], clock: FakeClock, company_admin: User | None = None
) -> list[Enrollment]:
    """One enrollment per (learner, course) pair; every other one has progress and every
    third one a (dummy-PDF) certificate."""
    enrollments = []
    for i, (learner, course) in enumerate(zip(learners, courses, strict=True)):
        enrollments.append(
            await Enrollment.create(
                learner=learner,
                course=course,
                source=EnrollmentSource.ASSIGNED if company_admin else EnrollmentSource.SELF,
                assigned_by=company_admin,
                company_id=company_admin.company_id if company_admin else None,
                completed_at=clock.now if i % 3 == 0 else None,
            )
        )
    lessons = {
        lesson.course_id: lesson
        for lesson in await Lesson.filter(course_id__in=[c.id for c in courses], position=2)
    }
    await LessonProgress.bulk_create(
        [
            LessonProgress(
                enrollment=e,
                lesson=lessons[e.course_id],
                status=LessonStatus.COMPLETED,
                completed_at=clock.now,
            )
            for i, e in enumerate(enrollments)
            if i % 2 == 0
        ]
    )
    await Certificate.bulk_create(
        [
            Certificate(
                enrollment=e,
                verification_code=f"CODE-{e.id}",
                learner_name="Learner",
                learner_email="learner@example.com",
                course_title="Course",
                issued_at=clock.now,
                template_version=1,
                pdf=b"%PDF-1.4 dummy",
                sha256=hashlib.sha256(b"%PDF-1.4 dummy").hexdigest(),
            )
            for i, e in enumerate(enrollments)
            if i % 3 == 0
        ]
    )
    return enrollments


@pytest_asyncio.fixture
async def bulk(world: World, clock: FakeClock) -> Bulk:
    courses = await _courses(50)
    learner_10 = await make_user("ten@mail.example")
    learner_50 = await make_user("fifty@mail.example")
    await _enroll([learner_10] * 10, courses[:10], clock)
    await _enroll([learner_50] * 50, courses, clock)
    employees = [
        await make_user(f"staffer{i}@acme.example", company=world.company_x) for i in range(50)
    ]
    await _enroll(employees, courses, clock, company_admin=world.admin_x)
    return Bulk(courses, learner_10, learner_50)


# -- the counts ----------------------------------------------------------------------------

DASHBOARD = """{ myEnrollments { status progressPercent lessons { status lesson { title } }
  blockers { reason detail } certificate { id canDownload } course { title } } }"""
CATALOGUE = """{ courses(first: %d) { edges { node { title lessons { title kind } } }
  totalCount } }"""
COMPANY = """{ company { enrollments(first: %d) { edges { node { learner { name } status
  certificate { id } } } } } }"""


async def dashboard_counts(
    client: httpx.AsyncClient, bulk: Bulk, settings: Settings, queries: QueryLog
) -> list[tuple[int, str]]:
    """(queries, their SQL) of the dashboard of learners with 10 and with 50 enrollments."""
    counts = []
    for learner, size in ((bulk.learner_10, 10), (bulk.learner_50, 50)):
        token = await token_for(learner, settings)
        n, data = await count(queries, client, DASHBOARD, token)
        assert len(data["myEnrollments"]) == size
        assert sum(e["certificate"] is not None for e in data["myEnrollments"]) == (size + 2) // 3
        counts.append((n, str(queries)))
    return counts


async def test_learner_dashboard_costs_the_same_for_10_and_50_enrollments(
    client: httpx.AsyncClient,
    bulk: Bulk,
    settings: Settings,
    queries: QueryLog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given learners with 10 and with 50 enrollments (progress and certificates on some)
    # when each loads their dashboard
    (n10, sql10), (n50, sql50) = await dashboard_counts(client, bulk, settings, queries)
    _print_b4(capsys, "myEnrollments", n10, n50)
    # then the number of queries does not depend on the number of enrollments
    assert n10 == n50, f"10:\n{sql10}\n50:\n{sql50}"


async def test_learner_dashboard_stays_within_the_bound(
    client: httpx.AsyncClient, bulk: Bulk, settings: Settings, queries: QueryLog
) -> None:
    # (6 before 1f9c1fd, which joined the course into the enrollment query)
    [_, (n50, sql50)] = await dashboard_counts(client, bulk, settings, queries)
    assert n50 <= BOUND, f"{n50} queries:\n{sql50}"


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "learner"])
async def test_catalogue_costs_the_same_for_10_and_50_courses(
    client: httpx.AsyncClient,
    bulk: Bulk,
    settings: Settings,
    queries: QueryLog,
    logged_in: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given 51 published courses of 4 lessons
    token = await token_for(bulk.learner_10, settings) if logged_in else None
    # Anonymous requests are counted per address (2 statements; 3 for the first of a
    # minute, which creates the counter): open this minute's counter first.
    await count(queries, client, CATALOGUE % 1, token)
    counts = []
    for size in (10, 50):
        # when a page of 10 and a page of 50 are read, with every lesson's title
        n, data = await count(queries, client, CATALOGUE % size, token)
        assert len(data["courses"]["edges"]) == size
        assert all(len(e["node"]["lessons"]) == 4 for e in data["courses"]["edges"])
        counts.append((n, str(queries)))
    name = f"courses ({'learner' if logged_in else 'anonymous'})"
    _print_b4(capsys, name, counts[0][0], counts[1][0])
    # then both cost the same, within the bound
    assert counts[0][0] == counts[1][0], f"10:\n{counts[0][1]}\n50:\n{counts[1][1]}"
    assert counts[1][0] <= BOUND, f"{counts[1][0]} queries:\n{counts[1][1]}"


async def test_company_enrollments_cost_the_same_for_10_and_50(
    client: httpx.AsyncClient,
    bulk: Bulk,
    world: World,
    settings: Settings,
    queries: QueryLog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a company with 50 assigned enrollments
    token = await token_for(world.admin_x, settings)
    counts = []
    for size in (10, 50):
        # when its admin reads a page of 10 and a page of 50
        n, data = await count(queries, client, COMPANY % size, token)
        assert len(data["company"]["enrollments"]["edges"]) == size
        counts.append((n, str(queries)))
    _print_b4(capsys, "company.enrollments", counts[0][0], counts[1][0])
    # then both cost the same
    assert counts[0][0] == counts[1][0], f"10:\n{counts[0][1]}\n50:\n{counts[1][1]}"


async def test_the_counter_sees_every_statement(bulk: Bulk, queries: QueryLog) -> None:
    """The counter can fail: a request that loads lessons one course at a time would show."""
    queries.active = True
    for course in bulk.courses[:3]:
        await Lesson.filter(course_id=course.id)
    await Course.filter(id=bulk.courses[0].id).update(title="Renamed")
    queries.active = False
    assert len(queries.statements) == 4
    assert queries.statements[0].upper().startswith("SELECT")
    assert queries.statements[-1].upper().startswith("UPDATE")


GROUPED = """{ company { groups { name memberCount }
  enrollments(first: %d, overdue: false) { edges { node { dueAt isOverdue
    learner { group { name memberCount } } } } }
  one: enrollments(first: 5, groupId: "%s") { totalCount } } }"""


async def test_groups_due_dates_and_overdue_cost_the_same_for_2_and_50_rows(
    client: httpx.AsyncClient,
    bulk: Bulk,
    world: World,
    settings: Settings,
    queries: QueryLog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given the company's 50 employees spread over 5 groups, every enrollment due later

    made = [
        await domain_groups.create_group(world.admin_x, f"Group {i}", max_groups=10)
        for i in range(5)
    ]
    staff = await User.filter(email__startswith="staffer").order_by("id")
    for i, person in enumerate(staff):
        await User.filter(id=person.id).update(group_id=made[i % 5].id)
    await Enrollment.filter(company_id=world.company_x.id).update(due_at=clock_later())
    token = await token_for(world.admin_x, settings)
    counts = []
    for size in (2, 50):
        # when its admin reads a page with group names, counts, due dates and overdue
        n, data = await count(queries, client, GROUPED % (size, gid("Group", made[0].id)), token)
        assert len(data["company"]["enrollments"]["edges"]) == size
        assert len(data["company"]["groups"]) == 5
        assert data["company"]["one"]["totalCount"] == 10
        counts.append((n, str(queries)))
    with capsys.disabled():
        print(f"\nB4: groups, dueAt, isOverdue, filters 2→{counts[0][0]} 50→{counts[1][0]} queries")
    # then both cost the same: no query per row (2 rows meet 2 groups, 50 rows all 5)
    assert counts[0][0] == counts[1][0], f"small:\n{counts[0][1]}\nlarge:\n{counts[1][1]}"


def clock_later() -> datetime:
    return datetime(2030, 1, 1, tzinfo=UTC)
