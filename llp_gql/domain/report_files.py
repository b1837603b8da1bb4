"""The compliance report as files: CSV (streamed batch by batch) and XLSX.

CSV: UTF-8 with a byte order mark, so Excel opens names in any script as written;
every text cell passes ``csvcells.safe_cell`` (a leading apostrophe before anything
a spreadsheet would run as a formula); times in UTC as ``YYYY-MM-DD HH:MM``. Each
batch of rows becomes one chunk of bytes: memory holds one batch, whatever the size
of the report.

XLSX: openpyxl's write-only workbook, fed batch by batch from a worker thread (the
event loop never waits on it). openpyxl writes the rows to a temporary file and
builds the archive when it is saved, so the first byte of an XLSX comes after its
last row is read; the file is then streamed from disk in chunks. Text cells are
always text (never formulas); characters XML cannot carry are dropped.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import IO, Any

import anyio.to_thread
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from llp_gql.csvcells import safe_cell
from llp_gql.domain.reports import ComplianceReport, ReportRow, report_batches
from llp_gql.domain.state import EnrollmentStatus

HEADER = (
    "Name",
    "Email",
    "Membership",
    "Group",
    "Course",
    "Status",
    "Progress %",
    "Due (UTC)",
    "Overdue",
    "Completed (UTC)",
    "Certificate code",
)
# The learner app's words for a status (llp_gql/words.py; a test keeps them equal).
STATUS_WORDS = {
    EnrollmentStatus.NOT_STARTED: "Not started",
    EnrollmentStatus.IN_PROGRESS: "In progress",
    EnrollmentStatus.COMPLETED: "Completed",
}
BOM = "\ufeff"
CHUNK_BYTES = 64 * 1024  # an XLSX is read back from its temporary file this much at a time
TIME_FORMAT = "%Y-%m-%d %H:%M"


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _time_text(moment: datetime | None) -> str:
    value = _utc(moment)
    return value.strftime(TIME_FORMAT) if value else ""


def percent_text(value: float) -> str:
    """66.7, 100, 0: as the matrix prints it."""
    return f"{value:g}"


def cells(row: ReportRow) -> list[str]:
    """One CSV line's cells, every text one formula-safe."""
    return [
        safe_cell(row.name),
        safe_cell(row.email),
        "active" if row.active else "left",
        safe_cell(row.group or ""),
        safe_cell(row.course),
        STATUS_WORDS[row.status],
        percent_text(row.progress_percent),
        _time_text(row.due_at),
        "yes" if row.overdue else "no",
        _time_text(row.completed_at),
        safe_cell(row.certificate_code or ""),
    ]


def _csv_text(lines: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(lines)
    return buffer.getvalue()


async def csv_chunks(report: ComplianceReport, *, batch: int = 1000) -> AsyncIterator[bytes]:
    """The report as CSV: the BOM and header first (at once), then one chunk per batch."""
    yield (BOM + _csv_text([list(HEADER)])).encode("utf-8")
    async for rows in report_batches(report, batch=batch):
        yield _csv_text([cells(row) for row in rows]).encode("utf-8")


# -- XLSX ----------------------------------------------------------------------------------


def _text_cell(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; text stays text
    return cell


def _time_cell(sheet: WriteOnlyWorksheet, moment: datetime | None) -> WriteOnlyCell | None:
    value = _utc(moment)
    if value is None:
        return None
    # Excel has no time zones: the column header says UTC.
    cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
    cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def _xlsx_line(sheet: WriteOnlyWorksheet, row: ReportRow) -> list[Any]:
    return [
        _text_cell(sheet, row.name),
        _text_cell(sheet, row.email),
        "active" if row.active else "left",
        _text_cell(sheet, row.group or ""),
        _text_cell(sheet, row.course),
        STATUS_WORDS[row.status],
        row.progress_percent,
        _time_cell(sheet, row.due_at),
        "yes" if row.overdue else "no",
        _time_cell(sheet, row.completed_at),
        row.certificate_code or "",
    ]


def _append(sheet: WriteOnlyWorksheet, rows: list[ReportRow]) -> None:
    for row in rows:
        sheet.append(_xlsx_line(sheet, row))


async def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    return await anyio.to_thread.run_sync(function, *args)


async def xlsx_chunks(report: ComplianceReport, *, batch: int = 1000) -> AsyncIterator[bytes]:
    """The report as an XLSX workbook (one sheet), built on disk, then read back in
    ``CHUNK_BYTES`` chunks. The temporary files are gone when the iterator ends,
    also when the client goes away half-way."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Compliance")
    sheet.append(list(HEADER))
    out: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finally
    try:
        async for rows in report_batches(report, batch=batch):
            await _in_thread(_append, sheet, rows)
        await _in_thread(workbook.save, out)
        _ = out.seek(0)
        while chunk := await _in_thread(out.read, CHUNK_BYTES):
            yield chunk
    finally:
        await _in_thread(_discard, sheet)
        out.close()


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Remove the temporary file of the sheet's rows if saving did not (the client left
    half-way); openpyxl would otherwise keep it until the process ends."""
    writer = getattr(sheet, "_writer", None)
    if writer is None:
        return
    if not sheet.closed:
        sheet.close()
    if isinstance(writer.out, str) and os.path.exists(writer.out):
        writer.cleanup()
