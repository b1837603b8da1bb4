"""The demo world of ``llp-gql demo``: built through the domain, like real use.

Idempotent: when the demo staff account exists, nothing is seeded again.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from tortoise import Tortoise

from llp_gql.db import tortoise_config
from llp_gql.domain import accounts, courses, enrollments, progress, quizzes
from llp_gql.domain.clock import utcnow
from llp_gql.domain.courses import ChoiceSpec, LessonSpec, QuestionSpec
from llp_gql.models import Choice, Company, Enrollment, Lesson, LessonKind, Question, Role, User
from llp_gql.settings import Settings

DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - printed on purpose: a demo
STAFF = "staff@llp.example"
ADMIN = "admin@acme.example"
EMPLOYEES = [
    ("olivia@acme.example", "Olivia Ng"),
    ("mateo@acme.example", "Mateo Álvarez"),
    ("yuki@acme.example", "田中 由紀"),
]
INDIVIDUAL = "sam@mail.example"
# The learner app's six-second test card (learner_ui/static/media): the demo's videos
# play anywhere, offline too, served by the demo itself. Real courses link their own
# (https) video files.
# Roles of seed_demo's logins who sign in to the learner app (/learn).
LEARNER_ROLES = ("employee", "individual")
SAMPLE_VIDEO = "/learn/static/media/sample.webm"
SAMPLE_SECONDS = 6.0


class _DemoClock:
    """Moves forward on every read, so seeded video spans pass the plausibility rule."""

    def __init__(self) -> None:
        self.now = utcnow() - timedelta(days=2)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=400)
        return self.now


LEADING = [
    LessonSpec(
        LessonKind.VIDEO,
        "Welcome: what leaders do",
        duration_seconds=SAMPLE_SECONDS,
        video_url=SAMPLE_VIDEO,  # made absolute at seeding (see _with_local_video)
    ),
    LessonSpec(
        LessonKind.READING,
        "Reading: the first 90 days",
        body="Set direction, build trust, secure early wins.",
    ),
    LessonSpec(
        LessonKind.ACTIVITY,
        "Activity: map your stakeholders",
        body="List ten people whose support you need and what they care about.",
    ),
    LessonSpec(
        LessonKind.QUIZ,
        "Quiz: leadership basics",
        passing_score_percent=70,
        max_attempts=3,
        questions=[
            QuestionSpec(
                "What comes first in a new role?",
                [
                    ChoiceSpec("Listening", True),
                    ChoiceSpec("Reorganising", False),
                    ChoiceSpec("Hiring", False),
                ],
            ),
            QuestionSpec(
                "Which build trust? (pick all)",
                [
                    ChoiceSpec("Keeping promises", True),
                    ChoiceSpec("Sharing credit", True),
                    ChoiceSpec("Avoiding feedback", False),
                ],
            ),
            QuestionSpec(
                "A good early win is...",
                [ChoiceSpec("Visible and achievable", True), ChoiceSpec("Large and risky", False)],
            ),
        ],
    ),
]
FEEDBACK = [
    LessonSpec(
        LessonKind.VIDEO,
        "Giving feedback that lands",
        duration_seconds=SAMPLE_SECONDS,
        video_url=SAMPLE_VIDEO,
    ),
    LessonSpec(LessonKind.READING, "Reading: the SBI model", body="Situation, Behaviour, Impact."),
    LessonSpec(
        LessonKind.QUIZ,
        "Quiz: feedback",
        passing_score_percent=50,
        max_attempts=None,
        questions=[
            QuestionSpec(
                "SBI stands for...",
                [
                    ChoiceSpec("Situation, Behaviour, Impact", True),
                    ChoiceSpec("Start, Build, Improve", False),
                ],
            ),
            QuestionSpec(
                "Feedback works best when it is...",
                [ChoiceSpec("Specific", True), ChoiceSpec("Delayed", False)],
            ),
        ],
    ),
]


def _with_local_video(spec: LessonSpec, settings: Settings) -> LessonSpec:
    """Authoring takes absolute http(s) links: the sample, at the demo's own address."""
    if spec.video_url != SAMPLE_VIDEO:
        return spec
    return dataclasses.replace(spec, video_url=settings.public_base_url + SAMPLE_VIDEO)


async def _complete_course(user: User, enrollment_id: int, settings: Settings) -> None:
    clock = _DemoClock()
    state = await progress.load_state(await Enrollment.get(id=enrollment_id), settings)
    for item in state.lessons:
        lesson = item.lesson
        if lesson.kind == LessonKind.VIDEO:
            duration = lesson.duration_seconds or 0
            second = 0.0
            while second < duration:
                # The first report of a video may cover only the slack (5 s): the
                # server has no earlier report to measure playback time from.
                end = min(duration, second + (5 if second == 0 else 300))
                await progress.record_video_progress(
                    user, enrollment_id, lesson.id, second, end, settings=settings, clock=clock
                )
                second = end
        elif lesson.kind == LessonKind.QUIZ:
            answers = {
                q.id: [c.id for c in await Choice.filter(question_id=q.id, is_correct=True)]
                for q in await Question.filter(lesson_id=lesson.id)
            }
            await quizzes.submit_quiz(
                user, enrollment_id, lesson.id, answers, settings=settings, clock=clock
            )
        else:
            await progress.complete_lesson(
                user, enrollment_id, lesson.id, settings=settings, clock=clock
            )


async def _seed(settings: Settings) -> None:
    staff = await accounts.create_staff(STAFF, "Pat Staff", DEMO_PASSWORD)
    course_ids = []
    for title, description, lessons in [
        ("Leading Teams", "The foundations of leading a team.", LEADING),
        ("Feedback That Works", "Give and receive feedback well.", FEEDBACK),
    ]:
        course = await courses.create_course(staff, title, description)
        for spec in lessons:
            _ = await courses.add_lesson(staff, course.id, _with_local_video(spec, settings))
        _ = await courses.publish_course(staff, course.id)
        course_ids.append(course.id)
    company = await accounts.create_company(staff, "Acme Corp", ADMIN, "Alex Admin", DEMO_PASSWORD)
    admin = await User.get(email=ADMIN)
    employees = [
        await accounts.create_employee(admin, email, name, DEMO_PASSWORD)
        for email, name in EMPLOYEES
    ]
    assigned = await enrollments.assign_course(admin, course_ids[0], [e.id for e in employees])
    await enrollments.assign_course(admin, course_ids[1], [employees[0].id])
    # Olivia finished "Leading Teams": a certificate her admin can download.
    await _complete_course(employees[0], assigned[0].id, settings)
    # Mateo is part-way: his blockers show what is missing.
    video = await Lesson.get(course_id=course_ids[0], position=1)
    await progress.record_video_progress(
        employees[1], assigned[1].id, video.id, 0, 3, settings=settings, clock=_DemoClock()
    )
    individual = await accounts.sign_up(
        INDIVIDUAL, DEMO_PASSWORD, "Sam Rivera", settings=settings, client_address=None
    )
    own = await enrollments.enroll_self(individual, course_ids[1])
    await _complete_course(individual, own.id, settings)
    assert await Company.exists(id=company.id)


async def seed_demo(settings: Settings) -> list[tuple[str, str]]:
    """Seed once; return (role, email) pairs to print."""
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        if not await User.exists(email=STAFF, role=Role.STAFF):
            await _seed(settings)
    finally:
        await Tortoise.close_connections()
    return [
        ("staff", STAFF),
        ("company admin", ADMIN),
        *[("employee", email) for email, _ in EMPLOYEES],
        ("individual", INDIVIDUAL),
    ]
