"""Due dates of assignments and the overdue state (DESIGN.md section 4c, "Deadlines").

An enrollment is overdue when it has a due date, the date has passed (by the app's
clock) and it is not completed. ``is_overdue`` says it of one row, ``with_overdue``
selects the same rows in SQL: the two must agree, and tests hold them to it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.locks import lock_enrollment
from llp_gql.errors import ValidationFailed
from llp_gql.models import Enrollment


def is_overdue(enrollment: Enrollment, now: datetime) -> bool:
    return (
        enrollment.due_at is not None
        and enrollment.completed_at is None
        and enrollment.due_at < now
    )


def with_overdue(query: QuerySet[Enrollment], overdue: bool, now: datetime) -> QuerySet[Enrollment]:
    """``query`` narrowed to the overdue enrollments (or to the others)."""
    late = Q(due_at__isnull=False, due_at__lt=now, completed_at__isnull=True)
    if overdue:
        return query.filter(late)
    return query.filter(Q(due_at__isnull=True) | Q(due_at__gte=now) | Q(completed_at__isnull=False))


def check_due_at(
    due_at: datetime | None, now: datetime, *, field: str = "dueAt"
) -> datetime | None:
    """A due date must lie in the future; one without a timezone is read as UTC."""
    if due_at is None:
        return None
    if due_at.tzinfo is None:
        due_at = due_at.replace(tzinfo=UTC)
    if due_at <= now:
        raise ValidationFailed("The due date must be in the future.", field=field)
    return due_at


async def set_due_date(
    viewer: access.Viewer, enrollment_id: int, due_at: datetime | None, *, clock: Clock = utcnow
) -> Enrollment:
    """Set (or, with None, clear) the due date of one assignment. The admins of the
    assigning company only; VALIDATION for a date in the past or a completed course."""
    admin = access.require_user(viewer)
    enrollment = await access.access_enrollment_for_due_date(admin, enrollment_id)
    due_at = check_due_at(due_at, clock())
    async with in_transaction() as connection:
        # The row lock orders this after a completion happening at the same moment.
        locked = await lock_enrollment(enrollment.id, connection)
        if locked.completed_at is not None:
            raise ValidationFailed(
                "This course is already completed; it has no due date to change.", field="dueAt"
            )
        if locked.due_at != due_at:
            await Enrollment.filter(id=locked.id).using_db(connection).update(due_at=due_at)
            await audit.record(
                audit.DUE_DATE_SET,
                actor=admin,
                subject_type="enrollment",
                subject_id=locked.id,
                company_id=locked.company_id,
                at=clock(),
                details={
                    "from": locked.due_at.isoformat() if locked.due_at else None,
                    "to": due_at.isoformat() if due_at else None,
                },
            )
            locked.due_at = due_at
    return locked
