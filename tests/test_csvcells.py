"""The one CSV-cell escaper (OWASP CSV injection) and the export that uses it."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest

from llp_gql.certs.zipstream import ExportEntry, iter_zip
from llp_gql.csvcells import safe_cell, starts_like_formula


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+41 44", "-2", "@SUM(A1)", "\tx", "\rx", "  =HYPERLINK(1)", " -x"],
)
def test_formula_leads_get_an_apostrophe(value: str) -> None:
    assert starts_like_formula(value)
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Ada", "", "a=b", "ada@x.example", "1-2", "'quoted"])
def test_plain_cells_stay_as_they_are(value: str) -> None:
    assert not starts_like_formula(value)
    assert safe_cell(value) == value


def test_the_export_manifest_escapes_every_text_cell() -> None:
    entry = ExportEntry(
        employee="=cmd|' /C calc'!A0",
        email="@evil.example",
        course="+Course",
        issued_at=datetime(2026, 1, 5, tzinfo=UTC),
        code="-CODE",
        pdf=b"%PDF-1.4 test",
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(iter_zip([entry]))))
    rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert rows[1][:3] == ["'=cmd|' /C calc'!A0", "'@evil.example", "'+Course"]
    assert rows[1][4] == "'-CODE"
