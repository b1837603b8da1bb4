"""Helpers shared by the domain tests: enrollments, custom courses, walking through lessons."""

from __future__ import annotations

from llp_gql.domain import progress, quizzes
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.completion import ProgressOutcome
from llp_gql.models import (
    Certificate,
    Choice,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
    LessonProgress,
    Question,
    QuizAttempt,
    User,
)
from llp_gql.settings import Settings
from tests.factories import World


async def assign(
    world: World, learner: User | None = None, course: Course | None = None
) -> Enrollment:
    """An ASSIGNED enrollment of an employee of company X (employee_x by default)."""
    return await Enrollment.create(
        learner=learner or world.employee_x,
        course=course or world.course.course,
        source=EnrollmentSource.ASSIGNED,
        assigned_by=world.admin_x,
        company=world.company_x,
    )


async def enroll_self(world: World, learner: User | None = None) -> Enrollment:
    """A SELF enrollment of an individual (individual_a by default)."""
    return await Enrollment.create(
        learner=learner or world.individual_a,
        course=world.course.course,
        source=EnrollmentSource.SELF,
    )


async def make_kinds_course(kinds: list[LessonKind], title: str = "Custom course") -> Course:
    """A published course with one lesson per kind, in order; videos last 60 s and
    quizzes have one question (choice 1 right, choice 2 wrong), pass mark 100."""
    course = await Course.create(title=title, status=CourseStatus.PUBLISHED)
    for position, kind in enumerate(kinds, start=1):
        lesson = await Lesson.create(
            course=course,
            position=position,
            kind=kind,
            title=f"{kind.title()} {position}",
            duration_seconds=60.0 if kind == LessonKind.VIDEO else None,
            passing_score_percent=100 if kind == LessonKind.QUIZ else None,
            max_attempts=3 if kind == LessonKind.QUIZ else None,
        )
        if kind == LessonKind.QUIZ:
            question = await Question.create(lesson=lesson, position=1, prompt="Right?")
            await Choice.bulk_create(
                [
                    Choice(question=question, position=1, text="Yes", is_correct=True),
                    Choice(question=question, position=2, text="No", is_correct=False),
                ]
            )
    return course


async def right_answers(lesson: Lesson) -> dict[int, list[int]]:
    return {
        q.id: [c.id for c in await Choice.filter(question_id=q.id, is_correct=True)]
        for q in await Question.filter(lesson_id=lesson.id)
    }


async def watch(
    viewer: User,
    enrollment: Enrollment,
    lesson: Lesson,
    *,
    clock: FakeClock,
    settings: Settings,
    start: float = 0.0,
    end: float | None = None,
    step: float = 5.0,
) -> ProgressOutcome:
    """Watch [start, end] honestly: one report per ``step`` seconds of wall clock."""
    end = lesson.duration_seconds if end is None else end
    assert end is not None
    position = start
    outcome = None
    while position < end:
        stop = min(position + step, end)
        clock.advance(stop - position)
        outcome = await progress.record_video_progress(
            viewer, enrollment.id, lesson.id, position, stop, settings=settings, clock=clock
        )
        position = stop
    assert outcome is not None
    return outcome


async def finish_lesson(
    viewer: User, enrollment: Enrollment, lesson: Lesson, *, clock: FakeClock, settings: Settings
) -> ProgressOutcome:
    """Complete any lesson the honest way."""
    if lesson.kind == LessonKind.VIDEO:
        return await watch(viewer, enrollment, lesson, clock=clock, settings=settings)
    if lesson.kind == LessonKind.QUIZ:
        answers = await right_answers(lesson)
        result = await quizzes.submit_quiz(
            viewer, enrollment.id, lesson.id, answers, settings=settings, clock=clock
        )
        return result.progress
    return await progress.complete_lesson(
        viewer, enrollment.id, lesson.id, settings=settings, clock=clock
    )


async def finish_before(
    viewer: User, enrollment: Enrollment, position: int, *, clock: FakeClock, settings: Settings
) -> list[Lesson]:
    """Complete every lesson before ``position``; returns the course's lessons in order."""
    lessons = list(await Lesson.filter(course_id=enrollment.course_id).order_by("position"))
    for lesson in lessons:
        if lesson.position < position:
            await finish_lesson(viewer, enrollment, lesson, clock=clock, settings=settings)
    return lessons


async def stored(enrollment: Enrollment) -> tuple[int, int, int]:
    """(progress rows, quiz attempts, certificates) stored for an enrollment."""
    return (
        await LessonProgress.filter(enrollment_id=enrollment.id).count(),
        await QuizAttempt.filter(progress__enrollment_id=enrollment.id).count(),
        await Certificate.filter(enrollment_id=enrollment.id).count(),
    )
