"""Reading the audit log: a company's events newest first, with the names of the people.

Newest first means by the time of the event (``at``), ties by id: an import or a
backdated clock may write rows whose ids are not in time order, so ordering by id
alone showed them out of order. Pages are cut by keyset (the last row of a page is
the cursor of the next), which stays right while new events arrive and costs the
same on page 1,000 as on page 1.

The log holds ids, never foreign keys (``llp_gql.models.audit``), so the people are
looked up by id, once per page for all its rows; one who is gone reads as
``REMOVED_PERSON``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from llp_gql.domain import access, access_company
from llp_gql.models import AuditEvent, Company, User

REMOVED_PERSON = "(removed person)"


@dataclass(frozen=True, slots=True)
class AuditRow:
    event: AuditEvent
    actor_name: str | None  # None: done by the system (no actor)
    person_name: str | None  # the person the event is about; None: not about a person


@dataclass(frozen=True, slots=True)
class AuditPage:
    company: Company
    rows: list[AuditRow]
    total: int
    # The cursor of the next (older) page; None on the last page.
    older: int | None
    first: bool


def person_of(event: AuditEvent) -> int | None:
    """The id of the person an event is about: its subject when that is a user, else
    the learner its details name (enrollments, certificates, attempts)."""
    if event.subject_type == "user":
        return event.subject_id
    # JSON from the database: typed as a dict, but older rows may hold anything.
    details: object = event.details
    if not isinstance(details, dict):
        return None
    learner = details.get("learner_id")
    return learner if isinstance(learner, int) else None


async def audit_page(
    viewer: access.Viewer, action: str | None, before: int | None, size: int
) -> AuditPage:
    """One page of the viewer's company's log, of one ``action`` or all: the ``size``
    events that come after the event ``before`` (an id from a previous page's
    ``older``; None or unknown: the newest), with the actor's and the person's names.
    Four queries on any page (company, count, rows, names), and the cursor row past
    the first."""
    company = await access.access_own_company(viewer)
    query = access_company.visible_audit_events(viewer)
    if action:
        query = query.filter(action=action)
    total = await query.count()
    page = query
    anchor = None
    if before is not None:
        anchor = await query.filter(id=before).only("id", "at").first()
    if anchor is not None:
        page = query.filter(Q(at__lt=anchor.at) | Q(at=anchor.at, id__lt=anchor.id))
    events = list(await page.order_by("-at", "-id").limit(size + 1))
    more = len(events) > size
    events = events[:size]
    ids = {event.actor_id for event in events if event.actor_id is not None}
    ids |= {p for p in map(person_of, events) if p is not None}
    names: dict[int, str] = {}
    if ids:
        for row in await User.filter(id__in=ids).values("id", "name"):
            names[row["id"]] = row["name"]

    def name(user_id: int | None) -> str | None:
        return None if user_id is None else names.get(user_id, REMOVED_PERSON)

    rows = [AuditRow(event, name(event.actor_id), name(person_of(event))) for event in events]
    return AuditPage(
        company=company,
        rows=rows,
        total=total,
        older=events[-1].id if more and events else None,
        first=anchor is None,
    )
