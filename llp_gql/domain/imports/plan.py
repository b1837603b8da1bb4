"""The preview: each checked row compared with the company's people, groups and courses.

Every lookup is batched (``CHUNK`` keys per query), never one query per row:
people by email, the company's groups, the published courses named, and the
enrollments the existing people have in them. ``plan`` runs twice per import: for
the preview, and again inside the apply transaction, so that what is applied is
what the database holds at that moment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from llp_gql.domain.enrollments import open_courses
from llp_gql.domain.imports import codes
from llp_gql.domain.imports.rows import CheckedRow
from llp_gql.errors import NotFound
from llp_gql.ids import decode_id
from llp_gql.models import Enrollment, Group, User

CHUNK = 500  # keys per IN (...) list: well under SQLite's and asyncpg's parameter limits


@dataclass(frozen=True, slots=True)
class CourseResult:
    ref: str  # as written in the file
    course_id: int
    title: str
    assignment: codes.Assignment


@dataclass(slots=True)
class RowResult:
    number: int
    email: str
    name: str
    outcome: codes.Outcome
    reason: codes.Reason | None
    message: str
    group: str | None
    due_date: date | None
    courses: list[CourseResult] = field(default_factory=list)
    user_id: int | None = None  # the existing person, when there is one
    group_id: int | None = None  # the existing group named, when there is one


@dataclass(frozen=True, slots=True)
class Totals:
    rows: int
    new: int
    updated: int
    unchanged: int
    errors: int
    new_assignments: int
    already_assigned: int
    new_groups: int


@dataclass(frozen=True, slots=True)
class ImportPreview:
    rows: list[RowResult]  # in file order
    totals: Totals
    new_groups: list[str]
    applied: bool = False

    def errors_first(self) -> list[RowResult]:
        """Rows with errors first (each in file order), then the others."""
        return sorted(self.rows, key=lambda r: r.outcome != codes.Outcome.ERROR)


def chunks(items: Sequence[str] | Sequence[int]) -> Iterator[list[object]]:
    values = list(items)
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


@dataclass(frozen=True, slots=True)
class _Person:
    id: int
    name: str
    company_id: int | None
    group_id: int | None
    deactivated_at: datetime | None


async def _people(emails: list[str], db: BaseDBAsyncClient | None) -> dict[str, _Person]:
    found: dict[str, _Person] = {}
    for chunk in chunks(emails):
        query = User.filter(email__in=chunk)
        if db is not None:
            query = query.using_db(db)
        for row in await query.values(
            "id", "email", "name", "company_id", "group_id", "deactivated_at"
        ):
            found[row["email"]] = _Person(
                row["id"], row["name"], row["company_id"], row["group_id"], row["deactivated_at"]
            )
    return found


async def _courses(
    refs: set[str], db: BaseDBAsyncClient | None
) -> dict[str, tuple[int, str] | str]:
    """Each ref -> (id, title) of the published course it names, or the words of why not.

    A ref is a course's opaque GraphQL ID (as the API and the admin UI show it) or its
    exact title; a title that several published courses share names none."""
    by_pk: dict[str, int] = {}
    for ref in refs:
        try:
            by_pk[ref] = decode_id("Course", ref)
        except NotFound:
            continue
    titles = [r for r in refs if r not in by_pk]
    rows: list[dict[str, object]] = []
    for pk_chunk in chunks(list(set(by_pk.values()))):
        query = open_courses().filter(id__in=pk_chunk)
        rows += await (query.using_db(db) if db else query).values("id", "title")
    for title_chunk in chunks(titles):
        query = open_courses().filter(title__in=title_chunk)
        rows += await (query.using_db(db) if db else query).values("id", "title")
    ids = {int(str(r["id"])): str(r["title"]) for r in rows}
    titled: dict[str, list[int]] = {}
    for pk, title in ids.items():
        titled.setdefault(title, []).append(pk)
    answer: dict[str, tuple[int, str] | str] = {}
    for ref in refs:
        if ref in by_pk:
            pk = by_pk[ref]
            answer[ref] = (pk, ids[pk]) if pk in ids else f"No published course has the id {ref}."
            continue
        matches = titled.get(ref, [])
        if len(matches) == 1:
            answer[ref] = (matches[0], ref)
        elif matches:
            answer[ref] = f"Several published courses are titled '{ref}'; use the course's id."
        else:
            answer[ref] = f"No published course has the id or the exact title '{ref[:100]}'."
    return answer


async def _enrolled(
    user_ids: list[int], course_ids: list[int], db: BaseDBAsyncClient | None
) -> set[tuple[int, int]]:
    if not user_ids or not course_ids:
        return set()
    pairs: set[tuple[int, int]] = set()
    for chunk in chunks(user_ids):
        query = Enrollment.filter(learner_id__in=chunk, course_id__in=course_ids)
        for row in await (query.using_db(db) if db else query).values("learner_id", "course_id"):
            pairs.add((row["learner_id"], row["course_id"]))
    return pairs


_OTHER = (
    "This email belongs to an account outside your company; it cannot be imported. "
    "The person can use another address, or ask us for help."
)
_LEFT = "This person left the company (deactivated); reactivate them first, then import again."


def _person_outcome(
    result: RowResult, person: _Person | None, company_id: int, group_id: int | None
) -> None:
    if person is None:
        result.outcome = codes.Outcome.NEW
        return
    if person.company_id != company_id:
        result.outcome, result.reason, result.message = (
            codes.Outcome.ERROR,
            codes.Reason.OTHER_COMPANY,
            _OTHER,
        )
        return
    result.user_id = person.id
    if person.deactivated_at is not None:
        result.outcome, result.reason, result.message = (
            codes.Outcome.ERROR,
            codes.Reason.DEACTIVATED,
            _LEFT,
        )
        return
    group_changes = result.group is not None and (group_id is None or group_id != person.group_id)
    changed = person.name != result.name or group_changes
    result.outcome = codes.Outcome.UPDATED if changed else codes.Outcome.UNCHANGED


async def plan(
    company_id: int, checked: list[CheckedRow], *, db: BaseDBAsyncClient | None = None
) -> ImportPreview:
    """The outcome of every row, read in ``db`` (the apply transaction) when given."""
    valid = [r for r in checked if r.reason is None]
    people = await _people(sorted({r.email for r in valid}), db)
    group_query = Group.filter(company_id=company_id)
    groups = {
        str(g["name"]).casefold(): (int(g["id"]), str(g["name"]))
        for g in await (group_query.using_db(db) if db else group_query).values("id", "name")
    }
    courses = await _courses({ref for r in valid for ref in r.course_refs}, db)
    results: list[RowResult] = []
    new_groups: dict[str, str] = {}
    for row in checked:
        result = RowResult(
            row.number, row.email, row.name, codes.Outcome.ERROR, row.reason, row.message,
            row.group, row.due_date,
        )  # fmt: skip
        results.append(result)
        if row.reason is not None:
            continue
        group_id = None
        if row.group is not None:
            existing = groups.get(row.group.casefold())
            if existing is not None:
                group_id, result.group = existing
        _person_outcome(result, people.get(row.email), company_id, group_id)
        result.group_id = group_id
        if result.outcome == codes.Outcome.ERROR:
            continue
        for ref in row.course_refs:
            found = courses[ref]
            if isinstance(found, str):
                result.outcome, result.reason, result.message = (
                    codes.Outcome.ERROR,
                    codes.Reason.UNKNOWN_COURSE,
                    found,
                )
                result.courses = []
                break
            result.courses.append(CourseResult(ref, found[0], found[1], codes.Assignment.NEW))
        if result.outcome != codes.Outcome.ERROR and row.group is not None and group_id is None:
            result.group = new_groups.setdefault(row.group.casefold(), row.group)
    await _mark_assigned(results, db)
    return ImportPreview(results, _totals(results, len(new_groups)), list(new_groups.values()))


async def _mark_assigned(results: list[RowResult], db: BaseDBAsyncClient | None) -> None:
    members = [r for r in results if r.user_id is not None and r.courses]
    course_ids = sorted({c.course_id for r in members for c in r.courses})
    enrolled = await _enrolled(sorted({r.user_id for r in members if r.user_id}), course_ids, db)
    for result in members:
        result.courses = [
            CourseResult(c.ref, c.course_id, c.title, codes.Assignment.ALREADY_ASSIGNED)
            if (result.user_id, c.course_id) in enrolled
            else c
            for c in result.courses
        ]


def _totals(results: list[RowResult], new_groups: int) -> Totals:
    count = {outcome: 0 for outcome in codes.Outcome}
    for r in results:
        count[r.outcome] += 1
    courses = [c for r in results if r.outcome != codes.Outcome.ERROR for c in r.courses]
    new = sum(1 for c in courses if c.assignment == codes.Assignment.NEW)
    return Totals(
        rows=len(results),
        new=count[codes.Outcome.NEW],
        updated=count[codes.Outcome.UPDATED],
        unchanged=count[codes.Outcome.UNCHANGED],
        errors=count[codes.Outcome.ERROR],
        new_assignments=new,
        already_assigned=len(courses) - new,
        new_groups=new_groups,
    )
