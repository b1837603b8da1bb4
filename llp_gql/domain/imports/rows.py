"""Checking each row on its own (no database): cells, email, name, group, courses, date.

A row has at most one reason: the first problem found, in the order of the
columns, so that the admin fixes one thing at a time and every message is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from llp_gql.csvcells import starts_like_formula
from llp_gql.domain.accounts import MAX_NAME_LENGTH, clean_email
from llp_gql.domain.imports import codes
from llp_gql.domain.imports.parse import COURSES, DUE_DATE, EMAIL, GROUP, NAME, RawRow
from llp_gql.errors import ValidationFailed

MAX_GROUP_LENGTH = 100  # the column's length (models.accounts.Group.name)
MAX_COURSES_PER_ROW = 50
_COURSE_SEPARATORS = re.compile(r"[;|]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class CheckedRow:
    """A row after the checks that need no database; ``reason`` set means ERROR."""

    number: int
    email: str  # cleaned (lower-case) when valid, else as written
    name: str
    group: str | None  # None: the cell is empty, the person's group stays as it is
    course_refs: list[str]  # as written, without repeats
    due_date: date | None
    reason: codes.Reason | None = None
    message: str = ""

    def refuse(self, reason: codes.Reason, message: str) -> None:
        if self.reason is None:
            self.reason, self.message = reason, message


def _has_controls(value: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in value)


def _cells_problem(row: RawRow) -> tuple[codes.Reason, str] | None:
    for column, value in row.cells.items():
        if starts_like_formula(value):
            return (
                codes.Reason.FORMULA_CELL,
                f"The {column} cell starts with '{value.lstrip(' ')[:1]!s}', which spreadsheets "
                "run as a formula; remove that character.",
            )
        if _has_controls(value):
            return (
                codes.Reason.CONTROL_CHARACTERS,
                f"The {column} cell holds a line break or another control character; remove it.",
            )
    if row.extra_cells:
        return (
            codes.Reason.EXTRA_CELLS,
            "The row has more cells than the header has columns; check for a stray comma.",
        )
    return None


def _due_date(raw: str, today: date) -> tuple[date | None, str | None]:
    if not raw:
        return None, None
    if not _ISO_DATE.match(raw):
        return None, f"'{raw[:20]}' is not a date as YYYY-MM-DD (for example 2030-01-31)."
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None, f"'{raw}' is not a date of the calendar."
    if value < today:
        return None, f"The due date {raw} is in the past."
    return value, None


def check_row(row: RawRow, *, today: date) -> CheckedRow:
    cells = row.cells
    email_raw = cells.get(EMAIL, "").strip()
    name = " ".join(cells.get(NAME, "").split())
    group_raw = " ".join(cells.get(GROUP, "").split())
    refs = [r.strip() for r in _COURSE_SEPARATORS.split(cells.get(COURSES, ""))]
    due_raw = cells.get(DUE_DATE, "").strip()
    checked = CheckedRow(
        row.number,
        email_raw,
        name,
        group_raw or None,
        list(dict.fromkeys(r for r in refs if r)),
        None,
    )
    problem = _cells_problem(row)
    if problem is not None:
        checked.refuse(*problem)
        return checked
    try:
        checked.email = clean_email(email_raw)
    except ValidationFailed:
        checked.refuse(
            codes.Reason.INVALID_EMAIL,
            "The email is missing." if not email_raw else f"'{email_raw[:80]}' is not an email.",
        )
    if not name:
        checked.refuse(codes.Reason.MISSING_NAME, "The name is missing.")
    elif len(name) > MAX_NAME_LENGTH:
        checked.refuse(
            codes.Reason.NAME_TOO_LONG, f"The name has more than {MAX_NAME_LENGTH} characters."
        )
    if checked.group is not None and len(checked.group) > MAX_GROUP_LENGTH:
        checked.refuse(
            codes.Reason.INVALID_GROUP,
            f"The group name has more than {MAX_GROUP_LENGTH} characters.",
        )
    if len(checked.course_refs) > MAX_COURSES_PER_ROW:
        checked.refuse(
            codes.Reason.TOO_MANY_COURSES,
            f"The row names more than {MAX_COURSES_PER_ROW} courses.",
        )
    due, problem_text = _due_date(due_raw, today)
    if problem_text is not None:
        checked.refuse(codes.Reason.INVALID_DUE_DATE, problem_text)
    elif due is not None and not checked.course_refs:
        checked.refuse(
            codes.Reason.INVALID_DUE_DATE,
            "A due date applies to the courses of its row, and this row names none.",
        )
    checked.due_date = due
    return checked


def check_rows(rows: list[RawRow], *, today: date) -> list[CheckedRow]:
    """Every row checked; second and later rows of one email are DUPLICATE_IN_FILE."""
    checked = [check_row(row, today=today) for row in rows]
    first_row: dict[str, int] = {}
    for row in checked:
        if row.reason is not None and row.reason != codes.Reason.DUPLICATE_IN_FILE:
            if row.reason is not codes.Reason.INVALID_EMAIL and "@" in row.email:
                first_row.setdefault(row.email.lower(), row.number)
            continue
        earlier = first_row.setdefault(row.email, row.number)
        if earlier != row.number:
            row.refuse(
                codes.Reason.DUPLICATE_IN_FILE,
                f"This email is already in row {earlier}; each person once per file.",
            )
    return checked
