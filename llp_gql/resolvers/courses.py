"""The catalogue and course authoring."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import strawberry

from llp_gql.domain import access, courses
from llp_gql.models import Course, CourseStatus
from llp_gql.schema.context import Info
from llp_gql.schema.courses import CourseType, LessonInput, LessonType
from llp_gql.schema.ids import decode_id
from llp_gql.schema.pagination import After, Connection, First, paginate

CourseId = Annotated[strawberry.ID, strawberry.argument(description="The course (Course.id).")]


async def list_courses(
    info: Info, first: First = 20, after: After = None
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


async def get_course(info: Info, id: CourseId) -> CourseType:
    """NOT_FOUND alike for a missing course and a draft a learner may not see."""
    row = await access.access_course(info.context.viewer, decode_id("Course", id))
    return CourseType.from_model(row)


async def create_course(
    info: Info,
    title: Annotated[str, strawberry.argument(description="The title, 1 to 200 characters.")],
    description: Annotated[
        str | None, strawberry.argument(description="What the course is about; optional.")
    ] = None,
) -> CourseType:
    return CourseType.from_model(
        await courses.create_course(info.context.viewer, title, description)
    )


async def add_lesson(
    info: Info,
    course_id: Annotated[
        strawberry.ID, strawberry.argument(description="The draft course (Course.id).")
    ],
    input: Annotated[LessonInput, strawberry.argument(description="The lesson to add.")],
) -> LessonType:
    row = await courses.add_lesson(
        info.context.viewer, decode_id("Course", course_id), input.to_spec()
    )
    return LessonType.from_model(row)


async def publish_course(info: Info, course_id: CourseId) -> CourseType:
    context = info.context
    row = await courses.publish_course(
        context.viewer, decode_id("Course", course_id), clock=context.clock
    )
    return CourseType.from_model(row)


async def duplicate_course(info: Info, course_id: CourseId) -> CourseType:
    row = await courses.duplicate_course(info.context.viewer, decode_id("Course", course_id))
    return CourseType.from_model(row)


async def archive_course(info: Info, course_id: CourseId) -> CourseType:
    context = info.context
    row = await courses.archive_course(
        context.viewer, decode_id("Course", course_id), clock=context.clock
    )
    return CourseType.from_model(row)
