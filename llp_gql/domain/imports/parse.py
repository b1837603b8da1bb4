"""Reading an employee CSV: bytes to text, the header, and the cells of each row.

Accepted: UTF-8 with or without a byte order mark (Excel's "CSV UTF-8"), commas or
semicolons between cells (Excel writes semicolons where the comma is the decimal
mark; the header line decides), the usual quoting. Columns are found by their
header, case-insensitively and in any order; unknown columns are ignored.
Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from llp_gql.domain.imports import codes

EMAIL, NAME, GROUP, COURSES, DUE_DATE = "email", "name", "group", "courses", "due_date"
COLUMNS = (EMAIL, NAME, GROUP, COURSES, DUE_DATE)
REQUIRED = (EMAIL, NAME)
# Other spellings people type in a header.
_ALIASES = {"e-mail": EMAIL, "due date": DUE_DATE, "duedate": DUE_DATE, "course": COURSES}
# A cell longer than this is cut by the reader; no valid value comes near it.
MAX_CELL = 2000


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: ``number`` is its row in a spreadsheet (the header is row 1)."""

    number: int
    cells: dict[str, str]  # column -> cell as written ('' when absent)
    extra_cells: bool  # more cells than the header has columns


@dataclass(frozen=True, slots=True)
class ParsedFile:
    columns: tuple[str, ...]  # the known columns present, in file order
    delimiter: str
    rows: list[RawRow]


def decode(data: bytes, *, max_bytes: int) -> str:
    """The file's text; FILE_TOO_LARGE or NOT_UTF8 (with the way out) otherwise."""
    if len(data) > max_bytes:
        raise codes.file_too_large(max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise codes.ImportFileError(
            codes.NOT_UTF8,
            "The file is not UTF-8 text. In Excel choose File > Save As > "
            "'CSV UTF-8 (Comma delimited)' and upload that file.",
        ) from None
    return text


def _header_key(cell: str) -> str:
    key = " ".join(cell.strip().lower().split())
    return _ALIASES.get(key, key.replace(" ", "_"))


def _delimiter(first_line: str) -> str:
    """Commas, unless the header line holds semicolons and no comma (Excel in many
    European locales saves "CSV" so)."""
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


def _columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _header_key(cell)
        if key not in COLUMNS:
            continue
        if key in found:
            raise codes.ImportFileError(
                codes.DUPLICATE_COLUMN, f"The column '{key}' appears twice in the header row."
            )
        found[key] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        if not found:
            raise codes.ImportFileError(
                codes.NO_HEADER,
                "The first row must be the header: email,name (optional: group, courses, "
                "due_date). Download the template to start from.",
            )
        raise codes.ImportFileError(
            codes.MISSING_COLUMN,
            f"The header row has no '{missing[0]}' column; email and name are required.",
        )
    return found


def parse(text: str, *, max_rows: int) -> ParsedFile:
    """Split the text into rows of named cells; file-level problems raise."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise codes.ImportFileError(codes.EMPTY_FILE, "The file is empty.")
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        found = _columns(header)
        width = len(header)
        rows: list[RawRow] = []
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue  # blank lines (and rows of empty cells) are not rows
            if len(rows) >= max_rows:
                raise codes.too_many_rows(max_rows)
            cells = {
                column: record[index][:MAX_CELL] if index < len(record) else ""
                for column, index in found.items()
            }
            extra = len(record) > width and any(c.strip() for c in record[width:])
            rows.append(RawRow(number, cells, extra))
    except csv.Error as exc:
        raise codes.ImportFileError(
            codes.UNREADABLE_CSV,
            f"The file is not valid CSV near row {reader.line_num}: {exc}. "
            "Check for an unclosed quotation mark.",
        ) from None
    ordered = tuple(sorted(found, key=found.__getitem__))
    return ParsedFile(ordered, delimiter, rows)
