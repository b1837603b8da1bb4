"""Selecting a company's certificates for export, in batches of bounded size."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Subquery

from llp_gql.domain import access, access_keys, issuance
from llp_gql.errors import NotFound, ValidationFailed
from llp_gql.models import Certificate, Company, Course, Enrollment, User
from llp_gql.settings import Settings

BATCH = 50  # certificates (with their PDFs) held in memory at once


@dataclass(frozen=True, slots=True)
class ExportFilter:
    course_id: int | None = None
    learner_id: int | None = None
    group_id: int | None = None  # the learner's group now (access-checked by the caller)
    issued_from: datetime | None = None
    issued_to: datetime | None = None

    def check(self) -> None:
        if self.issued_from and self.issued_to and self.issued_from > self.issued_to:
            raise ValidationFailed("The start date is after the end date.", field="from")


async def company_for_export(viewer: access.Viewer) -> Company:
    """Only a company's admins export its certificates, in person: never an API key
    (keys never download certificates; docs/integrations.md)."""
    access_keys.require_person(viewer, "API keys cannot download certificates.")
    return await access.access_own_company(viewer)


async def selected_ids(company_id: int, selection: ExportFilter) -> list[int]:
    """Ids of the matching certificates, oldest first. Only ASSIGNED enrollments carry a
    company, so an employee's own SELF courses (if any) never leak into the export."""
    selection.check()
    query = Certificate.filter(enrollment__company_id=company_id)
    if selection.course_id is not None:
        query = query.filter(enrollment__course_id=selection.course_id)
    if selection.learner_id is not None:
        query = query.filter(enrollment__learner_id=selection.learner_id)
    if selection.group_id is not None:
        query = query.filter(enrollment__learner__group_id=selection.group_id)
    if selection.issued_from is not None:
        query = query.filter(issued_at__gte=selection.issued_from)
    if selection.issued_to is not None:
        query = query.filter(issued_at__lte=selection.issued_to)
    ids: list[int] = await query.order_by("issued_at", "id").values_list(  # type: ignore[assignment]
        "id", flat=True
    )
    return ids


async def iter_certificates(ids: list[int], *, settings: Settings) -> AsyncIterator[Certificate]:
    """The certificates of ``ids`` with their PDFs, ``BATCH`` at a time (constant memory).

    A PDF not drawn yet (the queue is behind) is drawn here and stored."""
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = {row.id: row for row in await Certificate.filter(id__in=chunk)}
        for certificate_id in chunk:
            row = rows.get(certificate_id)
            if row is None:  # removed since the selection: skip it
                continue
            try:
                _ = await issuance.ensure_pdf(row, settings=settings)
            except NotFound:
                continue
            yield row


@dataclass(frozen=True, slots=True)
class ExportChoices:
    courses: list[Course]  # the courses the company assigned, by title
    people: list[User]  # the members with a certificate to export, by name (id, name, email)


async def export_choices(company: Company) -> ExportChoices:
    """What the export form offers to filter on (``company`` from ``company_for_export``).

    Found by the database (semi-joins), not by reading every enrollment: only courses the
    company assigned, and only people who have a certificate of it (a filter naming
    anyone else would export nothing); people with the three columns the form shows."""
    assigned = Enrollment.filter(company_id=company.id)
    certified = Certificate.filter(enrollment__company_id=company.id)
    courses = Course.filter(id__in=Subquery(assigned.values("course_id")))
    people = User.filter(
        company_id=company.id, id__in=Subquery(certified.values("enrollment__learner_id"))
    )
    return ExportChoices(
        courses=list(await courses.order_by("title", "id")),
        people=list(await people.order_by("name", "id").only("id", "name", "email")),
    )


async def newest(ids: list[int], count: int) -> list[Certificate]:
    """The ``count`` newest of the selected certificates (``ids`` oldest first), newest
    first, for a preview."""
    if not ids:
        return []
    return list(await Certificate.filter(id__in=ids[-count:]).order_by("-issued_at", "-id"))
