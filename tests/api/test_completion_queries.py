"""B6: completing the last lesson costs a bounded number of statements more than an
earlier one (the certificate's rows, never its PDF, which the queue draws after commit).
"""

from __future__ import annotations

import httpx
import pytest

from llp_gql.domain import enrollments
from llp_gql.models import (
    Company,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
)
from llp_gql.settings import Settings
from tests.api.test_query_counts import QueryLog
from tests.api.test_query_counts import queries as queries  # the SQL-counting fixture
from tests.factories import World, make_user
from tests.gql import gid, ok, token_for

COMPLETE = """mutation Complete($e: ID!, $l: ID!) {
  completeLesson(enrollmentId: $e, lessonId: $l) {
    lessonProgress { status completedAt }
    enrollment { id status progressPercent certificate { id issuedAt } }
  }
}"""


async def _statements(
    queries: QueryLog, client: httpx.AsyncClient, token: str, enrollment: int, lesson: int
) -> list[str]:
    queries.statements.clear()
    queries.active = True
    try:
        data = await ok(
            client,
            COMPLETE,
            {"e": gid("Enrollment", enrollment), "l": gid("Lesson", lesson)},
            token=token,
        )
    finally:
        queries.active = False
    assert data["completeLesson"]["lessonProgress"]["status"] == "COMPLETED"
    return list(queries.statements)


@pytest.mark.parametrize("assigned", [False, True], ids=["individual", "assigned"])
async def test_the_last_lesson_costs_few_statements_more_than_an_earlier_one(
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    queries: QueryLog,
    assigned: bool,
) -> None:
    course = await Course.create(title="Three readings", status=CourseStatus.PUBLISHED)
    lessons = [
        await Lesson.create(course=course, position=i, kind=LessonKind.READING, title=f"R{i}")
        for i in (1, 2, 3)
    ]
    if assigned:
        company = await Company.get(id=world.company_x.id)
        company.logo = b"\x89PNG" + b"0" * 50_000  # a logo the completion must not re-read
        await company.save()
        learner = await make_user("last@acme.example", company=world.company_x)
        enrollment = await Enrollment.create(
            learner=learner,
            course=course,
            source=EnrollmentSource.ASSIGNED,
            company_id=world.company_x.id,
            assigned_by=world.admin_x,
        )
    else:
        learner = await make_user("last@mail.example")
        enrollment = await enrollments.enroll_self(learner, course.id)
    token = await token_for(learner, settings)
    first = await _statements(queries, client, token, enrollment.id, lessons[0].id)
    earlier = await _statements(queries, client, token, enrollment.id, lessons[1].id)
    last = await _statements(queries, client, token, enrollment.id, lessons[2].id)
    assert len(first) == len(earlier)
    extra = len(last) - len(earlier)
    listing = "\n".join(last)
    # The certificate's rows: the course and template (and the company with its logo
    # for an assignment) read once, the enrollment's completion, the certificate, its
    # render job and its audit event; for an assignment, the company's webhook
    # subscriptions read once for both events. Minus the certificate look-up of the
    # answer (the completion hands it over).
    assert extra == (7 if assigned else 5), listing
    assert not any('FROM "user" WHERE' in sql for sql in last), listing  # the learner: auth's row
    assert not any("COUNT(" in sql for sql in last), listing
    assert sum('FROM "webhook_subscription"' in sql for sql in last) == (1 if assigned else 0)
    assert sum('"logo"' in sql and sql.startswith("SELECT") for sql in last) == int(assigned)
