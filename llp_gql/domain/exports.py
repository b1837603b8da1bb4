"""Selecting a company's certificates for export, in batches of bounded size."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from llp_gql.domain import access, access_keys, issuance
from llp_gql.domain.companies import matching_people
from llp_gql.errors import NotFound, ValidationFailed
from llp_gql.models import Certificate, Company, Course, Enrollment, User
from llp_gql.settings import Settings

BATCH = 50  # certificates (with their PDFs) held in memory at once
FIRST_BATCH = 5
# What an archive entry and its manifest row are made of.
_EXPORTED = (
    "id",
    "learner_name",
    "learner_email",
    "course_title",
    "issued_at",
    "verification_code",
    "pdf",
    "sha256",
)


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


def _selected(company_id: int, selection: ExportFilter) -> QuerySet[Certificate]:
    """The matching certificates, unordered (VALIDATION for a filter that makes no sense).
    Only ASSIGNED enrollments carry a company, so an employee's own SELF courses (if any)
    never leak into the export."""
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
    return query


async def selected_ids(company_id: int, selection: ExportFilter) -> list[int]:
    """Ids of the matching certificates, oldest first (what the ZIP streams)."""
    ids: list[int] = (
        await _selected(company_id, selection)
        .order_by(  # type: ignore[assignment]
            "issued_at", "id"
        )
        .values_list("id", flat=True)
    )
    return ids


@dataclass(frozen=True, slots=True)
class SelectionPreview:
    count: int  # how many certificates the ZIP of the same filter holds
    newest: list[Certificate]  # the newest of them, newest first (no PDF loaded)


async def preview_selection(
    company_id: int, selection: ExportFilter, rows: int
) -> SelectionPreview:
    """What the export page shows of a selection: a COUNT and the ``rows`` newest (one
    LIMITed statement), the same query the ZIP streams, never every id of the company."""
    query = _selected(company_id, selection)
    newest = query.order_by("-issued_at", "-id").limit(rows)
    return SelectionPreview(
        count=await query.count(),
        newest=list(await newest.only("id", "learner_name", "course_title", "issued_at")),
    )


async def iter_certificates(ids: list[int], *, settings: Settings) -> AsyncIterator[Certificate]:
    """The certificates of ``ids`` with their PDFs, ``BATCH`` at a time (constant memory):
    the columns the archive and its manifest need, not the snapshot's logo, signature
    and template, which only a drawing needs.

    A PDF not drawn yet (the queue is behind) is drawn here, from the whole row, and
    stored."""
    # A small first batch: the archive's first bytes leave after 5 PDFs are read, not 50.
    bounds = [0, *range(FIRST_BATCH, len(ids), BATCH)] if ids else []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] if index + 1 < len(bounds) else len(ids)
        chunk = ids[start:end]
        found = Certificate.filter(id__in=chunk).only(*_EXPORTED)
        rows = {row.id: row for row in await found}
        for certificate_id in chunk:
            row = rows.get(certificate_id)
            if row is not None and row.sha256 == issuance.PENDING:
                row = await Certificate.get_or_none(id=certificate_id)
            if row is None:  # removed since the selection: skip it
                continue
            try:
                _ = await issuance.ensure_pdf(row, settings=settings)
            except NotFound:
                continue
            yield row


async def export_courses(company: Company) -> list[Course]:
    """The courses the export form offers (``company`` from ``company_for_export``): those
    the company assigned, by title, found by a semi-join (no enrollment is read)."""
    assigned = Enrollment.filter(company_id=company.id)
    courses = Course.filter(id__in=Subquery(assigned.values("course_id")))
    return list(await courses.order_by("title", "id"))


def _certified_people(company: Company) -> QuerySet[User]:
    """The members with a certificate of the company (a filter naming anyone else would
    export nothing), by a semi-join on the certificates."""
    certified = Certificate.filter(enrollment__company_id=company.id)
    return User.filter(
        company_id=company.id, id__in=Subquery(certified.values("enrollment__learner_id"))
    )


async def people_to_export(company: Company, search: str, limit: int) -> list[User]:
    """At most ``limit`` members with a certificate whose name or email contains
    ``search`` (the employee list's match), by name; none for an empty search. LIMITed in
    SQL: a company of 10,000 certified people is never listed whole."""
    if not search:
        return []
    found = matching_people(_certified_people(company), search).order_by("name", "id")
    return list(await found.limit(limit).only("id", "name", "email"))


async def person_to_export(company: Company, learner_id: int | None) -> User | None:
    """The member an ``employee=`` filter names, to say whom the export is narrowed to;
    None when it names nobody of the company (the selection is then empty)."""
    if learner_id is None:
        return None
    found = User.filter(company_id=company.id, id=learner_id).only("id", "name", "email")
    return await found.first()
