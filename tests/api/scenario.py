"""A scenario on top of the world, for the authorization matrix (R1).

- ``e_x``: employee_x's ASSIGNED enrollment (assigned by admin_x), completed, with a
  certificate;
- ``e_a``: individual_a's SELF enrollment, completed, with a certificate;
- ``e_y``: employee_y's ASSIGNED enrollment (assigned by admin_y), in progress: video,
  reading and activity done, the quiz not tried yet;
- ``draft`` gets one reading, so that staff can publish it.

Built through the domain (the same calls the API makes), with real certificates.
"""

from __future__ import annotations

from dataclasses import dataclass

from llp_gql.domain import enrollments, progress, quizzes
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate, Enrollment, Lesson, LessonKind, User
from llp_gql.settings import Settings
from tests.factories import World
from tests.gql import gid

ROLES = (
    "anonymous",
    "individual_a",
    "individual_b",
    "employee_x",
    "employee_x2",
    "admin_x",
    "employee_y",
    "admin_y",
    "staff",
)


async def finish_course(
    learner: User,
    enrollment: Enrollment,
    world: World,
    *,
    clock: FakeClock,
    settings: Settings,
    lessons: int = 4,
) -> None:
    """Complete the first ``lessons`` lessons of the world course, in order."""
    parts = world.course
    e, video = enrollment.id, parts.video
    assert video.duration_seconds is not None
    # A first report adds at most the slack (5 s); later ones 2x the elapsed time + 5 s.
    await progress.record_video_progress(learner, e, video.id, 0, 5, settings=settings, clock=clock)
    clock.advance(30)
    await progress.record_video_progress(
        learner, e, video.id, 5, video.duration_seconds, settings=settings, clock=clock
    )
    for lesson in (parts.reading, parts.activity)[: lessons - 1]:
        await progress.complete_lesson(learner, e, lesson.id, settings=settings, clock=clock)
    if lessons >= 4:
        await quizzes.submit_quiz(
            learner, e, parts.quiz.id, parts.correct, settings=settings, clock=clock
        )


@dataclass
class Scenario:
    world: World
    e_x: Enrollment
    e_a: Enrollment
    e_y: Enrollment
    cert_x: Certificate
    cert_a: Certificate

    def ids(self) -> dict[str, str]:
        """Opaque IDs by name, for building variables."""
        w = self.world
        return {
            "e_x": gid("Enrollment", self.e_x.id),
            "e_a": gid("Enrollment", self.e_a.id),
            "e_y": gid("Enrollment", self.e_y.id),
            "course": gid("Course", w.course.course.id),
            "draft": gid("Course", w.draft.id),
            "video": gid("Lesson", w.course.video.id),
            "reading": gid("Lesson", w.course.reading.id),
            "quiz": gid("Lesson", w.course.quiz.id),
            "employee_x": gid("User", w.employee_x.id),
            "employee_x2": gid("User", w.employee_x2.id),
            "employee_y": gid("User", w.employee_y.id),
        }

    def user(self, role: str) -> User | None:
        """The person of a role; None for anonymous callers and for API-key roles."""
        return self.world.users().get(role)


async def build_scenario(world: World, *, clock: FakeClock, settings: Settings) -> Scenario:
    course_id = world.course.course.id
    [e_x] = await enrollments.assign_course(world.admin_x, course_id, [world.employee_x.id])
    [e_y] = await enrollments.assign_course(world.admin_y, course_id, [world.employee_y.id])
    e_a = await enrollments.enroll_self(world.individual_a, course_id)
    await finish_course(world.employee_x, e_x, world, clock=clock, settings=settings)
    await finish_course(world.individual_a, e_a, world, clock=clock, settings=settings)
    await finish_course(world.employee_y, e_y, world, clock=clock, settings=settings, lessons=3)
    await Lesson.create(
        course=world.draft, position=1, kind=LessonKind.READING, title="Draft reading", body="Text"
    )
    return Scenario(
        world,
        e_x,
        e_a,
        e_y,
        await Certificate.get(enrollment_id=e_x.id),
        await Certificate.get(enrollment_id=e_a.id),
    )
