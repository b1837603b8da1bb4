"""Authoring courses: drafts, lessons, publishing, duplicating and archiving.

Published courses are frozen (DESIGN.md section 3): anything that would change
what completion means is refused with COURSE_PUBLISHED; staff duplicate the
course into a new draft instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlparse

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Count, Max
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit
from llp_gql.domain.accounts import clean_name
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.paging import Page, fetch_page
from llp_gql.errors import CoursePublished, Forbidden, NotFound, ValidationFailed
from llp_gql.models import Choice, Enrollment, Lesson, Question, User
from llp_gql.models import Course as Course  # re-exported: the row pages are handed
from llp_gql.models import CourseStatus as CourseStatus  # re-exported for the pages
from llp_gql.models import LessonKind as LessonKind  # re-exported for the pages

MAX_LESSONS = 200
MAX_QUESTIONS = 100
MAX_CHOICES = 20
MAX_TEXT = 100_000
MAX_VIDEO_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class ChoiceSpec:
    text: str
    is_correct: bool


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    prompt: str
    choices: Sequence[ChoiceSpec]


@dataclass(frozen=True, slots=True)
class LessonSpec:
    kind: LessonKind
    title: str
    duration_seconds: float | None = None
    video_url: str | None = None
    body: str | None = None
    passing_score_percent: int | None = None
    max_attempts: int | None = None
    questions: Sequence[QuestionSpec] = field(default_factory=tuple)


def _author(viewer: access.Viewer) -> User:
    user = access.require_user(viewer)
    if not access.may_author_courses(user):
        raise Forbidden("Only staff can author courses.")
    return user


async def _draft(viewer: access.Viewer, course_id: int) -> Course:
    _ = _author(viewer)
    course = await Course.get_or_none(id=course_id)
    if course is None:
        raise NotFound("Course")
    if course.status != CourseStatus.DRAFT:
        raise CoursePublished(
            "This course is published and frozen; duplicate it into a new draft to change it."
        )
    return course


def _text(value: str | None, field_name: str, *, required: bool = False) -> str | None:
    if value is None or not value.strip():
        if required:
            raise ValidationFailed(f"{field_name} cannot be empty.", field=field_name)
        return None
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"{field_name} is too long.", field=field_name)
    if "\x00" in value:
        raise ValidationFailed(f"{field_name} contains a NUL character.", field=field_name)
    return value.strip()


async def create_course(viewer: access.Viewer, title: str, description: str | None) -> Course:
    author = _author(viewer)
    return await Course.create(
        title=clean_name(title, "title"),
        description=_text(description, "description"),
        created_by=author,
    )


def _validate_lesson(spec: LessonSpec) -> None:
    if spec.kind == LessonKind.VIDEO:
        duration = spec.duration_seconds
        if duration is None or not math.isfinite(duration) or duration <= 0:
            raise ValidationFailed(
                "A video needs a positive durationSeconds.", field="durationSeconds"
            )
        if duration > MAX_VIDEO_SECONDS:
            raise ValidationFailed("A video may last at most 24 hours.", field="durationSeconds")
        raw_url = spec.video_url or ""
        url = urlparse(raw_url)
        if url.scheme not in {"http", "https"} or not url.netloc or len(raw_url) > 2000:
            raise ValidationFailed("A video needs an http(s) videoUrl.", field="videoUrl")
    if spec.kind == LessonKind.QUIZ:
        score = spec.passing_score_percent
        if score is None or not 1 <= score <= 100:
            raise ValidationFailed(
                "A quiz needs passingScorePercent between 1 and 100.", field="passingScorePercent"
            )
        if spec.max_attempts is not None and not 1 <= spec.max_attempts <= 100:
            raise ValidationFailed(
                "maxAttempts must be between 1 and 100, or empty for unlimited.",
                field="maxAttempts",
            )
        if not spec.questions or len(spec.questions) > MAX_QUESTIONS:
            raise ValidationFailed(
                f"A quiz needs 1 to {MAX_QUESTIONS} questions.", field="questions"
            )
        for number, question in enumerate(spec.questions, start=1):
            _text(question.prompt, f"questions[{number}].prompt", required=True)
            if not 2 <= len(question.choices) <= MAX_CHOICES:
                raise ValidationFailed(
                    f"Question {number} needs 2 to {MAX_CHOICES} choices.", field="questions"
                )
            if not any(choice.is_correct for choice in question.choices):
                raise ValidationFailed(
                    f"Question {number} needs at least one correct choice.", field="questions"
                )
            for choice in question.choices:
                _text(choice.text, f"questions[{number}].choices.text", required=True)
    elif spec.questions:
        raise ValidationFailed("Only quizzes have questions.", field="questions")


async def write_questions(
    lesson: Lesson, questions: Sequence[QuestionSpec], connection: BaseDBAsyncClient
) -> None:
    """A quiz's questions and choices, in order, inside ``connection``'s transaction
    (checked before: ``_validate_lesson``)."""
    for q_pos, q in enumerate(questions, start=1):
        question = await Question.create(
            using_db=connection,
            lesson=lesson,
            position=q_pos,
            prompt=q.prompt.strip(),
            multiple_answers=sum(1 for c in q.choices if c.is_correct) > 1,
        )
        await Choice.bulk_create(
            [
                Choice(
                    question=question, position=c_pos, text=c.text.strip(), is_correct=c.is_correct
                )
                for c_pos, c in enumerate(q.choices, start=1)
            ],
            using_db=connection,
        )


async def add_lesson(viewer: access.Viewer, course_id: int, spec: LessonSpec) -> Lesson:
    """Append a lesson to a draft course."""
    course = await _draft(viewer, course_id)
    title = clean_name(spec.title, "title")
    _validate_lesson(spec)
    is_video = spec.kind == LessonKind.VIDEO
    is_quiz = spec.kind == LessonKind.QUIZ
    async with in_transaction() as connection:
        last = await Lesson.filter(course_id=course.id).annotate(m=Max("position")).values("m")
        position = (last[0]["m"] or 0) + 1 if last else 1
        if position > MAX_LESSONS:
            raise ValidationFailed(f"A course may have at most {MAX_LESSONS} lessons.")
        lesson = await Lesson.create(
            course_id=course.id,
            position=position,
            kind=spec.kind,
            title=title,
            duration_seconds=spec.duration_seconds if is_video else None,
            video_url=spec.video_url if is_video else None,
            body=_text(spec.body, "body"),
            passing_score_percent=spec.passing_score_percent if is_quiz else None,
            max_attempts=spec.max_attempts if is_quiz else None,
        )
        await write_questions(lesson, spec.questions if is_quiz else (), connection)
    return lesson


async def publish_course(viewer: access.Viewer, course_id: int, *, clock: Clock = utcnow) -> Course:
    course = await _draft(viewer, course_id)
    if not await Lesson.exists(course_id=course.id):
        raise ValidationFailed("Add at least one lesson before publishing.")
    course.status = CourseStatus.PUBLISHED
    course.published_at = clock()
    async with in_transaction():
        await course.save(update_fields=["status", "published_at"])
        await audit.record(
            audit.COURSE_PUBLISHED,
            actor=access.require_user(viewer),
            subject_type="course",
            subject_id=course.id,
            details={"title": course.title},
        )
    return course


async def archive_course(viewer: access.Viewer, course_id: int, *, clock: Clock = utcnow) -> Course:
    """No new enrollments; learners already in it go on."""
    author = _author(viewer)
    course = await Course.get_or_none(id=course_id)
    if course is None:
        raise NotFound("Course")
    if course.status == CourseStatus.DRAFT:
        raise ValidationFailed("Only published courses can be archived.")
    if course.status == CourseStatus.PUBLISHED:
        course.status = CourseStatus.ARCHIVED
        course.archived_at = clock()
        async with in_transaction():
            await course.save(update_fields=["status", "archived_at"])
            await audit.record(
                audit.COURSE_ARCHIVED,
                actor=author,
                subject_type="course",
                subject_id=course.id,
                details={"title": course.title},
            )
    return course


async def duplicate_course(viewer: access.Viewer, course_id: int) -> Course:
    """Copy a course, lessons, questions and choices into a new draft."""
    author = _author(viewer)
    source = await Course.get_or_none(id=course_id)
    if source is None:
        raise NotFound("Course")
    lessons = await Lesson.filter(course_id=source.id).order_by("position")
    questions = await Question.filter(lesson_id__in=[x.id for x in lessons]).order_by("position")
    choices = await Choice.filter(question_id__in=[q.id for q in questions]).order_by("position")
    title = f"{source.title} (copy)"[:200]
    async with in_transaction():
        copy = await Course.create(
            title=title,
            description=source.description,
            created_by=author,
            duplicated_from=source,
        )
        for lesson in lessons:
            new_lesson = await Lesson.create(
                course=copy,
                position=lesson.position,
                kind=lesson.kind,
                title=lesson.title,
                duration_seconds=lesson.duration_seconds,
                video_url=lesson.video_url,
                body=lesson.body,
                passing_score_percent=lesson.passing_score_percent,
                max_attempts=lesson.max_attempts,
            )
            for question in (q for q in questions if q.lesson_id == lesson.id):
                new_question = await Question.create(
                    lesson=new_lesson,
                    position=question.position,
                    prompt=question.prompt,
                    multiple_answers=question.multiple_answers,
                )
                await Choice.bulk_create(
                    [
                        Choice(
                            question=new_question,
                            position=c.position,
                            text=c.text,
                            is_correct=c.is_correct,
                        )
                        for c in choices
                        if c.question_id == question.id
                    ]
                )
    return copy


# -- what authors see --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CourseRow:
    course: Course
    lessons: int
    enrollments: int


async def course_rows(
    viewer: access.Viewer, search: str, status: CourseStatus | None, page: int, size: int
) -> Page[CourseRow]:
    """One page of the courses the viewer may see (staff: all), newest first, of one
    ``status`` or all, with their lesson and enrollment counts."""
    query = access.visible_courses(viewer)
    if status is not None:
        query = query.filter(status=status)
    if search:
        query = query.filter(title__icontains=search)
    found = await fetch_page(
        query,
        page,
        size,
        order_by=("-created_at", "-id"),
        annotations={"lesson_count": Count("lessons")},
    )
    enrolled: dict[int, int] = dict.fromkeys((c.id for c in found.items), 0)
    for row in await Enrollment.filter(course_id__in=list(enrolled)).values("course_id"):
        enrolled[row["course_id"]] += 1
    return found.with_items(
        [CourseRow(c, getattr(c, "lesson_count", 0), enrolled[c.id]) for c in found.items],
    )


@dataclass(frozen=True, slots=True)
class OutlineLesson:
    lesson: Lesson
    questions: list[tuple[Question, list[Choice]]]


async def outline(viewer: access.Viewer, course: Course) -> list[OutlineLesson]:
    """A course's lessons in order with their questions and choices, answer keys
    included: for those who may see them (authors) only, in three queries."""
    if not access.may_see_answer_keys(viewer):
        raise Forbidden("Only course authors see the answer keys.")
    lessons = await Lesson.filter(course_id=course.id).order_by("position")
    questions = await Question.filter(lesson_id__in=[x.id for x in lessons]).order_by("position")
    choices = await Choice.filter(question_id__in=[q.id for q in questions]).order_by("position")
    return [
        OutlineLesson(
            lesson,
            [
                (question, [c for c in choices if c.question_id == question.id])
                for question in questions
                if question.lesson_id == lesson.id
            ],
        )
        for lesson in lessons
    ]


async def enrollment_count(course: Course) -> int:
    """How many enrollments the course has (a draft has none)."""
    return await Enrollment.filter(course_id=course.id).count()
