"""B9: My learning (``/learn/``) costs the same number of SQL statements for 3 and 13
enrollments: no statement per enrollment, per course or per certificate.

The page lists every enrollment of the learner by design (a learner has tens, not
thousands), so rows grow with them; the statements must not."""

from __future__ import annotations

import httpx

from llp_gql.domain.clock import FakeClock
from llp_gql.models import (
    Certificate,
    Course,
    Enrollment,
    EnrollmentSource,
    LessonProgress,
    LessonStatus,
    User,
)
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.api.test_query_counts import QueryLog
from tests.factories import World, make_course


async def _enroll(learner: User, courses: list[Course], clock: FakeClock) -> None:
    """One enrollment per course: a third completed with a certificate, a third under
    way (its reading done), a third not started."""
    for n, course in enumerate(courses):
        row = await Enrollment.create(
            learner=learner,
            course=course,
            source=EnrollmentSource.SELF,
            completed_at=clock() if n % 3 == 0 else None,
        )
        if n % 3 == 0:
            _ = await Certificate.create(
                enrollment=row,
                verification_code=f"code-{row.id:028d}",
                learner_name=learner.name,
                learner_email=learner.email,
                course_title=course.title,
                issued_at=clock(),
                template_version=1,
                pdf=b"%PDF-1.4 test",
                sha256="0" * 64,
            )
        if n % 3 == 1:
            reading = await course.lessons.filter(position=2).get()
            _ = await LessonProgress.create(
                enrollment=row,
                lesson=reading,
                status=LessonStatus.COMPLETED,
                completed_at=clock(),
                updated_at=clock(),
            )


async def _my_learning_sql(client: httpx.AsyncClient, queries: QueryLog) -> list[str]:
    queries.statements.clear()
    queries.active = True
    try:
        page = await client.get("/learn/")
    finally:
        queries.active = False
    assert page.status_code == 200
    return list(queries.statements)


async def test_my_learning_costs_the_same_for_3_and_13_enrollments(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock, queries: QueryLog
) -> None:
    learner = world.individual_a
    first = [world.course.course] + [(await make_course(f"Course {n:02d}")).course for n in (1, 2)]
    await _enroll(learner, first, clock)
    _ = await log_in(client, learner, settings)
    small = await _my_learning_sql(client, queries)
    more = [(await make_course(f"Course {n:02d}")).course for n in range(3, 13)]
    await _enroll(learner, more, clock)
    grown = await _my_learning_sql(client, queries)
    assert len(grown) == len(small), f"{len(small)} statements, then:\n" + "\n".join(grown)
    page = (await client.get("/learn/")).text
    assert all(f"Course {n:02d}" in page for n in range(1, 13))
    assert await Enrollment.filter(learner_id=learner.id).count() == 13
