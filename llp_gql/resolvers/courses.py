"""The catalogue and course authoring."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from llp_gql.domain import access, courses
from llp_gql.models import Course, CourseStatus
from llp_gql.schema.context import Info
from llp_gql.schema.courses import CourseType, LessonInput, LessonType
from llp_gql.schema.ids import decode_id
from llp_gql.schema.pagination import Connection, paginate


async def list_courses(
    info: Info, first: int | None = 20, after: str | None = None
) -> Connection[CourseType]:
    loaders = info.context.loaders

    async def with_lessons(rows: Sequence[Course]) -> list[CourseType]:
        # One query for the lessons of the whole page (the catalogue always shows them).
        lessons = await loaders.lessons_by_course.load_many([row.id for row in rows])
        return [CourseType.from_model(row, list(ls)) for row, ls in zip(rows, lessons, strict=True)]

    return await paginate(
        Course.filter(status=CourseStatus.PUBLISHED),
        first=first,
        after=after,
        maximum=info.context.settings.max_page_size,
        convert=with_lessons,
    )


async def get_course(info: Info, id: strawberry.ID) -> CourseType:
    """NOT_FOUND alike for a missing course and a draft a learner may not see."""
    row = await access.access_course(info.context.viewer, decode_id("Course", id))
    return CourseType.from_model(row)


async def create_course(info: Info, title: str, description: str | None = None) -> CourseType:
    return CourseType.from_model(
        await courses.create_course(info.context.viewer, title, description)
    )


async def add_lesson(info: Info, course_id: strawberry.ID, input: LessonInput) -> LessonType:
    row = await courses.add_lesson(
        info.context.viewer, decode_id("Course", course_id), input.to_spec()
    )
    return LessonType.from_model(row)


async def publish_course(info: Info, course_id: strawberry.ID) -> CourseType:
    context = info.context
    row = await courses.publish_course(
        context.viewer, decode_id("Course", course_id), clock=context.clock
    )
    return CourseType.from_model(row)


async def duplicate_course(info: Info, course_id: strawberry.ID) -> CourseType:
    row = await courses.duplicate_course(info.context.viewer, decode_id("Course", course_id))
    return CourseType.from_model(row)


async def archive_course(info: Info, course_id: strawberry.ID) -> CourseType:
    context = info.context
    row = await courses.archive_course(
        context.viewer, decode_id("Course", course_id), clock=context.clock
    )
    return CourseType.from_model(row)
