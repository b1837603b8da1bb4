"""Enrolling, assigning and removing enrollments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit
from llp_gql.domain.certificates import withdraw_for_enrollments
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.companies import matching_people
from llp_gql.domain.locks import lock_enrollment
from llp_gql.domain.quizzes import carry_attempts, remember_attempts
from llp_gql.errors import Forbidden, NotFound, ValidationFailed
from llp_gql.models import (
    Company,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    User,
)


async def _open_course(course_id: int) -> Course:
    """A course that takes new enrollments: published, not draft, not archived."""
    course = await Course.get_or_none(id=course_id)
    if course is None or course.status == CourseStatus.DRAFT:
        raise NotFound("Course")
    if course.status == CourseStatus.ARCHIVED:
        raise ValidationFailed("This course is archived and takes no new learners.")
    return course


async def enroll_self(viewer: access.Viewer, course_id: int) -> Enrollment:
    """An individual enrolls in a published course; enrolling twice returns the same one."""
    user = access.require_user(viewer)
    if not access.may_enroll_self(user):
        raise Forbidden("Employees are enrolled by their company admin.")
    course = await _open_course(course_id)
    existing = await Enrollment.get_or_none(learner_id=user.id, course_id=course.id)
    if existing is not None:
        return existing
    try:
        async with in_transaction() as connection:
            enrollment = await Enrollment.create(
                using_db=connection,
                learner_id=user.id,
                course_id=course.id,
                source=EnrollmentSource.SELF,
            )
            await carry_attempts(enrollment, connection)
            await audit.record(
                audit.ENROLLED,
                actor=user,
                subject_type="enrollment",
                subject_id=enrollment.id,
                details={"course_id": course.id, "course_title": course.title},
            )
    except IntegrityError:
        # A concurrent request enrolled first: the unique constraint decided, reuse its row.
        return await Enrollment.get(learner_id=user.id, course_id=course.id)
    return enrollment


async def assign_course(
    viewer: access.Viewer, course_id: int, user_ids: Sequence[int], *, max_users: int = 500
) -> list[Enrollment]:
    """A company admin assigns a course to employees of their own company.

    Idempotent: an employee who already has the course keeps their enrollment,
    progress included. Employees of other companies answer NOT_FOUND, and then
    nothing is assigned to anyone.
    """
    admin = access.require_user(viewer)
    company = await access.access_own_company(admin)
    unique_ids = list(dict.fromkeys(user_ids))
    if not unique_ids:
        raise ValidationFailed("Choose at least one employee.", field="userIds")
    if len(unique_ids) > max_users:
        raise ValidationFailed(f"Assign to at most {max_users} employees at once.", field="userIds")
    course = await _open_course(course_id)
    learners = {u.id: u for u in await User.filter(id__in=unique_ids, company_id=company.id)}
    if len(learners) != len(unique_ids):
        raise NotFound("User")
    left = [u.name for u in learners.values() if u.deactivated_at is not None]
    if left:
        raise ValidationFailed(
            f"{', '.join(sorted(left))} left the company (deactivated): no new course "
            "reaches them. Reactivate them first.",
            field="userIds",
        )
    existing = {
        e.learner_id: e
        for e in await Enrollment.filter(course_id=course.id, learner_id__in=unique_ids)
    }
    result: list[Enrollment] = []
    async with in_transaction():
        for user_id in unique_ids:
            if user_id in existing:
                result.append(existing[user_id])
                continue
            try:
                # A savepoint, so one race does not undo the rest.
                async with in_transaction() as savepoint:
                    enrollment = await Enrollment.create(
                        using_db=savepoint,
                        learner_id=user_id,
                        course_id=course.id,
                        source=EnrollmentSource.ASSIGNED,
                        assigned_by_id=admin.id,
                        company_id=company.id,
                    )
                    await carry_attempts(enrollment, savepoint)
            except IntegrityError:
                enrollment = await Enrollment.get(learner_id=user_id, course_id=course.id)
            else:
                await audit.record(
                    audit.ASSIGNED,
                    actor=admin,
                    subject_type="enrollment",
                    subject_id=enrollment.id,
                    company_id=company.id,
                    details={
                        "course_id": course.id,
                        "course_title": course.title,
                        "learner_id": user_id,
                        "learner_email": learners[user_id].email,
                    },
                )
            result.append(enrollment)
    return result


async def remove_enrollment(
    viewer: access.Viewer, enrollment_id: int, *, clock: Clock = utcnow
) -> None:
    """Delete an enrollment with its progress, attempts and certificate.

    The certificate's code keeps verifying, as WITHDRAWN, even when a request
    completes the course at the same moment (the enrollment's row lock orders
    the two). Enrolling again later starts from nothing, except that spent quiz
    attempts stay counted.
    """
    actor = access.require_user(viewer)
    enrollment = await access.access_enrollment_to_manage(actor, enrollment_id)
    learner = await User.get(id=enrollment.learner_id)
    async with in_transaction() as connection:
        _ = await lock_enrollment(enrollment.id, connection)
        await remember_attempts([enrollment], connection, clock=clock)
        withdrawn = await withdraw_for_enrollments([enrollment.id], clock=clock)
        await audit.record(
            audit.ENROLLMENT_REMOVED,
            actor=actor,
            subject_type="enrollment",
            subject_id=enrollment.id,
            company_id=enrollment.company_id,
            at=clock(),
            details={
                "course_id": enrollment.course_id,
                "learner_id": learner.id,
                "learner_email": learner.email,
                "certificates_withdrawn": withdrawn,
            },
        )
        await enrollment.delete()


@dataclass(frozen=True, slots=True)
class AssignChoices:
    company: Company
    courses: list[Course]  # the published courses, by title
    people: list[User]  # members of the admin's company matching the search, by name
    already: set[int]  # of ``people``, those enrolled in the chosen course
    truncated: bool  # more people match than ``limit``


async def assign_choices(
    viewer: access.Viewer, *, course_id: int | None, search: str, limit: int
) -> AssignChoices:
    """What the assign form offers a company admin: courses, the first ``limit`` matching
    employees, and who of them already has the chosen course."""
    company = await access.access_own_company(viewer)
    courses = (
        await access.visible_courses(viewer)
        .filter(status=CourseStatus.PUBLISHED)
        .order_by("title", "id")
    )
    # People who left get no new course: the form does not offer them.
    members = access.visible_users(viewer).filter(
        company_id=company.id, deactivated_at__isnull=True
    )
    people = await matching_people(members, search).order_by("name", "id").limit(limit)
    already: set[int] = set()
    if course_id is not None:
        rows = await Enrollment.filter(
            course_id=course_id, learner_id__in=[p.id for p in people]
        ).values("learner_id")
        already = {row["learner_id"] for row in rows}
    return AssignChoices(company, courses, list(people), already, len(people) == limit)
