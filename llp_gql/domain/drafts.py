"""Changing the lessons of a draft course: edit, delete, move up or down.

Only drafts (DESIGN.md section 3: published courses are frozen): each change locks
the course row and checks again that it is still a draft inside its transaction,
so a publish at the same moment either comes first (and the change is refused with
COURSE_PUBLISHED) or after (and publishes the changed lessons).

Positions stay 1..n without gaps; (course, position) is unique in the database, so
moves go through position 0, which no lesson holds.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from llp_gql.domain import access
from llp_gql.domain.accounts import clean_name
from llp_gql.domain.courses import (
    LessonSpec,
    _draft,
    _text,
    _validate_lesson,
    write_questions,
)
from llp_gql.errors import CoursePublished, NotFound, ValidationFailed
from llp_gql.models import Course, CourseStatus, Lesson, LessonKind, Question

UP = -1
DOWN = 1


async def _locked(
    viewer: access.Viewer, course_id: int, lesson_id: int, connection: BaseDBAsyncClient
) -> Lesson:
    """The lesson of a draft, its course row locked; NOT_FOUND for a lesson of another
    course, COURSE_PUBLISHED once the course is published."""
    course = await _draft(viewer, course_id)  # staff only (access.may_author_courses)
    locked = await Course.filter(id=course.id).using_db(connection).select_for_update().first()
    if locked is None:
        raise NotFound("Course")
    if locked.status != CourseStatus.DRAFT:
        raise CoursePublished(
            "This course is published and frozen; duplicate it into a new draft to change it."
        )
    lesson = await Lesson.filter(id=lesson_id, course_id=course.id).using_db(connection).first()
    if lesson is None:
        raise NotFound("Lesson")
    return lesson


async def update_lesson(
    viewer: access.Viewer, course_id: int, lesson_id: int, spec: LessonSpec
) -> Lesson:
    """Replace a draft lesson's content (its kind stays; a quiz's questions are
    replaced as a whole). The same checks as adding a lesson."""
    title = clean_name(spec.title, "title")
    _validate_lesson(spec)
    async with in_transaction() as connection:
        lesson = await _locked(viewer, course_id, lesson_id, connection)
        if spec.kind != lesson.kind:
            raise ValidationFailed(
                "A lesson keeps its kind; add a new lesson instead.", field="kind"
            )
        is_video = spec.kind == LessonKind.VIDEO
        is_quiz = spec.kind == LessonKind.QUIZ
        lesson.title = title
        lesson.duration_seconds = spec.duration_seconds if is_video else None
        lesson.video_url = spec.video_url if is_video else None
        lesson.body = _text(spec.body, "body")  # type: ignore[assignment]  # a nullable column
        lesson.passing_score_percent = spec.passing_score_percent if is_quiz else None
        lesson.max_attempts = spec.max_attempts if is_quiz else None
        await lesson.save(using_db=connection)
        if is_quiz:
            await Question.filter(lesson_id=lesson.id).using_db(connection).delete()
            await write_questions(lesson, spec.questions, connection)
    return lesson


async def delete_lesson(viewer: access.Viewer, course_id: int, lesson_id: int) -> None:
    """Remove a draft lesson (with its questions); the lessons after it move up."""
    async with in_transaction() as connection:
        lesson = await _locked(viewer, course_id, lesson_id, connection)
        gone = lesson.position
        await lesson.delete(using_db=connection)
        # One by one, upwards, so that (course, position) stays unique at every step.
        after = (
            await Lesson.filter(course_id=course_id, position__gt=gone)
            .using_db(connection)
            .order_by("position")
        )
        for later in after:
            later.position -= 1
            await later.save(using_db=connection, update_fields=["position"])


async def move_lesson(
    viewer: access.Viewer, course_id: int, lesson_id: int, direction: int
) -> Lesson:
    """Swap a draft lesson with the one before (``UP``) or after (``DOWN``) it; at
    either end nothing moves."""
    if direction not in (UP, DOWN):
        raise ValidationFailed("Move a lesson up or down.", field="direction")
    async with in_transaction() as connection:
        lesson = await _locked(viewer, course_id, lesson_id, connection)
        neighbour = (
            await Lesson.filter(course_id=course_id, position=lesson.position + direction)
            .using_db(connection)
            .first()
        )
        if neighbour is None:
            return lesson
        mine, theirs = lesson.position, neighbour.position
        lesson.position = 0
        await lesson.save(using_db=connection, update_fields=["position"])
        neighbour.position = mine
        await neighbour.save(using_db=connection, update_fields=["position"])
        lesson.position = theirs
        await lesson.save(using_db=connection, update_fields=["position"])
    return lesson
