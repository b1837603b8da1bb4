"""Who is where: the progress matrix of a company, one enrollment in detail, and a
learner's enrollments. Read-only views for the admin UI.

Every function loads only what ``access`` lets the viewer see; states come from
``progress.load_states`` (two queries whatever the number of enrollments).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Subquery

from llp_gql.domain import access, progress, quizzes
from llp_gql.domain.clock import utcnow
from llp_gql.domain.companies import ALL
from llp_gql.domain.deadlines import is_overdue
from llp_gql.domain.matrix_filter import MatrixFilter, filtered_people
from llp_gql.domain.paging import Page, fetch_page
from llp_gql.domain.state import EnrollmentState
from llp_gql.errors import NotFound
from llp_gql.models import Certificate, Company, Course, EnrollmentSource, User
from llp_gql.models import Enrollment as Enrollment  # re-exported: the row pages are handed


@dataclass(frozen=True, slots=True)
class Matrix:
    company: Company
    people: Page[User]
    courses: list[Course]  # every course the company assigned, by title
    cells: dict[tuple[int, int], tuple[Enrollment, EnrollmentState]]  # (learner, course)
    overdue: set[int]  # ids of the cells' enrollments that are overdue


async def progress_matrix(
    viewer: access.Viewer,
    search: str,
    page: int,
    size: int,
    *,
    group_id: int | None = None,
    overdue_only: bool = False,
    which: str = ALL,
    now: datetime | None = None,
) -> Matrix:
    """One page of the admin's company members (by name) against every course the
    company assigned; a cell per enrollment with its state. Paged in SQL.

    ``group_id`` (access-checked by ``groups.group_of``) keeps that group's members;
    ``overdue_only`` keeps the people with at least one overdue assignment at ``now``.
    People who left stay in it (``which`` narrows: see companies.with_membership)."""
    company = await access.access_own_company(viewer)
    moment = now or utcnow()
    selection = MatrixFilter(search, group_id, overdue_only, which)
    people = await fetch_page(
        filtered_people(viewer, company.id, selection, moment),
        page,
        size,
        order_by=("name", "id"),
    )
    assigned = Enrollment.filter(company_id=company.id)
    # The columns: courses with at least one enrollment of this company, found by the
    # database (a semi-join on the enrollment indexes), not by reading every enrollment.
    courses = await Course.filter(id__in=Subquery(assigned.values("course_id"))).order_by(
        "title", "id"
    )
    items = await assigned.filter(learner_id__in=[p.id for p in people.items])
    states = await progress.load_states(items)
    return Matrix(
        company=company,
        people=people,
        courses=list(courses),
        cells={(e.learner_id, e.course_id): (e, states[e.id]) for e in items},
        overdue={e.id for e in items if is_overdue(e, moment)},
    )


@dataclass(frozen=True, slots=True)
class EnrollmentDetail:
    enrollment: Enrollment
    learner: User
    course: Course
    assigned_by: User | None
    state: EnrollmentState
    certificate: Certificate | None
    assigned: bool
    may_download: bool
    may_remove: bool
    grantable: set[int]  # quizzes the viewer may grant extra attempts in


async def enrollment_detail(viewer: access.Viewer, enrollment: Enrollment) -> EnrollmentDetail:
    """One enrollment (already loaded through ``access.access_enrollment``) with its
    learner, course, state, certificate and what the viewer may do with it."""
    if not access.may_view_enrollment(viewer, enrollment):
        raise NotFound("Enrollment")
    learner = await User.get(id=enrollment.learner_id)
    course = await Course.get(id=enrollment.course_id)
    assigned_by = (
        await User.get_or_none(id=enrollment.assigned_by_id) if enrollment.assigned_by_id else None
    )
    state = await progress.load_state(enrollment)
    certificate = await Certificate.get_or_none(enrollment_id=enrollment.id).only(
        "id", "issued_at", "course_title", "learner_name", "enrollment_id"
    )
    return EnrollmentDetail(
        enrollment=enrollment,
        learner=learner,
        course=course,
        assigned_by=assigned_by,
        state=state,
        certificate=certificate,
        assigned=enrollment.source == EnrollmentSource.ASSIGNED,
        may_download=access.may_download_certificate(viewer, enrollment),
        may_remove=access.is_company_admin(viewer)
        and access.may_manage_enrollment(viewer, enrollment),
        grantable=quizzes.grantable_quizzes(viewer, enrollment, state),
    )


@dataclass(frozen=True, slots=True)
class LearnerEnrollment:
    enrollment: Enrollment
    title: str
    state: EnrollmentState
    certified: bool
    overdue: bool = False


async def learner_enrollments(
    viewer: access.Viewer, learner: User, *, now: datetime | None = None
) -> list[LearnerEnrollment]:
    """Every enrollment of a person the viewer may see, oldest first, with its state and
    whether it has a certificate; four queries."""
    if not access.may_view_user(viewer, learner):
        raise NotFound("User")
    items = await Enrollment.filter(learner_id=learner.id).order_by("created_at")
    states = await progress.load_states(items)
    titles = {
        c.id: c.title
        for c in await Course.filter(id__in=[e.course_id for e in items]).only("id", "title")
    }
    certified = {
        row["enrollment_id"]
        for row in await Certificate.filter(enrollment_id__in=[e.id for e in items]).values(
            "enrollment_id"
        )
    }
    return [
        LearnerEnrollment(
            e,
            titles.get(e.course_id, "?"),
            states[e.id],
            e.id in certified,
            is_overdue(e, now or utcnow()),
        )
        for e in items
    ]
