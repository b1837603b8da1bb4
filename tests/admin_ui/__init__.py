"""Helpers for the admin UI tests: sessions for any user, a scene with enrollments."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import httpx
from PIL import Image

from admin_ui import csrf
from llp_gql.auth_middleware import SESSION_COOKIE
from llp_gql.domain import auth, progress, quizzes
from llp_gql.domain.clock import FakeClock
from llp_gql.models import (
    AccountType,
    Certificate,
    Choice,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
    Question,
    User,
)
from llp_gql.settings import Settings
from tests.factories import World

HOST = "llp.example"


async def log_in(client: httpx.AsyncClient, user: User, settings: Settings) -> str:
    """Give the client a session of ``user`` (as the login form would); returns its CSRF token."""
    issued = await auth.issue_token(user, settings=settings, kind=auth.SESSION)
    client.cookies.set(SESSION_COOKIE, issued.token, domain=HOST, path="/")
    assert issued.csrf_secret is not None
    return csrf.session_token(settings.secret_key, issued.csrf_secret)


def page_csrf(html: str) -> str:
    """The session CSRF token printed in a page (hidden field)."""
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


@dataclass
class Scene:
    """The world plus enrollments in every relevant state."""

    world: World
    done_x: Enrollment  # employee_x, assigned by company X, completed, with a certificate
    certificate_x: Certificate
    open_x2: Enrollment  # employee_x2, assigned by company X, stuck at the quiz
    open_y: Enrollment  # employee_y, assigned by company Y
    self_a: Enrollment  # individual_a, self-enrolled
    draft_ready: Course  # a draft with one lesson: can be published


async def _assigned(world: World, learner: User, company_admin: User) -> Enrollment:
    return await Enrollment.create(
        learner=learner,
        course=world.course.course,
        source=EnrollmentSource.ASSIGNED,
        assigned_by=company_admin,
        company_id=company_admin.company_id,
    )


async def build_scene(world: World, clock: FakeClock) -> Scene:
    """Rows written directly (fast): the permission table needs states, not the rules
    that lead to them; the rules have their own tests, and the browser test walks them."""
    done_x = await _assigned(world, world.employee_x, world.admin_x)
    for lesson in world.course.lessons:
        _ = await LessonProgress.create(
            enrollment=done_x,
            lesson=lesson,
            status=LessonStatus.COMPLETED,
            completed_at=clock(),
            updated_at=clock(),
        )
    done_x.completed_at = clock()
    await done_x.save()
    certificate = await Certificate.create(
        enrollment=done_x,
        verification_code="testcode0000000000000000000000x1",
        learner_name=world.employee_x.name,
        learner_email=world.employee_x.email,
        course_title=world.course.course.title,
        company_name=world.company_x.name,
        issued_at=clock(),
        template_version=1,
        pdf=b"%PDF-1.4 test",
        sha256="0" * 64,
    )
    open_x2 = await _assigned(world, world.employee_x2, world.admin_x)
    open_y = await _assigned(world, world.employee_y, world.admin_y)
    self_a = await Enrollment.create(
        learner=world.individual_a, course=world.course.course, source=EnrollmentSource.SELF
    )
    draft_ready = await Course.create(title="Ready draft", status=CourseStatus.DRAFT)
    _ = await Lesson.create(
        course=draft_ready, position=1, kind=LessonKind.READING, title="Read me", body="Text"
    )
    world.company_x.logo = png()
    await world.company_x.save()
    return Scene(world, done_x, certificate, open_x2, open_y, self_a, draft_ready)


async def add_employees(
    world: World, count: int, *, prefix: str = "bulk", clock: FakeClock
) -> list[Enrollment]:
    """``count`` more employees of company X (``<prefix> NN``, ``<prefix>NN@acme.example``),
    each assigned the world's course: three in four completed with a certificate, the
    fourth under way (its reading done). Rows written directly."""
    people = [
        await User.create(
            email=f"{prefix}{n:02d}@acme.example",
            name=f"{prefix.title()} {n:02d}",
            password_hash="-",
            account_type=AccountType.EMPLOYEE,
            company=world.company_x,
        )
        for n in range(count)
    ]
    rows = [await _assigned(world, person, world.admin_x) for person in people]
    for n, row in enumerate(rows):
        if n % 4:
            row.completed_at = clock()
            await row.save(update_fields=["completed_at"])
    await LessonProgress.bulk_create(
        [
            LessonProgress(
                enrollment=row,
                lesson=world.course.reading,
                status=LessonStatus.COMPLETED,
                completed_at=clock(),
                updated_at=clock(),
            )
            for n, row in enumerate(rows)
            if n % 4 == 0
        ]
    )
    await Certificate.bulk_create(
        [
            Certificate(
                enrollment=row,
                verification_code=f"{prefix}-{row.id}",
                learner_name=person.name,
                learner_email=person.email,
                course_title=world.course.course.title,
                company_name=world.company_x.name,
                issued_at=clock(),
                template_version=1,
                pdf=b"%PDF-1.4 test",
                sha256="0" * 64,
            )
            for n, (person, row) in enumerate(zip(people, rows, strict=True))
            if n % 4
        ]
    )
    return rows


async def complete_course(
    learner: User, enrollment: Enrollment, *, settings: Settings, clock: FakeClock
) -> None:
    """Walk every lesson the honest way, through the domain (issues the certificate)."""
    lessons = await Lesson.filter(course_id=enrollment.course_id).order_by("position")
    for lesson in lessons:
        if lesson.kind == LessonKind.VIDEO:
            position, end = 0.0, lesson.duration_seconds or 0.0
            while position < end:
                stop = min(position + 5.0, end)
                clock.advance(stop - position)
                _ = await progress.record_video_progress(
                    learner,
                    enrollment.id,
                    lesson.id,
                    position,
                    stop,
                    settings=settings,
                    clock=clock,
                )
                position = stop
        elif lesson.kind == LessonKind.QUIZ:
            answers = {
                q.id: [c.id for c in await Choice.filter(question_id=q.id, is_correct=True)]
                for q in await Question.filter(lesson_id=lesson.id)
            }
            _ = await quizzes.submit_quiz(
                learner, enrollment.id, lesson.id, answers, settings=settings, clock=clock
            )
        else:
            _ = await progress.complete_lesson(
                learner, enrollment.id, lesson.id, settings=settings, clock=clock
            )


def png(width: int = 120, height: int = 40) -> bytes:
    """A real PNG, as an admin would upload it."""
    image = Image.new("RGB", (width, height), (36, 68, 179))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
