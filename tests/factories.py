"""Async factories that build a whole world of roles in one call."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from llp_gql.domain.passwords import hash_password
from llp_gql.models import (
    AccountType,
    Choice,
    Company,
    Course,
    CourseStatus,
    Lesson,
    LessonKind,
    Question,
    Role,
    User,
)

PASSWORD = "correct horse battery staple"


@cache
def _password_hash() -> str:
    # argon2 is slow on purpose; hash the shared test password once per session.
    return hash_password(PASSWORD)


async def make_company(name: str) -> Company:
    return await Company.create(name=name)


async def make_user(
    email: str,
    *,
    name: str | None = None,
    company: Company | None = None,
    role: Role = Role.LEARNER,
    account_type: AccountType | None = None,
) -> User:
    if account_type is None:
        account_type = AccountType.EMPLOYEE if company else AccountType.INDIVIDUAL
    return await User.create(
        email=email,
        name=name or email.split("@")[0].replace(".", " ").title(),
        password_hash=_password_hash(),
        account_type=account_type,
        role=role,
        company=company,
    )


@dataclass
class CourseParts:
    course: Course
    video: Lesson
    reading: Lesson
    activity: Lesson
    quiz: Lesson
    questions: list[Question] = field(default_factory=list)
    correct: dict[int, list[int]] = field(default_factory=dict)  # question id -> right choice ids
    wrong: dict[int, list[int]] = field(default_factory=dict)

    @property
    def lessons(self) -> list[Lesson]:
        return [self.video, self.reading, self.activity, self.quiz]


async def make_course(
    title: str = "Leading Teams",
    *,
    status: CourseStatus = CourseStatus.PUBLISHED,
    video_seconds: float = 60.0,
    passing_score: int = 50,
    max_attempts: int | None = 2,
) -> CourseParts:
    """A course with one lesson of every kind, in the order video, reading, activity, quiz."""
    course = await Course.create(title=title, description=f"About {title}", status=status)
    video = await Lesson.create(
        course=course,
        position=1,
        kind=LessonKind.VIDEO,
        title="Welcome video",
        duration_seconds=video_seconds,
        video_url="https://videos.example/welcome.mp4",
    )
    reading = await Lesson.create(
        course=course,
        position=2,
        kind=LessonKind.READING,
        title="Read the guide",
        body="Text",
    )
    activity = await Lesson.create(
        course=course,
        position=3,
        kind=LessonKind.ACTIVITY,
        title="Practice",
        body="Do it",
    )
    quiz = await Lesson.create(
        course=course,
        position=4,
        kind=LessonKind.QUIZ,
        title="Check yourself",
        passing_score_percent=passing_score,
        max_attempts=max_attempts,
    )
    parts = CourseParts(course, video, reading, activity, quiz)
    # Q1: single answer (B). Q2: multiple answers (A and C).
    for position, (prompt, marks) in enumerate(
        [("Best first step?", [False, True, False]), ("Pick the good habits", [True, False, True])],
        start=1,
    ):
        question = await Question.create(
            lesson=quiz, position=position, prompt=prompt, multiple_answers=sum(marks) > 1
        )
        choices = [
            await Choice.create(question=question, position=i, text=f"Choice {i}", is_correct=m)
            for i, m in enumerate(marks, start=1)
        ]
        parts.questions.append(question)
        parts.correct[question.id] = [c.id for c in choices if c.is_correct]
        parts.wrong[question.id] = [c.id for c in choices if not c.is_correct][:1]
    return parts


@dataclass
class World:
    staff: User
    company_x: Company
    admin_x: User
    employee_x: User
    employee_x2: User
    company_y: Company
    admin_y: User
    employee_y: User
    individual_a: User
    individual_b: User
    course: CourseParts
    draft: Course

    def users(self) -> dict[str, User]:
        return {
            "staff": self.staff,
            "admin_x": self.admin_x,
            "employee_x": self.employee_x,
            "employee_x2": self.employee_x2,
            "admin_y": self.admin_y,
            "employee_y": self.employee_y,
            "individual_a": self.individual_a,
            "individual_b": self.individual_b,
        }


async def build_world() -> World:
    """Staff, two companies with an admin and employees, two individuals, a published
    course with every lesson kind, and a draft course."""
    staff = await make_user(
        "staff@llp.example", role=Role.STAFF, account_type=AccountType.INDIVIDUAL
    )
    company_x = await make_company("Acme Corp")
    company_y = await make_company("Globex")
    admin_x = await make_user("admin@acme.example", company=company_x, role=Role.COMPANY_ADMIN)
    employee_x = await make_user("emma@acme.example", company=company_x, name="Émma Núñez")
    employee_x2 = await make_user("ed@acme.example", company=company_x)
    admin_y = await make_user("admin@globex.example", company=company_y, role=Role.COMPANY_ADMIN)
    employee_y = await make_user("gus@globex.example", company=company_y)
    individual_a = await make_user("ann@mail.example", name="Ann Individual")
    individual_b = await make_user("bob@mail.example", name="Bob Individual")
    course = await make_course()
    draft = await Course.create(title="Draft course", status=CourseStatus.DRAFT)
    return World(
        staff,
        company_x,
        admin_x,
        employee_x,
        employee_x2,
        company_y,
        admin_y,
        employee_y,
        individual_a,
        individual_b,
        course,
        draft,
    )
