"""The words of an import: row outcomes, reason codes with their messages, file errors."""

from __future__ import annotations

from enum import StrEnum

from llp_gql.errors import LimitExceeded, ValidationFailed


class Outcome(StrEnum):
    """What applying the file does to the person of a row."""

    NEW = "NEW"  # a new employee, invited by mail
    UPDATED = "UPDATED"  # an employee whose name or group changes
    UNCHANGED = "UNCHANGED"  # nothing about the person changes (courses may still be new)
    ERROR = "ERROR"  # the row cannot be applied; see its reason


class Assignment(StrEnum):
    """What applying the file does about one course of a row."""

    NEW = "NEW"  # a new ASSIGNED enrollment
    ALREADY_ASSIGNED = "ALREADY_ASSIGNED"  # the person has the course already: kept as it is


class Reason(StrEnum):
    """Why a row cannot be applied."""

    INVALID_EMAIL = "INVALID_EMAIL"
    MISSING_NAME = "MISSING_NAME"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    INVALID_GROUP = "INVALID_GROUP"
    DUPLICATE_IN_FILE = "DUPLICATE_IN_FILE"
    OTHER_COMPANY = "OTHER_COMPANY"
    DEACTIVATED = "DEACTIVATED"
    UNKNOWN_COURSE = "UNKNOWN_COURSE"
    TOO_MANY_COURSES = "TOO_MANY_COURSES"
    INVALID_DUE_DATE = "INVALID_DUE_DATE"
    FORMULA_CELL = "FORMULA_CELL"
    CONTROL_CHARACTERS = "CONTROL_CHARACTERS"
    EXTRA_CELLS = "EXTRA_CELLS"


# File-level refusals (nothing is stored): extensions.reason of a VALIDATION error.
NOT_UTF8 = "NOT_UTF8"
EMPTY_FILE = "EMPTY_FILE"
NO_HEADER = "NO_HEADER"
MISSING_COLUMN = "MISSING_COLUMN"
DUPLICATE_COLUMN = "DUPLICATE_COLUMN"
UNREADABLE_CSV = "UNREADABLE_CSV"
HAS_ERRORS = "HAS_ERRORS"
# Limits: their own codes, like every limit.
FILE_TOO_LARGE = "IMPORT_FILE_TOO_LARGE"
TOO_MANY_ROWS = "IMPORT_TOO_MANY_ROWS"


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be imported; ``reason`` says why (nothing stored)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, field="csv")
        self.reason = reason

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "reason": self.reason}


def file_too_large(limit: int) -> LimitExceeded:
    return LimitExceeded(
        FILE_TOO_LARGE,
        f"The file is larger than {limit:,} bytes. Split it into several files.",
    )


def too_many_rows(limit: int) -> LimitExceeded:
    return LimitExceeded(
        TOO_MANY_ROWS, f"The file has more than {limit:,} rows. Split it into several files."
    )
