"""Assigning thousands at once (the CSV import): batched INSERTs in the caller's transaction.

The rule of who may be assigned what is ``enrollments.assign_course``'s; the caller
(``domain/imports``) has applied it to every row already (``enrollments.open_courses``,
members who have not left, pairs with no enrollment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from tortoise.backends.base.client import BaseDBAsyncClient

from llp_gql.domain import access, audit
from llp_gql.domain.quizzes import carry_attempts_many
from llp_gql.models import Enrollment, EnrollmentSource


def due_at_of(day: date) -> datetime:
    """A due date as the moment it ends: the last second of that day, UTC."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class NewAssignment:
    learner_id: int
    learner_email: str
    course_id: int
    course_title: str
    due_at: datetime | None


async def assign_in_bulk(
    admin: access.Actor,
    company_id: int,
    items: Sequence[NewAssignment],
    *,
    connection: BaseDBAsyncClient,
    at: datetime,
) -> None:
    """``assign_course`` for thousands at once, inside the caller's transaction (the CSV
    import): batched INSERTs of the enrollments, carried quiz attempts and one
    ``enrollment.assigned`` audit row each. The caller has applied the rule already: open
    courses only (``open_courses``), members of ``company_id`` who have not left, pairs
    that have no enrollment. A racing assignment makes the unique constraint fail the
    whole transaction: nothing half-done."""
    if not items:
        return
    await Enrollment.bulk_create(
        [
            Enrollment(
                learner_id=item.learner_id,
                course_id=item.course_id,
                source=EnrollmentSource.ASSIGNED,
                assigned_by_id=admin.id,
                company_id=company_id,
                due_at=item.due_at,
            )
            for item in items
        ],
        batch_size=500,
        using_db=connection,
    )
    wanted = {(item.learner_id, item.course_id): item for item in items}
    learner_ids = sorted({item.learner_id for item in items})
    course_ids = sorted({item.course_id for item in items})
    created: list[tuple[int, int, int]] = []
    for start in range(0, len(learner_ids), 500):
        rows = await (
            Enrollment.filter(
                learner_id__in=learner_ids[start : start + 500], course_id__in=course_ids
            )
            .using_db(connection)
            .values("id", "learner_id", "course_id")
        )
        created += [
            (row["id"], row["learner_id"], row["course_id"])
            for row in rows
            if (row["learner_id"], row["course_id"]) in wanted
        ]
    await carry_attempts_many(created, connection)
    await audit.record_many(
        [
            audit.Event(
                audit.ASSIGNED,
                subject_type="enrollment",
                subject_id=enrollment_id,
                details={
                    "course_id": course_id,
                    "course_title": wanted[learner_id, course_id].course_title,
                    "learner_id": learner_id,
                    "learner_email": wanted[learner_id, course_id].learner_email,
                    "via": "import",
                },
            )
            for enrollment_id, learner_id, course_id in created
        ],
        actor=admin,
        company_id=company_id,
        at=at,
        connection=connection,
    )
