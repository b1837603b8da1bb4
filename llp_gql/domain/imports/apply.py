"""Applying an import: all or nothing, in one transaction, and idempotent.

Inside the transaction the file is planned again against what the database holds
at that moment; any row with an error refuses the whole file (HAS_ERRORS) and
nothing is stored. Then, in batches: new groups, new people (EMPLOYEEs with the
PENDING password, their invitation jobs enqueued in the same transaction), name
and group changes, new assignments (``bulk_assign.assign_in_bulk``), and one
``employees.imported`` audit event with the counts. Applying the same file again
finds every row UNCHANGED and every course ALREADY_ASSIGNED, and changes nothing
(it still records the audit event: the admin did apply a file).

Two admins applying at once: a stored upload is claimed by a conditional UPDATE
of its ``applied_at`` (the second waits on PostgreSQL's row lock, then finds it
applied: CONFLICT); two stateless applies of one file meet at the unique email and
enrollment constraints, and the later one rolls back whole: CONFLICT.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit, bulk_assign, invitations
from llp_gql.domain.imports import codes
from llp_gql.domain.imports.plan import ImportPreview, RowResult, chunks, plan
from llp_gql.domain.imports.rows import CheckedRow
from llp_gql.errors import Conflict
from llp_gql.models import AccountType, EmployeeImport, Group, Role, User

_RACE = (
    "Someone changed these employees at the same moment; nothing was imported. "
    "Preview the file again."
)


async def _create_groups(
    company_id: int, names: list[str], db: BaseDBAsyncClient
) -> dict[str, int]:
    if names:
        await Group.bulk_create(
            [Group(company_id=company_id, name=name) for name in names], using_db=db
        )
    rows = await Group.filter(company_id=company_id).using_db(db).values("id", "name")
    return {str(row["name"]).casefold(): int(row["id"]) for row in rows}


def _group_id(result: RowResult, groups: dict[str, int]) -> int | None:
    return groups[result.group.casefold()] if result.group is not None else None


async def _create_people(
    company_id: int, rows: list[RowResult], groups: dict[str, int], db: BaseDBAsyncClient
) -> dict[str, int]:
    if not rows:
        return {}
    await User.bulk_create(
        [
            User(
                email=r.email,
                name=r.name,
                password_hash=invitations.PENDING,
                account_type=AccountType.EMPLOYEE,
                role=Role.LEARNER,
                company_id=company_id,
                group_id=_group_id(r, groups),
            )
            for r in rows
        ],
        batch_size=500,
        using_db=db,
    )
    ids: dict[str, int] = {}
    for chunk in chunks([r.email for r in rows]):
        for row in await User.filter(email__in=chunk).using_db(db).values("id", "email"):
            ids[str(row["email"])] = int(row["id"])
    return ids


async def _update_people(
    rows: list[RowResult], groups: dict[str, int], db: BaseDBAsyncClient
) -> None:
    with_group = [r for r in rows if r.group is not None]
    name_only = [r for r in rows if r.group is None]
    if with_group:
        await User.bulk_update(
            [User(id=r.user_id, name=r.name, group_id=_group_id(r, groups)) for r in with_group],
            fields=["name", "group_id"],
            batch_size=500,
            using_db=db,
        )
    if name_only:
        await User.bulk_update(
            [User(id=r.user_id, name=r.name) for r in name_only],
            fields=["name"],
            batch_size=500,
            using_db=db,
        )


async def _claim_upload(
    import_id: int, company_id: int, now: datetime, db: BaseDBAsyncClient
) -> None:
    claimed = (
        await EmployeeImport.filter(id=import_id, company_id=company_id, applied_at=None)
        .using_db(db)
        .update(applied_at=now)
    )
    if claimed != 1:
        raise Conflict("This file was applied already; upload it again to re-check it.")


async def apply_rows(
    viewer: access.Viewer,
    checked: list[CheckedRow],
    *,
    now: datetime,
    import_id: int | None = None,
    filename: str | None = None,
) -> ImportPreview:
    """Apply checked rows for the viewer's company (Company Admins only)."""
    admin = access.require_user(viewer)
    company = await access.access_own_company(admin)
    try:
        async with in_transaction() as db:
            if import_id is not None:
                await _claim_upload(import_id, company.id, now, db)
            preview = await plan(company.id, checked, db=db)
            if preview.totals.errors:
                raise codes.ImportFileError(
                    codes.HAS_ERRORS,
                    f"{preview.totals.errors} row(s) have errors; nothing was imported. "
                    "Fix them in the file and upload it again.",
                )
            groups = await _create_groups(company.id, preview.new_groups, db)
            new_rows = [r for r in preview.rows if r.outcome == codes.Outcome.NEW]
            created = await _create_people(company.id, new_rows, groups, db)
            for row in new_rows:
                row.user_id = created[row.email]
            await _update_people(
                [r for r in preview.rows if r.outcome == codes.Outcome.UPDATED], groups, db
            )
            await bulk_assign.assign_in_bulk(
                admin,
                company.id,
                [
                    bulk_assign.NewAssignment(
                        row.user_id,
                        row.email,
                        course.course_id,
                        course.title,
                        bulk_assign.due_at_of(row.due_date) if row.due_date else None,
                    )
                    for row in preview.rows
                    if row.user_id is not None
                    for course in row.courses
                    if course.assignment == codes.Assignment.NEW
                ],
                connection=db,
                at=now,
            )
            await invitations.enqueue_invitations(
                [created[r.email] for r in new_rows],
                invited_by=admin.id,
                connection=db,
                clock=lambda: now,
            )
            totals = preview.totals
            await audit.record(
                audit.EMPLOYEES_IMPORTED,
                actor=admin,
                subject_type="import",
                subject_id=import_id,
                company_id=company.id,
                at=now,
                details={
                    "filename": filename or "",
                    "count": totals.rows,
                    "new": totals.new,
                    "updated": totals.updated,
                    "unchanged": totals.unchanged,
                    "new_assignments": totals.new_assignments,
                    "new_groups": totals.new_groups,
                },
            )
    except IntegrityError:
        raise Conflict(_RACE) from None
    return ImportPreview(preview.rows, preview.totals, preview.new_groups, applied=True)
