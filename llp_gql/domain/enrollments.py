"""Enrolling, assigning and removing enrollments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit
from llp_gql.domain.certificates import Reason, withdraw_for_enrollments
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.companies import matching_people
from llp_gql.domain.deadlines import check_due_at
from llp_gql.domain.groups import GroupRow, group_of, groups_with_counts
from llp_gql.domain.locks import lock_enrollment
from llp_gql.domain.quizzes import carry_attempts, remember_attempts
from llp_gql.errors import Forbidden, NotFound, TooMany, ValidationFailed
from llp_gql.models import (
    Company,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Group,
    User,
)
from llp_gql.settings import Settings


def open_courses() -> QuerySet[Course]:
    """The courses that take new enrollments, as a query (the rule of ``_open_course``)."""
    return Course.filter(status=CourseStatus.PUBLISHED)


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
    viewer: access.Viewer,
    course_id: int,
    user_ids: Sequence[int],
    *,
    group_ids: Sequence[int] = (),
    due_at: datetime | None = None,
    max_users: int = 500,
    max_total: int = 10_000,
    clock: Clock = utcnow,
) -> list[Enrollment]:
    """A company admin assigns a course to employees of their own company, named one
    by one (``user_ids``) or by group (``group_ids``: the group's active members at
    this moment), optionally due by ``due_at``.

    Idempotent: an employee who already has the course keeps their enrollment,
    progress included; a ``due_at`` given moves their due date too unless they have
    completed it (no ``due_at`` leaves due dates alone). Another company's people
    or groups answer NOT_FOUND, and then nothing is assigned to anyone.
    """
    admin = access.require_user(viewer)
    company = await access.access_own_company(admin)
    unique_ids = list(dict.fromkeys(user_ids))
    unique_groups = sorted(set(group_ids))
    if not unique_ids and not unique_groups:
        raise ValidationFailed("Choose at least one employee or group.", field="userIds")
    if len(unique_ids) > max_users:
        raise TooMany(
            f"Assign to at most {max_users} employees at once.",
            field="userIds",
            limit="ASSIGN_USERS",
        )
    if len(unique_groups) > max_users:
        raise TooMany(
            f"Assign to at most {max_users} groups at once.",
            field="groupIds",
            limit="ASSIGN_GROUPS",
        )
    due = check_due_at(due_at, clock())
    course = await _open_course(course_id)
    learners = {u.id: u for u in await User.filter(id__in=unique_ids, company_id=company.id)}
    if len(learners) != len(unique_ids):
        raise NotFound("User")
    _refuse_leavers([u for u in learners.values() if u.deactivated_at is not None])
    result: list[Enrollment] = []
    async with in_transaction() as connection:
        order = await _with_group_members(
            company.id, unique_ids, unique_groups, learners, connection
        )
        if len(order) > max_total:
            raise TooMany(
                f"These groups hold {len(order)} people; assign to at most {max_total} at once.",
                field="groupIds",
                limit="ASSIGN_TOTAL",
            )
        order = await _still_active(order, set(unique_ids), learners, connection)
        existing = {
            e.learner_id: e
            for e in await Enrollment.filter(course_id=course.id, learner_id__in=order).using_db(
                connection
            )
        }
        if due is not None:
            await _move_due_dates(admin, company.id, list(existing.values()), due, clock())
        for user_id in order:
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
                        due_at=due,
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
                        "due_at": due.isoformat() if due else None,
                        "group_ids": unique_groups,
                    },
                )
            result.append(enrollment)
    return result


def _refuse_leavers(left: list[User]) -> None:
    if left:
        raise ValidationFailed(
            f"{', '.join(sorted(u.name for u in left))} left the company (deactivated): no "
            "new course reaches them. Reactivate them first.",
            field="userIds",
        )


async def _still_active(
    order: list[int], named: set[int], learners: dict[int, User], connection: BaseDBAsyncClient
) -> list[int]:
    """Inside the assigning transaction, with the people's rows locked (PostgreSQL): a
    deactivation that committed since the first read refuses a person named by id, and
    drops a group member (deactivation takes the same row lock, so it waits for us)."""
    rows = (
        await User.filter(id__in=order, deactivated_at__isnull=True)
        .select_for_update()
        .using_db(connection)
        .only("id")
    )
    active = {row.id for row in rows}
    _refuse_leavers([learners[i] for i in order if i in named and i not in active])
    return [i for i in order if i in active]


async def _with_group_members(
    company_id: int,
    user_ids: list[int],
    group_ids: list[int],
    learners: dict[int, User],
    connection: BaseDBAsyncClient,
) -> list[int]:
    """``user_ids`` followed by the active members of ``group_ids`` (by name) not named
    already. The groups' rows stay locked until commit: a deletion waits for this
    assignment, or it went first and the group answers NOT_FOUND."""
    if not group_ids:
        return user_ids
    groups = (
        await Group.filter(id__in=group_ids, company_id=company_id)
        .order_by("id")
        .select_for_update()
        .using_db(connection)
    )
    if len(groups) != len(group_ids):
        raise NotFound("Group")
    members = (
        await User.filter(
            group_id__in=group_ids, company_id=company_id, deactivated_at__isnull=True
        )
        .order_by("name", "id")
        .using_db(connection)
    )
    named = set(user_ids)
    for member in members:
        _ = learners.setdefault(member.id, member)
    return user_ids + [m.id for m in members if m.id not in named]


async def _move_due_dates(
    admin: User, company_id: int, existing: list[Enrollment], due: datetime, now: datetime
) -> None:
    """People who already had the course get the new due date, unless they completed it
    (or the enrollment is not this company's assignment)."""
    moving = [
        e
        for e in existing
        if e.company_id == company_id and e.completed_at is None and e.due_at != due
    ]
    if not moving:
        return
    await Enrollment.filter(id__in=[e.id for e in moving]).update(due_at=due)
    for e in moving:
        await audit.record(
            audit.DUE_DATE_SET,
            actor=admin,
            subject_type="enrollment",
            subject_id=e.id,
            company_id=company_id,
            at=now,
            details={"from": e.due_at.isoformat() if e.due_at else None, "to": due.isoformat()},
        )
        e.due_at = due


async def remove_enrollment(
    viewer: access.Viewer,
    enrollment_id: int,
    *,
    clock: Clock = utcnow,
    settings: Settings | None = None,
    reason: Reason | None = None,
) -> None:
    """Delete an enrollment with its progress, attempts and certificate.

    The certificate's code keeps verifying, as WITHDRAWN, even when a request
    completes the course at the same moment (the enrollment's row lock orders
    the two). Enrolling again later starts from nothing, except that spent quiz
    attempts stay counted. ``reason`` (optional) is kept on the tombstone and in
    the audit log.
    """
    actor = access.require_user(viewer)
    enrollment = await access.access_enrollment_to_manage(actor, enrollment_id)
    learner = await User.get(id=enrollment.learner_id)
    async with in_transaction() as connection:
        _ = await lock_enrollment(enrollment.id, connection)
        await remember_attempts([enrollment], connection, clock=clock)
        withdrawn = await withdraw_for_enrollments(
            [enrollment.id], clock=clock, connection=connection, settings=settings, reason=reason
        )
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
                "reason": reason.value if reason else None,
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
    groups: list[GroupRow]  # the company's groups by name, with their member counts


async def assign_choices(
    viewer: access.Viewer,
    *,
    course_id: int | None,
    search: str,
    limit: int,
    group_id: int | None = None,
) -> AssignChoices:
    """What the assign form offers a company admin: courses, groups, the first ``limit``
    employees matching the search (and in ``group_id``, when given), and who of them
    already has the chosen course. Another company's group answers NOT_FOUND."""
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
    group = await group_of(viewer, group_id)
    if group is not None:
        members = members.filter(group_id=group.id)
    people = await matching_people(members, search).order_by("name", "id").limit(limit)
    already: set[int] = set()
    if course_id is not None:
        rows = await Enrollment.filter(
            course_id=course_id, learner_id__in=[p.id for p in people]
        ).values("learner_id")
        already = {row["learner_id"] for row in rows}
    return AssignChoices(
        company,
        courses,
        list(people),
        already,
        len(people) == limit,
        await groups_with_counts(viewer),
    )
