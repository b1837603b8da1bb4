"""The compliance report (DESIGN.md section 4c, "Reports"): one row per assignment of
the admin's company, with the matrix's filters, computed in SQL in keyset batches.

A row: person (name, email, active or left), group, course, status, progress percent,
due date, overdue, completed at, certificate code. Rows are grouped by person (in the
order people were added), then course, and read ``batch`` at a time with a keyset
(never OFFSET, never the whole company): each batch costs exactly
``STATEMENTS_PER_BATCH`` statements whatever its size, and the report
``FIXED_STATEMENTS`` (+1 with a group filter) before the first batch.

Status and percent follow ``state.py``'s rules, counted by the database: COMPLETED
when ``completed_at`` is stored, NOT_STARTED while the assignment has no progress row,
else IN_PROGRESS; percent = completed progress rows / lessons of the course, rounded to
one decimal (``state.compute_state``'s formula: the matrix and the report agree).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from llp_gql.domain import access, audit, groups
from llp_gql.domain.deadlines import with_overdue
from llp_gql.domain.matrix_filter import MatrixFilter, filtered_people
from llp_gql.domain.state import EnrollmentStatus, status_of
from llp_gql.errors import ReportTooLarge
from llp_gql.models import (
    Company,
    Enrollment,
    Lesson,
)

FIXED_STATEMENTS = 2  # the company (access), the lesson count of every assigned course
STATEMENTS_PER_BATCH = 1  # the rows with their progress counts and certificate code
# Grouped by person (in the order people were added), then course: the walk of the unique
# (learner_id, course_id) index, so each batch reads its rows and stops (O(batch)); an
# order by name would sort every remaining row of the company again for each batch.
ORDER = ("learner_id", "course_id")
COLUMNS = ("id", "learner_id", "course_id", "due_at", "completed_at")
# Counted per row by the database in the same statement (correlated subqueries on the
# unique indexes of lesson_progress and certificate): no list of ids is sent back.
COUNTS = {
    "progress_rows": RawSQL(
        '(SELECT COUNT(*) FROM "lesson_progress" WHERE "enrollment_id" = "enrollment"."id")'
    ),
    "lessons_done": RawSQL(
        '(SELECT COUNT(*) FROM "lesson_progress" WHERE "enrollment_id" = "enrollment"."id"'
        " AND \"status\" = 'COMPLETED')"  # LessonStatus.COMPLETED (a test holds them equal)
    ),
    "certificate_code": RawSQL(
        '(SELECT "verification_code" FROM "certificate" WHERE "enrollment_id" = "enrollment"."id")'
    ),
}
RELATED = {  # a row's other columns, by joins in the same statement
    "name": "learner__name",
    "email": "learner__email",
    "left_at": "learner__deactivated_at",
    "group": "learner__group__name",
    "course": "course__title",
}


@dataclass(frozen=True, slots=True)
class ReportRow:
    enrollment_id: int
    name: str
    email: str
    active: bool
    group: str | None
    course: str
    status: EnrollmentStatus
    progress_percent: float
    due_at: datetime | None
    overdue: bool
    completed_at: datetime | None
    certificate_code: str | None


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """What to report, checked: the company (its admin asks), the filter (its group is
    the company's), and the moment "overdue" is judged at."""

    viewer: access.Actor
    company: Company
    selection: MatrixFilter
    now: datetime


async def compliance_report(
    viewer: access.Viewer, selection: MatrixFilter, *, now: datetime
) -> ComplianceReport:
    """FORBIDDEN for anyone but a company admin (staff too, as for the ZIP export);
    NOT_FOUND for a group of another company. Reads no assignment yet."""
    company = await access.access_own_company(viewer)
    _ = await groups.group_of(viewer, selection.group_id)
    return ComplianceReport(access.require_user(viewer), company, selection, now)


def percent(completed: int, lessons: int) -> float:
    """``state.compute_state``'s progress percent, from counts."""
    return round(completed * 100 / lessons, 1) if lessons else 0.0


def _selected(report: ComplianceReport) -> QuerySet[Enrollment]:
    """The report's assignments, unordered: the company's (``access``), narrowed to the
    people the filter keeps and, with ``overdue_only``, to the overdue ones."""
    selection = report.selection
    rows = access.visible_company_enrollments(report.viewer).filter(company_id=report.company.id)
    if selection != MatrixFilter(overdue_only=selection.overdue_only):  # narrows people
        people = filtered_people(
            report.viewer, report.company.id, selection, report.now, people_with_overdue=False
        )
        rows = rows.filter(learner_id__in=Subquery(people.values("id")))
    if selection.overdue_only:
        rows = with_overdue(rows, True, report.now)
    return rows


async def count_rows(report: ComplianceReport) -> int:
    """How many rows the report has (one COUNT)."""
    return await _selected(report).count()


async def record_download(report: ComplianceReport, file_format: str) -> None:
    """The audit row of a download (the report names every person: who took it, when,
    with which filters)."""
    await audit.record(
        audit.REPORT_DOWNLOADED,
        actor=report.viewer,
        subject_type="company",
        subject_id=report.company.id,
        company_id=report.company.id,
        at=report.now,
        details={"format": file_format, "filters": dict(report.selection.query_items())},
    )


async def check_xlsx_size(report: ComplianceReport, max_rows: int) -> None:
    """REPORT_TOO_LARGE when the report has more rows than an XLSX may hold."""
    if await count_rows(report) > max_rows:
        raise ReportTooLarge(
            f"An Excel file holds at most {max_rows:,} rows of this report. "
            "Download the CSV (no limit), or narrow the filters."
        )


async def report_batches(
    report: ComplianceReport, *, batch: int = 1000, limit: int | None = None
) -> AsyncIterator[list[ReportRow]]:
    """The report's rows, ``batch`` at a time (at most ``limit`` rows in all)."""
    rows, now = _selected(report), report.now
    lessons = await _lesson_counts(report)
    after: tuple[int, int] | None = None
    left = limit
    while left is None or left > 0:
        size = batch if left is None else min(batch, left)
        page = rows if after is None else rows.filter(_after(after))
        # One row more than the batch says whether another batch follows, so a report of
        # exactly n batches costs n statements of rows, not n + 1.
        found = (
            await page.annotate(**COUNTS)
            .order_by(*ORDER)
            .limit(size + 1)
            .values(*COLUMNS, *COUNTS, **RELATED)
        )
        more = len(found) > size
        found = found[:size]
        if found:
            yield [_row(row, lessons, now) for row in found]
        if not more:
            return
        last = found[-1]
        after = (last["learner_id"], last["course_id"])
        left = None if left is None else left - len(found)


def _after(key: tuple[int, int]) -> Q:
    """Rows after ``key`` in ``ORDER`` (person, course)."""
    learner_id, course_id = key
    return Q(learner_id__gt=learner_id) | Q(learner_id=learner_id, course_id__gt=course_id)


async def _lesson_counts(report: ComplianceReport) -> dict[int, int]:
    """Lessons per course of every course the company assigned (one statement; a few
    dozen rows, whatever the filter)."""
    assigned = access.visible_company_enrollments(report.viewer)
    found = (
        await Lesson.filter(course_id__in=Subquery(assigned.values("course_id")))
        .group_by("course_id")
        .annotate(lessons=Count("id"))
        .values("course_id", "lessons")
    )
    return {row["course_id"]: row["lessons"] for row in found}


def _row(row: dict[str, Any], lessons: dict[int, int], now: datetime) -> ReportRow:
    progress_rows, done = row["progress_rows"], row["lessons_done"]
    due_at: datetime | None = row["due_at"]
    completed_at: datetime | None = row["completed_at"]
    return ReportRow(
        enrollment_id=row["id"],
        name=row["name"],
        email=row["email"],
        active=row["left_at"] is None,
        group=row["group"],
        course=row["course"],
        status=status_of(completed=completed_at is not None, has_progress=progress_rows > 0),
        progress_percent=percent(done, lessons.get(row["course_id"], 0)),
        due_at=due_at,
        # deadlines.is_overdue's rule on the row's values (a test holds them together)
        overdue=due_at is not None and completed_at is None and due_at < now,
        completed_at=completed_at,
        certificate_code=row["certificate_code"],
    )
