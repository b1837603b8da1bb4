"""Staff change the lessons of a draft course: edit (the add form, filled in), delete
(after a confirmation page) and move up or down. Published courses stay frozen: the
domain (``llp_gql.domain.drafts``) refuses with COURSE_PUBLISHED, and these pages
send the author back to the editor, which says so."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import forms, rendering, web
from admin_ui.authoring import (
    CHOICES_PER_QUESTION,
    DEFAULT_QUESTION_ROWS,
    KIND_LABELS,
    MAX_QUESTION_ROWS,
    form_choices,
    form_context,
    form_rows,
    lesson_error,
    lesson_spec,
    typed_values,
    wants_more_rows,
)
from llp_gql.domain import access, courses, drafts
from llp_gql.errors import CoursePublished, LLPError, NotFound


async def _draft_lesson(
    user: access.Actor, request: Request
) -> tuple[courses.Course, courses.OutlineLesson]:
    course = await access.access_course(user, request.path_params["course_id"])
    lesson_id = request.path_params["lesson_id"]
    for item in await courses.outline(user, course):
        if item.lesson.id == lesson_id:
            return course, item
    raise NotFound("Lesson")


def _values(item: courses.OutlineLesson) -> dict[str, str]:
    """The lesson as the form's fields."""
    lesson = item.lesson
    values = {
        "title": lesson.title,
        "duration_seconds": f"{lesson.duration_seconds:g}" if lesson.duration_seconds else "",
        "video_url": lesson.video_url or "",
        "body": lesson.body or "",
        "passing_score_percent": str(lesson.passing_score_percent or ""),
        "max_attempts": str(lesson.max_attempts or ""),
    }
    for n, (question, choices) in enumerate(item.questions, start=1):
        values[f"q{n}_prompt"] = question.prompt
        for c, choice in enumerate(choices, start=1):
            values[f"q{n}_c{c}_text"] = choice.text
            if choice.is_correct:
                values[f"q{n}_c{c}_correct"] = "on"
    return values


def _page(
    request: Request,
    course: courses.Course,
    item: courses.OutlineLesson,
    context: dict[str, object],
    status: int = 200,
) -> Response:
    return rendering.render(
        request,
        "staff_lesson_edit.html",
        {
            "course": course,
            "lesson": item.lesson,
            "kind_label": KIND_LABELS[item.lesson.kind],
            **context,
        },
        status=status,
    )


def _back(course: courses.Course, done: str) -> Response:
    return rendering.redirect(f"/admin/staff/courses/{course.id}?done={done}#lessons-title")


@web.page(web.staff)
async def lesson_edit(request: Request, user: access.Actor) -> Response:
    course, item = await _draft_lesson(user, request)
    if course.status != courses.CourseStatus.DRAFT:
        return rendering.redirect(f"/admin/staff/courses/{course.id}")
    kind = item.lesson.kind
    if request.method == "GET":
        most_choices = max((len(choices) for _, choices in item.questions), default=0)
        rows = min(max(len(item.questions), DEFAULT_QUESTION_ROWS), MAX_QUESTION_ROWS)
        choices = max(most_choices, CHOICES_PER_QUESTION)
        return _page(request, course, item, form_context(kind, rows, choices, _values(item)))
    form = await forms.read_form(request)
    rows, choices, values = form_rows(form), form_choices(form), typed_values(form)
    if wants_more_rows(form):
        more = min(rows + 2, MAX_QUESTION_ROWS)
        return _page(request, course, item, form_context(kind, more, choices, values))
    try:
        _ = await drafts.update_lesson(user, course.id, item.lesson.id, lesson_spec(form, kind))
    except CoursePublished:
        return rendering.redirect(f"/admin/staff/courses/{course.id}")
    except LLPError as exc:
        context = form_context(kind, rows, choices, values, lesson_error(exc))
        return _page(request, course, item, context, status=422)
    return _back(course, "lesson-updated")


@web.page(web.staff)
async def lesson_delete(request: Request, user: access.Actor) -> Response:
    course, item = await _draft_lesson(user, request)
    if course.status != courses.CourseStatus.DRAFT:
        return rendering.redirect(f"/admin/staff/courses/{course.id}")
    if request.method == "POST":
        try:
            await drafts.delete_lesson(user, course.id, item.lesson.id)
        except CoursePublished:
            return rendering.redirect(f"/admin/staff/courses/{course.id}")
        return _back(course, "lesson-deleted")
    return rendering.render(
        request,
        "staff_lesson_delete.html",
        {"course": course, "lesson": item.lesson, "questions": len(item.questions)},
    )


@web.page(web.staff)
async def lesson_move(request: Request, user: access.Actor) -> Response:
    course = await access.access_course(user, request.path_params["course_id"])
    form = await forms.read_form(request)
    direction = {"up": drafts.UP, "down": drafts.DOWN}.get(forms.text(form, "direction", limit=8))
    if direction is None:
        return rendering.error_page(request, 400, "Move a lesson up or down.")
    try:
        _ = await drafts.move_lesson(user, course.id, request.path_params["lesson_id"], direction)
    except CoursePublished:
        return rendering.redirect(f"/admin/staff/courses/{course.id}")
    return _back(course, "lesson-moved")
