"""The data the browser tests start from: the test world, plus some history so the
dashboard and the matrix look like a company that has used the product for a while.

All progress goes through the domain (assign, watch, confirm, pass the quiz), with
a fake clock placed in earlier months, so completions and certificates are real.
"""

from __future__ import annotations

from datetime import timedelta

from llp_gql.domain import enrollments
from llp_gql.domain.clock import FakeClock, utcnow
from llp_gql.models import Choice, Course, CourseStatus, Lesson, LessonKind, Question
from llp_gql.settings import Settings
from tests.admin_ui import complete_course
from tests.factories import build_world, make_user

PEOPLE = [
    ("Aiko Tanaka", "aiko@acme.example"),
    ("Bruno Costa", "bruno@acme.example"),
    ("Chloé Martin", "chloe@acme.example"),
    ("Dev Patel", "dev@acme.example"),
]


async def _second_course() -> Course:
    course = await Course.create(
        title="Feedback That Lands",
        description="Give and receive feedback that helps.",
        status=CourseStatus.PUBLISHED,
    )
    _ = await Lesson.create(
        course=course,
        position=1,
        kind=LessonKind.READING,
        title="The feedback model",
        body="Situation, behaviour, impact.",
    )
    quiz = await Lesson.create(
        course=course,
        position=2,
        kind=LessonKind.QUIZ,
        title="Feedback check",
        passing_score_percent=100,
        max_attempts=2,
    )
    question = await Question.create(lesson=quiz, position=1, prompt="Start with?")
    await Choice.bulk_create(
        [
            Choice(question=question, position=1, text="The situation", is_correct=True),
            Choice(question=question, position=2, text="A judgement", is_correct=False),
        ]
    )
    return course


async def seed_showcase(settings: Settings) -> None:
    world = await build_world()
    feedback = await _second_course()
    people = [world.employee_x2] + [
        await make_user(email, name=name, company=world.company_x) for name, email in PEOPLE
    ]
    leading = world.course.course
    # completions spread over the last months: (person, course, months ago)
    history = [
        (people[1], leading, 4),
        (people[2], leading, 3),
        (people[3], feedback, 2),
        (people[1], feedback, 1),
        (people[4], leading, 1),
    ]
    for person, course, months_ago in history:
        clock = FakeClock(utcnow() - timedelta(days=30 * months_ago))
        [enrollment] = await enrollments.assign_course(world.admin_x, course.id, [person.id])
        await complete_course(person, enrollment, settings=settings, clock=clock)
    # and some work under way: assigned, not finished
    for person, course in ((people[0], leading), (people[0], feedback), (people[2], feedback)):
        _ = await enrollments.assign_course(world.admin_x, course.id, [person.id])
