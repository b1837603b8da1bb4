"""The entry points: preview or apply a CSV given as text (GraphQL), or upload, preview
and apply a stored file (the admin UI), and the template and housekeeping."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from llp_gql.csvcells import safe_cell
from llp_gql.domain import access, access_company
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.imports import codes
from llp_gql.domain.imports.apply import apply_rows
from llp_gql.domain.imports.parse import decode, parse
from llp_gql.domain.imports.plan import ImportPreview, plan
from llp_gql.domain.imports.rows import CheckedRow, check_rows
from llp_gql.errors import Conflict
from llp_gql.models import EmployeeImport
from llp_gql.settings import Settings

MAX_FILENAME = 255


def _checked(text: str, settings: Settings, now: datetime) -> list[CheckedRow]:
    if len(text.encode()) > settings.import_max_bytes:
        raise codes.file_too_large(settings.import_max_bytes)
    parsed = parse(text, max_rows=settings.import_max_rows)
    return check_rows(parsed.rows, today=now.date())


async def import_csv(
    viewer: access.Viewer,
    text: str,
    *,
    dry_run: bool,
    settings: Settings,
    clock: Clock = utcnow,
) -> ImportPreview:
    """Preview (``dry_run``) or apply a CSV given as text, for the viewer's company."""
    company = await access.access_own_company(viewer)
    now = clock()
    checked = _checked(text, settings, now)
    if dry_run:
        return await plan(company.id, checked)
    return await apply_rows(viewer, checked, now=now)


@dataclass(frozen=True, slots=True)
class StoredImport:
    id: int
    filename: str
    created_at: datetime
    applied_at: datetime | None
    preview: ImportPreview


async def upload(
    viewer: access.Viewer,
    filename: str,
    data: bytes,
    *,
    settings: Settings,
    clock: Clock = utcnow,
) -> int:
    """Store an uploaded file for its preview; a file-level problem raises and stores
    nothing. Returns the stored import's id."""
    admin = access.require_user(viewer)
    company = await access.access_own_company(admin)
    now = clock()
    text = decode(data, max_bytes=settings.import_max_bytes)
    _ = _checked(text, settings, now)
    name = "".join(ch for ch in filename if ch.isprintable())[:MAX_FILENAME] or "import.csv"
    stored = await EmployeeImport.create(
        company_id=company.id,
        uploaded_by_id=admin.id,
        filename=name,
        content=text,
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=now,
    )
    return stored.id


def _fresh(upload: EmployeeImport, settings: Settings, now: datetime) -> None:
    if upload.created_at < now - timedelta(seconds=settings.import_keep_seconds):
        raise Conflict("This upload has expired; upload the file again.")


async def stored_preview(
    viewer: access.Viewer, import_id: int, *, settings: Settings, clock: Clock = utcnow
) -> StoredImport:
    """The preview of a stored upload (as the database is now)."""
    upload = await access_company.access_employee_import(viewer, import_id)
    now = clock()
    checked = _checked(upload.content, settings, now)
    preview = await plan(upload.company_id, checked)
    return StoredImport(upload.id, upload.filename, upload.created_at, upload.applied_at, preview)


async def apply_stored(
    viewer: access.Viewer, import_id: int, *, settings: Settings, clock: Clock = utcnow
) -> StoredImport:
    """Apply exactly the stored file, once: CONFLICT when applied already or expired."""
    upload = await access_company.access_employee_import(viewer, import_id)
    now = clock()
    if upload.applied_at is not None:
        raise Conflict("This file was applied already; upload it again to re-check it.")
    _fresh(upload, settings, now)
    checked = _checked(upload.content, settings, now)
    preview = await apply_rows(
        viewer, checked, now=now, import_id=upload.id, filename=upload.filename
    )
    return StoredImport(upload.id, upload.filename, upload.created_at, now, preview)


async def prune_uploads(*, settings: Settings, now: datetime) -> int:
    """Delete stored uploads older than ``LLP_IMPORT_KEEP_SECONDS`` (a day by default)."""
    cutoff = now - timedelta(seconds=settings.import_keep_seconds)
    deleted: int = await EmployeeImport.filter(created_at__lt=cutoff).delete()
    return deleted


TEMPLATE_ROWS = (
    ("email", "name", "group", "courses", "due_date"),
    ("ada.lovelace@example.com", "Ada Lovelace", "Engineering", "Fire Safety; First Aid", ""),
    ("grace.hopper@example.com", "Grace Hopper", "Operations", "Fire Safety", "2030-06-30"),
)


def template_csv(course_titles: list[str] | None = None) -> str:
    """The template file: the header and two example rows (UTF-8 with a BOM for Excel)."""
    rows = [list(r) for r in TEMPLATE_ROWS]
    if course_titles:
        rows[1][3] = "; ".join(course_titles[:2])
        rows[2][3] = course_titles[0]
    lines = [",".join(_quoted(safe_cell(cell)) for cell in row) for row in rows]
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def _quoted(cell: str) -> str:
    if any(ch in cell for ch in ',"\r\n;'):
        return '"' + cell.replace('"', '""') + '"'
    return cell
