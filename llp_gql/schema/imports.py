"""The result of importEmployees: totals and the rows, errors first, a page at a time."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from llp_gql.domain.imports import (
    Assignment,
    CourseResult,
    ImportPreview,
    Outcome,
    Reason,
    RowResult,
)
from llp_gql.errors import ValidationFailed
from llp_gql.schema.context import Info
from llp_gql.schema.enums import _describe
from llp_gql.schema.ids import encode_id
from llp_gql.schema.pagination import First, check_first

_describe(
    Outcome,
    "What applying the file does to the person of a row.",
    {
        "NEW": "A new employee of your company, invited by mail to set a password.",
        "UPDATED": "An employee whose name or group changes.",
        "UNCHANGED": "Nothing about the person changes (new course assignments may still "
        "be made: see ImportRow.courses).",
        "ERROR": "The row cannot be applied; reason and message say why. A file with any "
        "error row is not applied at all.",
    },
)
_describe(
    Assignment,
    "What applying the file does about one course of a row.",
    {
        "NEW": "A new assignment (an ASSIGNED enrollment, with the row's due date).",
        "ALREADY_ASSIGNED": "The person has the course already; the enrollment stays as it is.",
    },
)
_describe(
    Reason,
    "Why a row cannot be applied (docs/import.md explains each).",
    {
        "INVALID_EMAIL": "The email is missing or not an email address.",
        "MISSING_NAME": "The name is missing.",
        "NAME_TOO_LONG": "The name has more than 200 characters.",
        "INVALID_GROUP": "The group name has more than 100 characters.",
        "DUPLICATE_IN_FILE": "An earlier row has the same email (the first one counts).",
        "OTHER_COMPANY": "The email belongs to an account outside your company (another "
        "company's or an individual's; which one is not said).",
        "DEACTIVATED": "The person left your company (deactivated): reactivate them first.",
        "UNKNOWN_COURSE": "A course is neither the ID nor the exact title of one published course.",
        "TOO_MANY_COURSES": "The row names more than 50 courses.",
        "INVALID_DUE_DATE": "The due date is not YYYY-MM-DD, not a real date, in the past, "
        "or given without courses.",
        "FORMULA_CELL": "A cell starts with = + - @, a tab or a carriage return, which "
        "spreadsheets run as a formula; the row is refused rather than changed.",
        "CONTROL_CHARACTERS": "A cell holds a line break or another control character.",
        "EXTRA_CELLS": "The row has more cells than the header has columns.",
    },
)


@strawberry.type(description="One course named in a row.")
class ImportCourse:
    ref: str = strawberry.field(description="The course as written in the file.")
    course_id: strawberry.ID = strawberry.field(description="The course's opaque ID.")
    title: str = strawberry.field(description="The course's title.")
    assignment: Assignment = strawberry.field(description="What applying does about it.")

    @classmethod
    def of(cls, course: CourseResult) -> ImportCourse:
        return cls(
            ref=course.ref,
            course_id=strawberry.ID(encode_id("Course", course.course_id)),
            title=course.title,
            assignment=course.assignment,
        )


@strawberry.type(description="One data row of the file and its outcome.")
class ImportRow:
    row: int = strawberry.field(
        description="The row's number as a spreadsheet shows it (the header is row 1)."
    )
    email: str = strawberry.field(description="The email (lower-cased when valid).")
    name: str = strawberry.field(description="The name, runs of spaces collapsed.")
    outcome: Outcome = strawberry.field(description="What applying does to the person.")
    reason: Reason | None = strawberry.field(description="Why the row is an ERROR; else null.")
    message: str = strawberry.field(description="The reason in words; empty without error.")
    group: str | None = strawberry.field(
        description="The group the person will be in (an existing group's spelling wins); "
        "null when the cell is empty, which leaves the person's group as it is."
    )
    due_date: date | None = strawberry.field(
        description="The due date of the row's new assignments (the end of that day, UTC)."
    )
    courses: list[ImportCourse] = strawberry.field(
        description="The row's courses and what applying does about each."
    )

    @classmethod
    def of(cls, row: RowResult) -> ImportRow:
        return cls(
            row=row.number,
            email=row.email,
            name=row.name,
            outcome=row.outcome,
            reason=row.reason,
            message=row.message,
            group=row.group,
            due_date=row.due_date,
            courses=[ImportCourse.of(c) for c in row.courses],
        )


@strawberry.type(description="Counts over the whole file.")
class ImportTotals:
    rows: int = strawberry.field(description="Data rows (blank lines do not count).")
    new: int = strawberry.field(description="Rows that create a person.")
    updated: int = strawberry.field(description="Rows that change a name or group.")
    unchanged: int = strawberry.field(description="Rows that change nothing about the person.")
    errors: int = strawberry.field(description="Rows with an error.")
    new_assignments: int = strawberry.field(description="Course assignments to make.")
    already_assigned: int = strawberry.field(description="Courses the people have already.")
    new_groups: int = strawberry.field(description="Groups to create.")


@strawberry.type(description="The preview of a CSV file, or what applying it did.")
class ImportResult:
    applied: bool = strawberry.field(
        description="True when the file was applied (dryRun false); false for a preview."
    )
    totals: ImportTotals = strawberry.field(description="Counts over the whole file.")
    new_groups: list[str] = strawberry.field(description="The names of the groups to create.")
    preview: strawberry.Private[ImportPreview]

    @strawberry.field(
        description="The rows, those with errors first, then the others, each in file "
        "order: `first` rows (default 20, at most LLP_MAX_PAGE_SIZE, else PAGE_TOO_LARGE) "
        "after skipping `offset`. `onlyErrors` lists the error rows only."
    )
    def rows(
        self,
        info: Info,
        first: First = None,
        offset: Annotated[
            int, strawberry.argument(description="How many rows to skip (0 or more).")
        ] = 0,
        only_errors: Annotated[
            bool, strawberry.argument(description="True: the rows with an error only.")
        ] = False,
    ) -> list[ImportRow]:
        size = check_first(first, default=20, maximum=info.context.settings.max_page_size)
        if offset < 0:
            raise ValidationFailed("`offset` cannot be negative.", field="offset")
        rows = self.preview.errors_first()
        if only_errors:
            rows = [r for r in rows if r.outcome == Outcome.ERROR]
        return [ImportRow.of(r) for r in rows[offset : offset + size]]

    @classmethod
    def of(cls, preview: ImportPreview) -> ImportResult:
        t = preview.totals
        return cls(
            applied=preview.applied,
            totals=ImportTotals(
                rows=t.rows,
                new=t.new,
                updated=t.updated,
                unchanged=t.unchanged,
                errors=t.errors,
                new_assignments=t.new_assignments,
                already_assigned=t.already_assigned,
                new_groups=t.new_groups,
            ),
            new_groups=list(preview.new_groups),
            preview=preview,
        )
