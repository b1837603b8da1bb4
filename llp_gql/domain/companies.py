"""A company as its admins see it (dashboard figures, logo, employees, audit log) and
the staff's list of companies.

Which rows a viewer may see is decided in ``access`` (``access_own_company`` and
the ``visible_*`` queries); this module narrows, counts and pages them in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit
from llp_gql.domain.paging import Page, fetch_page
from llp_gql.errors import NotFound
from llp_gql.models import Certificate, Course, Enrollment, Role, User
from llp_gql.models import Company as Company  # re-exported: the row pages are handed


def matching_people(query: QuerySet[User], search: str) -> QuerySet[User]:
    """People whose name or email contains ``search`` (all of them for '')."""
    if not search:
        return query
    return query.filter(Q(name__icontains=search) | Q(email__icontains=search))


# Which people a list shows: everyone (leavers marked), only the active, only leavers.
ALL, ACTIVE, LEFT = "all", "active", "left"
MEMBERSHIP_FILTERS = (ALL, ACTIVE, LEFT)


def with_membership(query: QuerySet[User], which: str) -> QuerySet[User]:
    """Narrow people to the active ones (ACTIVE), the deactivated (LEFT), or not (ALL)."""
    if which == ACTIVE:
        return query.filter(deactivated_at__isnull=True)
    if which == LEFT:
        return query.filter(deactivated_at__isnull=False)
    return query


# -- the dashboard -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CourseFigures:
    title: str
    assigned: int
    completed: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    company: Company
    members: int
    admins: int
    assigned: int
    completed: int
    certificates_since: int  # issued since the ``since`` asked for
    # Completions in each ``[start, next start)`` of the month starts asked for.
    completions_by_month: list[int]
    courses: list[CourseFigures]  # per course assigned, in no particular order


async def dashboard(
    viewer: access.Viewer, *, since: datetime, month_starts: list[datetime]
) -> Dashboard:
    """The figures of the company the viewer administers, counted by the database.

    Constant work in Python whatever the company's size: five queries, each an
    aggregate (the per-course counts and the per-month completions are grouped or
    filtered in SQL; nothing reads one row per enrollment)."""
    company = await access.access_own_company(viewer)
    people = await (
        User.filter(company_id=company.id)
        .annotate(
            members=Count("id"),
            admins=Count("id", _filter=Q(role=Role.COMPANY_ADMIN)),
        )
        .values("members", "admins")
    )
    # One conditional count per month: [start, next start), the last one open-ended.
    ends: list[datetime | None] = [*month_starts[1:], None]
    per_month = {
        f"m{index}": Count(
            "id",
            _filter=Q(completed_at__gte=start)
            if end is None
            else Q(completed_at__gte=start, completed_at__lt=end),
        )
        for index, (start, end) in enumerate(zip(month_starts, ends, strict=True))
    }
    months = (
        await Enrollment.filter(company_id=company.id).annotate(**per_month).values(*per_month)
    )[0]
    per_course = (
        await Enrollment.filter(company_id=company.id)
        .annotate(assigned=Count("id"), completed=Count("completed_at"))
        .group_by("course_id")
        .values("course_id", "assigned", "completed")
    )
    certificates = await Certificate.filter(
        enrollment__company_id=company.id, issued_at__gte=since
    ).count()
    course_ids = {row["course_id"] for row in per_course}
    titles = {c.id: c.title for c in await Course.filter(id__in=course_ids).only("id", "title")}
    return Dashboard(
        company=company,
        members=people[0]["members"],
        admins=people[0]["admins"],
        assigned=sum(row["assigned"] for row in per_course),
        completed=sum(row["completed"] for row in per_course),
        certificates_since=certificates,
        completions_by_month=[int(months[key] or 0) for key in per_month],
        courses=[
            CourseFigures(str(titles.get(row["course_id"], "?")), row["assigned"], row["completed"])
            for row in per_course
        ],
    )


# -- the logo ----------------------------------------------------------------------------


async def set_logo(viewer: access.Viewer, stored: bytes, *, at: datetime) -> Company:
    """Store an already validated logo (``llp_gql.certs.logo.validate_logo``) on the
    company the viewer administers, and audit it."""
    user = access.require_user(viewer)
    company = await access.access_own_company(user)
    company.logo = stored
    company.logo_updated_at = at
    async with in_transaction():
        await company.save(update_fields=["logo", "logo_updated_at"])
        await audit.record(
            audit.LOGO_UPLOADED,
            actor=user,
            subject_type="company",
            subject_id=company.id,
            company_id=company.id,
            at=at,
            details={"bytes": len(stored)},
        )
    return company


async def logo(viewer: access.Viewer) -> bytes:
    """The logo of the company the viewer administers; NOT_FOUND when it has none."""
    company = await access.access_own_company(viewer)
    if not company.logo:
        raise NotFound("Logo")
    return bytes(company.logo)


# -- employees ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmployeeRow:
    person: User
    assigned: int
    completed: int


@dataclass(frozen=True, slots=True)
class Employees:
    company: Company
    page: Page[EmployeeRow]
    company_size: int


async def employees(
    viewer: access.Viewer,
    search: str,
    page: int,
    size: int,
    *,
    group_id: int | None = None,
    which: str = ALL,
) -> Employees:
    """One page of the admin's company members (by name), each with their enrollments
    and completions; paged in SQL. ``group_id`` (already access-checked, see
    ``groups.group_of``) keeps the members of that group; ``which``: ALL, ACTIVE or
    LEFT (see with_membership)."""
    company = await access.access_own_company(viewer)
    members = access.visible_users(viewer).filter(company_id=company.id)
    if group_id is not None:
        members = members.filter(group_id=group_id)
    found = await fetch_page(
        with_membership(matching_people(members, search), which),
        page,
        size,
        order_by=("name", "id"),
    )
    # Counted by the database, a row per person of the page (not one per enrollment).
    rows = (
        await Enrollment.filter(learner_id__in=[p.id for p in found.items])
        .annotate(assigned=Count("id"), completed=Count("completed_at"))
        .group_by("learner_id")
        .values("learner_id", "assigned", "completed")
    )
    counts: dict[int, list[int]] = {p.id: [0, 0] for p in found.items}
    for row in rows:
        counts[row["learner_id"]] = [row["assigned"], row["completed"]]
    return Employees(
        company=company,
        page=found.with_items(
            [EmployeeRow(p, *counts[p.id]) for p in found.items],
        ),
        # Unfiltered, the page's own count is the company's size: one COUNT, not two.
        company_size=(
            found.total
            if not search and group_id is None and which == ALL
            else await members.count()
        ),
    )


# -- every company (staff) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompanyRow:
    company: Company
    members: int
    admin_emails: list[str]
    assigned: int


async def company_rows(
    viewer: access.Viewer, search: str, page: int, size: int
) -> Page[CompanyRow]:
    """One page of the companies the viewer may list (staff: all), by name, with their
    member count, admins and enrollments."""
    query = access.visible_companies(viewer)
    if search:
        query = query.filter(name__icontains=search)
    found = await fetch_page(
        query, page, size, order_by=("name", "id"), annotations={"members_count": Count("members")}
    )
    ids = [c.id for c in found.items]
    admins: dict[int, list[str]] = {i: [] for i in ids}
    for admin in await User.filter(company_id__in=ids, role=Role.COMPANY_ADMIN).order_by("email"):
        admins[admin.company_id or 0].append(admin.email)
    assigned: dict[int, int] = dict.fromkeys(ids, 0)
    for row in await Enrollment.filter(company_id__in=ids).values("company_id"):
        assigned[row["company_id"]] += 1
    return found.with_items(
        [
            CompanyRow(c, getattr(c, "members_count", 0), admins[c.id], assigned[c.id])
            for c in found.items
        ],
    )


async def company_names(viewer: access.Viewer, ids: set[int]) -> dict[int, str]:
    """Names of the companies of ``ids`` the viewer may list, by id (support pages say
    whose employee someone is)."""
    if not ids:
        return {}
    query = access.visible_companies(viewer).filter(id__in=ids).only("id", "name")
    return {c.id: c.name for c in await query}
