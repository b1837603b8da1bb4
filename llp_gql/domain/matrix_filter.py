"""The filters of the progress matrix, read once for every view that offers them.

The matrix page (``/admin/progress``), the compliance report (page, CSV and XLSX) and
anything that stores a report's filters (a subscription) read the same four query
parameters with :func:`parse_matrix_filter` and narrow people with
:func:`filtered_people`, so a link copied from one view selects the same people in
the other:

- ``q``: part of a name or an email (at most ``MAX_SEARCH`` characters);
- ``group``: a group id of the admin's company (checked by ``groups.group_of``);
- ``overdue=1``: only what is overdue (people with an overdue assignment in the
  matrix, overdue assignments in the report);
- ``people``: ``all`` (default), ``active`` or ``left``.

The matrix is lenient, as it always was (a value it cannot read is ignored); downloads
are strict (``strict=True``): a value that cannot be read is refused with VALIDATION
naming the parameter, so a file never silently holds other rows than asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from llp_gql.domain import access
from llp_gql.domain.companies import ALL, MEMBERSHIP_FILTERS, matching_people, with_membership
from llp_gql.domain.deadlines import with_overdue
from llp_gql.errors import ValidationFailed
from llp_gql.models import Enrollment, User

MAX_SEARCH = 100  # characters of ``q``; the admin pages' search boxes allow as many
MAX_ID = 2**31 - 1  # ids are 32-bit columns
PARAMETERS = ("q", "group", "overdue", "people")


@dataclass(frozen=True, slots=True)
class MatrixFilter:
    search: str = ""
    group_id: int | None = None
    overdue_only: bool = False
    which: str = ALL

    def query_items(self) -> list[tuple[str, str]]:
        """The filter as query parameters (defaults left out), for links between views."""
        items = [
            ("q", self.search),
            ("group", "" if self.group_id is None else str(self.group_id)),
            ("overdue", "1" if self.overdue_only else ""),
            ("people", "" if self.which == ALL else self.which),
        ]
        return [(name, value) for name, value in items if value]


def parse_matrix_filter(params: Mapping[str, str], *, strict: bool = False) -> MatrixFilter:
    """The filter of a query string. Lenient: unreadable values are ignored (the matrix's
    behaviour). Strict: VALIDATION with ``field`` set to the parameter's name."""
    search = params.get("q", "").replace("\x00", "").strip()
    if len(search) > MAX_SEARCH:
        _refuse(strict, "q", f"Search for at most {MAX_SEARCH} characters.")
        search = search[:MAX_SEARCH].strip()
    group_id = _group_id(params.get("group", ""), strict)
    overdue = params.get("overdue", "").strip()
    if overdue not in ("", "1"):
        _refuse(strict, "overdue", "`overdue` must be 1 (overdue only) or left out.")
    which = params.get("people", "").strip() or ALL
    if which not in MEMBERSHIP_FILTERS:
        _refuse(strict, "people", "`people` must be one of: " + ", ".join(MEMBERSHIP_FILTERS) + ".")
        which = ALL
    return MatrixFilter(search=search, group_id=group_id, overdue_only=overdue == "1", which=which)


def _group_id(raw: str, strict: bool) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 10 and 0 < int(raw) <= MAX_ID:
        return int(raw)
    _refuse(strict, "group", "`group` must be the number of one of your groups.")
    return None


def _refuse(strict: bool, field: str, message: str) -> None:
    if strict:
        raise ValidationFailed(message, field=field)


def filtered_people(
    viewer: access.Viewer,
    company_id: int,
    selection: MatrixFilter,
    now: datetime,
    *,
    people_with_overdue: bool = True,
) -> QuerySet[User]:
    """The members of ``company_id`` the viewer may see that ``selection`` keeps (the
    group must have been checked with ``groups.group_of``). With ``people_with_overdue``
    the overdue filter keeps people with at least one overdue assignment at ``now`` (the
    matrix); without it, the caller narrows assignments itself (the report)."""
    members = access.visible_users(viewer).filter(company_id=company_id)
    if selection.group_id is not None:
        members = members.filter(group_id=selection.group_id)
    if selection.overdue_only and people_with_overdue:
        late = with_overdue(Enrollment.filter(company_id=company_id), True, now)
        members = members.filter(id__in=Subquery(late.values("learner_id")))
    return with_membership(matching_people(members, selection.search), selection.which)
