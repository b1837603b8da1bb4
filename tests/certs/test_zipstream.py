"""Streaming ZIP export: contents, manifest, safe unique names, bounded memory."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import tracemalloc
import zipfile
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime

import pytest

from llp_gql.certs.zipstream import MANIFEST_COLUMNS, ExportEntry, iter_zip, stream_zip

ISSUED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
SAFE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.pdf$")


def entry(
    employee: str = "Ada Lovelace", *, code: str = "K7QF3XRM9DWA", **changes: object
) -> ExportEntry:
    fields: dict[str, object] = {
        "employee": employee,
        "email": "ada@example.com",
        "course": "Leading Through Change",
        "issued_at": ISSUED,
        "code": code,
        "pdf": b"%PDF-1.7 " + employee.encode() + b" " + code.encode(),
    }
    fields.update(changes)
    return ExportEntry(**fields)  # type: ignore[arg-type]


async def feed(entries: Iterable[ExportEntry]) -> AsyncIterator[ExportEntry]:
    for item in entries:
        yield item


async def archive(entries: Iterable[ExportEntry], **options: str) -> zipfile.ZipFile:
    chunks = [chunk async for chunk in stream_zip(feed(entries), **options)]
    data = b"".join(chunks)
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.testzip() is None  # every CRC checks out
    return zf


def manifest(zf: zipfile.ZipFile, name: str = "manifest.csv") -> list[dict[str, str]]:
    text = zf.read(name).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == MANIFEST_COLUMNS
    return list(reader)


@pytest.mark.asyncio
async def test_contents_and_manifest_round_trip() -> None:
    # Given three certificates
    entries = [
        entry("Ada Lovelace", code="AAAA1111"),
        entry("Zoë Ångström", code="BBBB2222", email="zoe@example.com"),
        entry("王小明", code="CCCC3333", course="领导力"),
    ]

    # When they are exported
    zf = await archive(entries)

    # Then each PDF is there byte for byte, and the manifest describes it, last
    rows = manifest(zf)
    assert zf.namelist()[-1] == "manifest.csv"
    assert len(rows) == 3
    for item, row in zip(entries, rows, strict=True):
        assert zf.read(row["file"]) == item.pdf
        assert row["employee"] == item.employee
        assert row["email"] == item.email
        assert row["course"] == item.course
        assert row["issued"] == "2026-11-28"
        assert row["code"] == item.code
        assert row["sha256"] == hashlib.sha256(item.pdf).hexdigest()


@pytest.mark.asyncio
async def test_file_names_are_safe_and_unique() -> None:
    entries = [
        entry("Ada Lovelace", code="SAMEPREFIX-1"),
        entry("Ada Lovelace", code="SAMEPREFIX-2"),  # same name, course and code prefix
        entry("Ada Lovelace", code="SAMEPREFIX-3"),
        entry("../../etc/passwd", code="X1"),
        entry("C:\\Windows\\system32 <con>", code="X2"),
        entry("Zoë Ångström", code="X3"),
        entry("王小明", code="X4"),
        entry("", code="", course=""),
        entry("ADA LOVELACE", code="samePREFIX"),  # differs from the first only by case
    ]

    names = [row["file"] for row in manifest(await archive(entries))]

    assert len(set(names)) == len(names)
    assert len({name.lower() for name in names}) == len(names)
    assert all(SAFE_NAME.match(name) for name in names), names
    assert names[0] == "ada-lovelace-leading-through-change-samepref.pdf"
    assert names[1] == "ada-lovelace-leading-through-change-samepref-2.pdf"
    assert names[3].startswith("etc-passwd-")
    assert names[5].startswith("zoe-angstrom-")
    assert names[6].startswith("learner-")


@pytest.mark.asyncio
async def test_spreadsheet_formulas_in_the_manifest_are_neutralised() -> None:
    zf = await archive([entry('=HYPERLINK("http://evil")', email="+1@x", course="@SUM(A1)")])

    row = manifest(zf)[0]
    assert row["employee"] == '\'=HYPERLINK("http://evil")'
    assert row["email"] == "'+1@x"
    assert row["course"] == "'@SUM(A1)"


@pytest.mark.asyncio
async def test_empty_export_is_a_valid_archive_with_a_header_only_manifest() -> None:
    zf = await archive([])

    assert zf.namelist() == ["manifest.csv"]
    assert manifest(zf) == []


@pytest.mark.asyncio
async def test_manifest_name_can_be_chosen() -> None:
    zf = await archive([entry()], manifest_name="certificates.csv")

    assert zf.namelist()[-1] == "certificates.csv"
    assert len(manifest(zf, "certificates.csv")) == 1


@pytest.mark.asyncio
async def test_first_bytes_leave_before_the_rest_is_read() -> None:
    pulled = 0

    async def counting() -> AsyncIterator[ExportEntry]:
        nonlocal pulled
        for index in range(10):
            pulled += 1
            yield entry(code=f"C{index}")

    stream = stream_zip(counting())
    first = await anext(stream)

    assert first.startswith(b"PK\x03\x04")
    assert pulled == 1
    await stream.aclose()


def test_same_entries_give_the_same_archive() -> None:
    entries = [entry(code=f"C{i}") for i in range(5)]

    assert b"".join(iter_zip(entries)) == b"".join(iter_zip(entries))


def test_entry_time_is_the_issue_time() -> None:
    data = b"".join(iter_zip([entry()]))

    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert info.date_time == (2026, 11, 28, 9, 30, 0)
    assert info.flag_bits & 0x08 == 0  # sizes in the local header, no data descriptor


@pytest.mark.asyncio
async def test_memory_stays_bounded_for_a_thousand_entries() -> None:
    # Given 1,000 certificates of 30 kB (incompressible, the worst case), made
    # one at a time as a database cursor would, 30 MB in all
    count, size = 1000, 30_000

    async def cursor() -> AsyncIterator[ExportEntry]:
        for index in range(count):
            yield entry(f"Learner {index}", code=f"CODE{index:06d}", pdf=os.urandom(size))

    with tempfile.TemporaryFile() as sink:
        # When the archive is streamed to a file (not kept in memory)
        tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            async for chunk in stream_zip(cursor()):
                sink.write(chunk)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

        # Then memory grew by a small fraction of the data, not with it
        growth = peak - baseline
        assert growth < 5 * 1024 * 1024, f"peak growth {growth / 1e6:.1f} MB"

        # And the archive is complete and correct
        sink.seek(0)
        with zipfile.ZipFile(sink) as zf:
            assert zf.testzip() is None
            rows = manifest(zf)
            assert len(rows) == count
            assert len(zf.namelist()) == count + 1
            assert zf.getinfo(rows[-1]["file"]).file_size == size
