"""The demo world of ``llp-gql demo``: built through the domain, like real use.

Idempotent: when the demo staff account exists, nothing is seeded again.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from tortoise import Tortoise

from llp_gql.db import tortoise_config
from llp_gql.demo_people import (
    DATA_PROTECTION_DESCRIPTION,
    DATA_PROTECTION_TITLE,
    DEPARTMENTS,
    LOGINS,
    PLAN,
    outcome,
)
from llp_gql.domain import accounts, courses, enrollments, groups, progress, quizzes
from llp_gql.domain.clock import utcnow
from llp_gql.domain.courses import ChoiceSpec, LessonSpec, QuestionSpec
from llp_gql.domain.passwords import hash_password
from llp_gql.models import (
    AccountType,
    AuditEvent,
    Choice,
    Company,
    Enrollment,
    Group,
    LessonKind,
    Question,
    Role,
    User,
)
from llp_gql.settings import Settings

DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - printed on purpose: a demo
STAFF = "staff@llp.example"
ADMIN = "admin@acme.example"
# The employees among the README's logins (the demo's whole company: demo_people).
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


DATA_PROTECTION = [
    LessonSpec(
        LessonKind.READING,
        "Reading: what personal data is",
        body="Anything that identifies a person: a name, an email, a photo, an ID number.",
    ),
    LessonSpec(
        LessonKind.QUIZ,
        "Quiz: data protection",
        passing_score_percent=80,
        max_attempts=3,
        questions=[
            QuestionSpec(
                "Which of these is personal data?",
                [ChoiceSpec("A colleague's email address", True), ChoiceSpec("The weather", False)],
            ),
        ],
    ),
]
DRAFT_LESSON = LessonSpec(
    LessonKind.READING, "Reading: questions that open up", body="Ask what, how and why."
)


def _with_local_video(spec: LessonSpec, settings: Settings) -> LessonSpec:
    """Authoring takes absolute http(s) links: the sample, at the demo's own address."""
    if spec.video_url != SAMPLE_VIDEO:
        return spec
    return dataclasses.replace(spec, video_url=settings.public_base_url + SAMPLE_VIDEO)


class _ClockFrom:
    """A clock that starts at ``start`` and moves forward on every read, so seeded video
    spans pass the plausibility rule and every step happens at its own moment."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=400)
        return self.now


async def _take_course(
    user: User, enrollment_id: int, settings: Settings, start: datetime, *, all_of_it: bool = True
) -> None:
    """Walk the lessons the honest way, from ``start`` on: all of them (which issues the
    certificate), or only the first steps (the video half-watched, or a first reading)."""
    clock = _ClockFrom(start)
    state = await progress.load_state(await Enrollment.get(id=enrollment_id), settings)
    for item in state.lessons:
        lesson = item.lesson
        if lesson.kind == LessonKind.VIDEO:
            duration = lesson.duration_seconds or 0
            stop = duration if all_of_it else duration / 2
            second = 0.0
            while second < stop:
                # The first report of a video may cover only the slack (5 s): the
                # server has no earlier report to measure playback time from.
                end = min(stop, second + (5 if second == 0 else 300))
                await progress.record_video_progress(
                    user, enrollment_id, lesson.id, second, end, settings=settings, clock=clock
                )
                second = end
            if not all_of_it:
                return
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
            if not all_of_it:
                return


async def _courses(staff: User, settings: Settings, founded: datetime) -> list[int]:
    course_ids = []
    for title, description, lessons in [
        ("Leading Teams", "The foundations of leading a team.", LEADING),
        ("Feedback That Works", "Give and receive feedback well.", FEEDBACK),
        (DATA_PROTECTION_TITLE, DATA_PROTECTION_DESCRIPTION, DATA_PROTECTION),
    ]:
        course = await courses.create_course(staff, title, description)
        for spec in lessons:
            _ = await courses.add_lesson(staff, course.id, _with_local_video(spec, settings))
        _ = await courses.publish_course(staff, course.id, clock=lambda: founded)
        course_ids.append(course.id)
    # A draft for staff to try the editor on.
    draft = await courses.create_course(staff, "Coaching Conversations", "Coach, don't tell.")
    _ = await courses.add_lesson(staff, draft.id, DRAFT_LESSON)
    return course_ids


async def _people(admin: User, founded: datetime) -> tuple[dict[str, User], dict[str, int]]:
    """The departments as groups and their people: the README's logins with their own
    password, the rest with one shared hash (see ``demo_people.LOGINS``)."""
    shared_hash = hash_password(DEMO_PASSWORD)
    people: dict[str, User] = {}
    group_ids: dict[str, int] = {}
    for department, members in DEPARTMENTS.items():
        group = await groups.create_group(admin, department, max_groups=100)
        group_ids[department] = group.id
        for email, name in members:
            if email in LOGINS:
                person = await accounts.create_employee(admin, email, name, DEMO_PASSWORD)
            else:
                person = await User.create(
                    email=email,
                    name=name,
                    password_hash=shared_hash,
                    account_type=AccountType.EMPLOYEE,
                    role=Role.LEARNER,
                    company_id=admin.company_id,
                )
            _ = await groups.set_employee_group(admin, person.id, group.id)
            people[email] = person
    # They were all hired before their first course: the company's history starts then.
    await User.filter(company_id=admin.company_id).update(created_at=founded)
    await Company.filter(id=admin.company_id).update(created_at=founded)
    await Group.filter(company_id=admin.company_id).update(created_at=founded)
    await AuditEvent.filter(company_id=admin.company_id).update(at=founded)
    return people, group_ids


# The README's logins stand where the old demo had them: Olivia has a certificate,
# Mateo is part-way through Leading Teams, Yuki has not started it.
FIXED = {
    ("olivia@acme.example", 0): "done",
    ("olivia@acme.example", 1): "none",
    ("mateo@acme.example", 0): "started",
    ("yuki@acme.example", 0): "none",
}


async def _assign_and_learn(
    admin: User,
    people: dict[str, User],
    group_ids: dict[str, int],
    course_ids: list[int],
    settings: Settings,
    now: datetime,
) -> None:
    index = {email: number for number, email in enumerate(people)}
    for plan in PLAN:
        assigned_at = now - timedelta(days=plan.days_ago)
        found = await enrollments.assign_course(
            admin,
            course_ids[plan.course],
            [people[email].id for email in plan.people],
            group_ids=[group_ids[name] for name in plan.groups],
            due_at=assigned_at + timedelta(days=plan.due_in_days),
            clock=lambda at=assigned_at: at,  # type: ignore[misc]
        )
        # The row's creation time is the database's clock: put it at the assignment.
        await Enrollment.filter(id__in=[e.id for e in found]).update(created_at=assigned_at)
        by_learner = {person.id: email for email, person in people.items()}
        for enrollment in found:
            email = by_learner[enrollment.learner_id]
            number = index[email]
            where = FIXED.get((email, plan.course)) or outcome(number, plan.course)
            # Each learns on a day of their own after the assignment, never in the future.
            start = assigned_at + timedelta(days=2 + (number * 5) % max(plan.days_ago - 3, 1))
            if where == "none" or start >= now - timedelta(hours=3):
                continue
            await _take_course(
                people[email], enrollment.id, settings, start, all_of_it=where == "done"
            )


async def _individuals(settings: Settings, course_ids: list[int], now: datetime) -> None:
    sam = await accounts.sign_up(
        INDIVIDUAL, DEMO_PASSWORD, "Sam Rivera", settings=settings, client_address=None
    )
    lea = await accounts.sign_up(
        "lea@mail.example", DEMO_PASSWORD, "Léa Dubois", settings=settings, client_address=None
    )
    for person, course_id, days_ago, done in (
        (sam, course_ids[1], 30, True),
        (lea, course_ids[0], 8, False),
    ):
        joined = now - timedelta(days=days_ago)
        await User.filter(id=person.id).update(created_at=joined)
        own = await enrollments.enroll_self(person, course_id)
        await Enrollment.filter(id=own.id).update(created_at=joined)
        await _take_course(person, own.id, settings, joined + timedelta(days=1), all_of_it=done)


async def _seed(settings: Settings) -> None:
    """A company with a history: courses published months ago, four departments of
    people assigned courses with due dates over the last 100 days, some done (the
    certificate issued after the assignment, of course), some under way, some overdue;
    and two individuals. Seeding takes seconds."""
    now = utcnow()
    founded = now - timedelta(days=130)
    staff = await accounts.create_staff(STAFF, "Pat Staff", DEMO_PASSWORD)
    course_ids = await _courses(staff, settings, founded)
    company = await accounts.create_company(
        staff, "Acme Corp", ADMIN, "Alex Admin", DEMO_PASSWORD, clock=lambda: founded
    )
    admin = await User.get(email=ADMIN)
    people, group_ids = await _people(admin, founded)
    await _assign_and_learn(admin, people, group_ids, course_ids, settings, now)
    await _individuals(settings, course_ids, now)
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
