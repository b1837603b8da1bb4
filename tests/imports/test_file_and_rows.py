"""The file and each row on their own (no database): every file error, every row reason."""

from __future__ import annotations

from datetime import date

import pytest

from llp_gql.domain.imports import codes
from llp_gql.domain.imports.parse import decode, parse
from llp_gql.domain.imports.rows import check_rows
from llp_gql.errors import LimitExceeded
from tests.imports.helpers import csv_text

TODAY = date(2026, 3, 1)


def reasons(text: str) -> list[codes.Reason | None]:
    return [r.reason for r in check_rows(parse(text, max_rows=100).rows, today=TODAY)]


def file_error(data: bytes, *, max_bytes: int = 10_000, max_rows: int = 100) -> str:
    with pytest.raises((codes.ImportFileError, LimitExceeded)) as caught:
        _ = parse(decode(data, max_bytes=max_bytes), max_rows=max_rows)
    error = caught.value
    return error.reason if isinstance(error, codes.ImportFileError) else error.limit_code


def test_a_valid_file_any_column_order_and_case() -> None:
    text = "Name,E-Mail,GROUP,Courses,Due Date,notes\nAda,ADA@x.example,Ops,A|B,2026-04-01,hi\n"
    parsed = parse(text, max_rows=10)
    assert parsed.columns == ("name", "email", "group", "courses", "due_date")
    [row] = check_rows(parsed.rows, today=TODAY)
    assert (row.number, row.email, row.name, row.group) == (2, "ada@x.example", "Ada", "Ops")
    assert row.course_refs == ["A", "B"]
    assert row.due_date == date(2026, 4, 1)
    assert row.reason is None


def test_bom_and_semicolons_are_accepted() -> None:
    data = "\ufeffemail;name;courses\r\nada@x.example;Ada;A, with comma\r\n".encode()
    parsed = parse(decode(data, max_bytes=1000), max_rows=10)
    assert parsed.delimiter == ";"
    assert parsed.rows[0].cells == {
        "email": "ada@x.example",
        "name": "Ada",
        "courses": "A, with comma",
    }


def test_file_errors_have_their_own_codes() -> None:
    assert file_error("email,name\nä,b\n".encode("latin-1")) == codes.NOT_UTF8
    assert file_error(b"") == codes.EMPTY_FILE
    assert file_error(b" \n\n") == codes.EMPTY_FILE
    assert file_error(b"ada@x.example,Ada\n") == codes.NO_HEADER
    assert file_error(b"email,group\na@x.example,Ops\n") == codes.MISSING_COLUMN
    assert file_error(b"email,name,Email\n") == codes.DUPLICATE_COLUMN
    assert file_error(b'email,name\n"a@x.example,Ada\n') == codes.UNREADABLE_CSV
    assert file_error(b"email,name\n" + b"a@x.example,A\n" * 20, max_bytes=100) == (
        codes.FILE_TOO_LARGE
    )
    assert file_error(b"email,name\n" + b"a@x.example,A\n" * 4, max_rows=3) == codes.TOO_MANY_ROWS


def test_not_utf8_says_how_to_save() -> None:
    with pytest.raises(codes.ImportFileError, match="CSV UTF-8"):
        _ = decode("é".encode("cp1252"), max_bytes=100)


def test_blank_lines_are_not_rows_but_keep_numbering() -> None:
    parsed = parse("email,name\n\na@x.example,A\n,\n", max_rows=1)
    assert [r.number for r in parsed.rows] == [3]


R = codes.Reason


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("not-an-email,Ada,,,", R.INVALID_EMAIL),
        (",Ada,,,", R.INVALID_EMAIL),
        ("a@x.example,,,,", R.MISSING_NAME),
        ("a@x.example,   ,,,", R.MISSING_NAME),
        ("a@x.example," + "n" * 201 + ",,,", R.NAME_TOO_LONG),
        ("a@x.example,Ada," + "g" * 101 + ",,", R.INVALID_GROUP),
        ("a@x.example,Ada,,A,2026-02-30", R.INVALID_DUE_DATE),
        ("a@x.example,Ada,,A,01/04/2026", R.INVALID_DUE_DATE),
        ("a@x.example,Ada,,A,2026-02-28", R.INVALID_DUE_DATE),  # in the past
        ("a@x.example,Ada,,,2026-04-01", R.INVALID_DUE_DATE),  # no courses to apply it to
        ("a@x.example,Ada,," + ";".join(f"c{i}" for i in range(51)) + ",", R.TOO_MANY_COURSES),
        ("a@x.example,=HYPERLINK(1),,,", R.FORMULA_CELL),
        ("a@x.example,+1,,,", R.FORMULA_CELL),
        ("a@x.example,-Ada,,,", R.FORMULA_CELL),
        ("@a.example,Ada,,,", R.FORMULA_CELL),
        ('a@x.example,"\tAda",,,', R.FORMULA_CELL),
        ('a@x.example,"  =1+1",,,', R.FORMULA_CELL),
        ('a@x.example,"Ada\nLovelace",,,', R.CONTROL_CHARACTERS),
        ("a@x.example,Ada\x00,,,", R.CONTROL_CHARACTERS),
        ("a@x.example,Ada,,,,surplus", R.EXTRA_CELLS),
        ("a@x.example,Ada,Ops,A; B | C,2026-03-01", None),  # today is fine
    ],
)
def test_row_reasons(row: str, reason: codes.Reason | None) -> None:
    assert reasons(csv_text(row)) == [reason]


def test_second_and_later_occurrences_are_duplicates() -> None:
    text = csv_text(
        "a@x.example,A,,,", "b@x.example,B,,,", "A@X.example,A2,,,", "a@x.example,A3,,,"
    )
    rows = check_rows(parse(text, max_rows=10).rows, today=TODAY)
    assert [r.reason for r in rows] == [None, None, R.DUPLICATE_IN_FILE, R.DUPLICATE_IN_FILE]
    assert "row 2" in rows[2].message


def test_a_row_with_an_error_still_counts_as_the_first_occurrence() -> None:
    text = csv_text("a@x.example,,,,", "a@x.example,Ada,,,")
    assert reasons(text) == [R.MISSING_NAME, R.DUPLICATE_IN_FILE]
