"""Staff course authoring: list, create, the editor with its add-lesson form, preview,
publish, duplicate and archive. Every rule (frozen published courses, what a lesson
of each kind needs) is the domain's; these pages only collect input and show errors."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, paging, rendering, web
from admin_ui.employees import search_term
from llp_gql.domain import access, courses, templates
from llp_gql.domain.courses import CourseStatus, LessonKind
from llp_gql.errors import LLPError, ValidationFailed
from llp_gql.security_headers import DEFAULT_CSP

PAGE_SIZE = 20
DEFAULT_QUESTION_ROWS = 3
MAX_QUESTION_ROWS = 10
CHOICES_PER_QUESTION = 4
MAX_CHOICE_ROWS = 20  # courses.MAX_CHOICES: a quiz made through the API may have that many
COURSE_FIELDS = {"title", "description"}
LESSON_FIELDS = {
    "kind",
    "title",
    "duration_seconds",
    "video_url",
    "body",
    "passing_score_percent",
    "max_attempts",
    "questions",
}
# Domain fields are named as in the GraphQL API; the form speaks to people.
_FIELD_FROM_DOMAIN = {
    "durationSeconds": "duration_seconds",
    "videoUrl": "video_url",
    "passingScorePercent": "passing_score_percent",
    "maxAttempts": "max_attempts",
}
_FRIENDLY = {
    "duration_seconds": "Enter the length of the video in seconds (more than 0, at most 24 hours).",
    "video_url": "Enter the address of the video, starting with https:// or http://.",
    "passing_score_percent": "Enter a pass mark between 1 and 100 percent.",
    "max_attempts": "Enter 1 to 100 attempts, or leave it empty for unlimited attempts.",
}
KIND_LABELS = {
    LessonKind.VIDEO: "Video",
    LessonKind.READING: "Reading",
    LessonKind.ACTIVITY: "Activity",
    LessonKind.QUIZ: "Quiz",
}


def _status_filter(raw: str) -> CourseStatus | None:
    try:
        return CourseStatus(raw)
    except ValueError:
        return None


@web.page(web.staff)
async def course_list(request: Request, user: access.Actor) -> Response:
    q = search_term(request)
    status = _status_filter(request.query_params.get("status", ""))
    found = await courses.course_rows(user, q, status, paging.requested_page(request), PAGE_SIZE)
    return rendering.render(
        request,
        "staff_courses.html",
        {
            "rows": [(r.course, r.lessons, r.enrollments) for r in found.items],
            "q": q,
            "status": status.value if status else "",
            "statuses": [s.value for s in CourseStatus],
            "pager": paging.pager(request, found),
        },
    )


@web.page(web.staff)
async def course_new(request: Request, user: access.Actor) -> Response:
    if request.method == "GET":
        return rendering.render(request, "staff_course_new.html", {"values": {}, "errors": {}})
    form = await forms.read_form(request)
    values = {name: forms.text(form, name) for name in COURSE_FIELDS}
    try:
        course = await courses.create_course(user, values["title"], values["description"])
    except LLPError as exc:
        return rendering.render(
            request,
            "staff_course_new.html",
            {"values": values, "errors": forms.errors_of(exc, COURSE_FIELDS)},
            status=422,
        )
    return rendering.redirect(f"/admin/staff/courses/{course.id}?done=course-created")


# -- the editor ----------------------------------------------------------------------------


async def _outline(user: access.Actor, course: courses.Course) -> list[dict[str, object]]:
    """Lessons with their questions and choices (answer keys included: staff only)."""
    return [
        {
            "lesson": item.lesson,
            "kind_label": KIND_LABELS[item.lesson.kind],
            "questions": item.questions,
        }
        for item in await courses.outline(user, course)
    ]


def _kind(raw: str | None) -> LessonKind:
    try:
        return LessonKind(raw or LessonKind.VIDEO)
    except ValueError:
        return LessonKind.VIDEO


def _rows(raw: str | None) -> int:
    rows = forms.int_or_none(raw) or DEFAULT_QUESTION_ROWS
    return min(max(rows, 1), MAX_QUESTION_ROWS)


def _choice_rows(raw: str | None) -> int:
    rows = forms.int_or_none(raw) or CHOICES_PER_QUESTION
    return min(max(rows, CHOICES_PER_QUESTION), MAX_CHOICE_ROWS)


def form_context(
    kind: LessonKind,
    rows: int,
    choices: int = CHOICES_PER_QUESTION,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, object]:
    """What ``_lesson_fields.html`` needs, for the add and the edit forms alike."""
    return {
        "kind": kind.value,
        "question_rows": range(1, rows + 1),
        "choice_rows": range(1, choices + 1),
        "rows": rows,
        "more_rows": min(rows + 2, MAX_QUESTION_ROWS),
        "values": values or {},
        "errors": errors or {},
    }


async def _editor(
    request: Request,
    user: access.Actor,
    course: courses.Course,
    *,
    kind: LessonKind,
    rows: int,
    choices: int = CHOICES_PER_QUESTION,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return rendering.render(
        request,
        "staff_course.html",
        {
            "course": course,
            "outline": await _outline(user, course),
            "is_draft": course.status == CourseStatus.DRAFT,
            "enrollments": await courses.enrollment_count(course),
            "kinds": [(k.value, label) for k, label in KIND_LABELS.items()],
            **form_context(kind, rows, choices, values, errors),
        },
        status=status,
    )


@web.page(web.staff)
async def course_editor(request: Request, user: access.Actor) -> Response:
    course = await access.access_course(user, request.path_params["course_id"])
    params = request.query_params
    return await _editor(
        request, user, course, kind=_kind(params.get("kind")), rows=_rows(params.get("rows"))
    )


def _questions(form: FormData, rows: int, choice_rows: int) -> list[courses.QuestionSpec]:
    """Question rows with any content, in order; empty choice rows are left out."""
    specs: list[courses.QuestionSpec] = []
    for number in range(1, rows + 1):
        prompt = forms.text(form, f"q{number}_prompt")
        choices = [
            courses.ChoiceSpec(
                text=forms.text(form, f"q{number}_c{c}_text"),
                is_correct=forms.text(form, f"q{number}_c{c}_correct") == "on",
            )
            for c in range(1, choice_rows + 1)
        ]
        filled = [choice for choice in choices if choice.text.strip()]
        if prompt.strip() or filled:
            specs.append(courses.QuestionSpec(prompt=prompt, choices=filled))
    return specs


def lesson_spec(form: FormData, kind: LessonKind) -> courses.LessonSpec:
    """The spec the domain validates; numbers that are not numbers are refused here."""
    numbers: dict[str, float | int | None] = {}
    parsers = (
        ("duration_seconds", forms.float_or_none),
        ("passing_score_percent", forms.int_or_none),
        ("max_attempts", forms.int_or_none),
    )
    for name, parse in parsers:
        raw = forms.text(form, name, limit=40)
        numbers[name] = parse(raw)
        if raw.strip() and numbers[name] is None:
            raise ValidationFailed(_FRIENDLY[name], field=name)
    duration = numbers["duration_seconds"]
    score = numbers["passing_score_percent"]
    attempts = numbers["max_attempts"]
    return courses.LessonSpec(
        kind=kind,
        title=forms.text(form, "title", limit=1000),
        duration_seconds=float(duration) if duration is not None else None,
        video_url=forms.text(form, "video_url", limit=3000) or None,
        body=forms.text(form, "body") or None,
        passing_score_percent=int(score) if score is not None else None,
        max_attempts=int(attempts) if attempts is not None else None,
        questions=_questions(form, form_rows(form), form_choices(form))
        if kind == LessonKind.QUIZ
        else (),
    )


def form_rows(form: FormData) -> int:
    return _rows(forms.text(form, "rows", limit=5))


def form_choices(form: FormData) -> int:
    return _choice_rows(forms.text(form, "choices", limit=5))


def typed_values(form: FormData) -> dict[str, str]:
    """What the person typed, to show it again (after an error, or with more rows)."""
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


def wants_more_rows(form: FormData) -> bool:
    """The "More question rows" button posts the form: nothing is stored, the form
    comes back with what was typed and two more rows (works without JavaScript)."""
    return forms.text(form, "more_rows", limit=5) == "1"


def lesson_error(exc: LLPError) -> dict[str, str]:
    field = _FIELD_FROM_DOMAIN.get(exc.field or "", exc.field or "")
    if field.startswith("questions"):
        field = "questions"
    if field not in LESSON_FIELDS:
        return {"__all__": exc.message}
    return {field: _FRIENDLY.get(field, exc.message)}


@web.page(web.staff)
async def lesson_add(request: Request, user: access.Actor) -> Response:
    course = await access.access_course(user, request.path_params["course_id"])
    form = await forms.read_form(request)
    raw_kind = forms.text(form, "kind", limit=20)
    kind = _kind(raw_kind)
    rows, choices, values = form_rows(form), form_choices(form), typed_values(form)
    if wants_more_rows(form):
        more = min(rows + 2, MAX_QUESTION_ROWS)
        return await _editor(
            request, user, course, kind=kind, rows=more, choices=choices, values=values
        )
    try:
        if raw_kind not in {k.value for k in LessonKind}:
            raise ValidationFailed("Choose the kind of lesson.", field="kind")
        _ = await courses.add_lesson(user, course.id, lesson_spec(form, kind))
    except LLPError as exc:
        return await _editor(
            request,
            user,
            course,
            kind=kind,
            rows=rows,
            choices=choices,
            values=values,
            errors=lesson_error(exc),
            status=422,
        )
    return rendering.redirect(
        f"/admin/staff/courses/{course.id}?kind={kind.value}&done=lesson-added"
    )


async def _course_action(request: Request, user: access.Actor, action: str) -> Response:
    course = await access.access_course(user, request.path_params["course_id"])
    clock = app_state.clock_of(request)
    try:
        if action == "publish":
            _ = await courses.publish_course(user, course.id, clock=clock)
            return rendering.redirect(f"/admin/staff/courses/{course.id}?done=published")
        if action == "archive":
            _ = await courses.archive_course(user, course.id, clock=clock)
            return rendering.redirect(f"/admin/staff/courses/{course.id}?done=archived")
        copy = await courses.duplicate_course(user, course.id)
        return rendering.redirect(f"/admin/staff/courses/{copy.id}?done=duplicated")
    except LLPError as exc:
        course = await access.access_course(user, course.id)
        return await _editor(
            request,
            user,
            course,
            kind=LessonKind.VIDEO,
            rows=DEFAULT_QUESTION_ROWS,
            errors={"action": exc.message},
            status=422,
        )


@web.page(web.staff)
async def course_publish(request: Request, user: access.Actor) -> Response:
    """GET asks first, saying what publishing means; POST publishes."""
    if request.method == "POST":
        return await _course_action(request, user, "publish")
    course = await access.access_course(user, request.path_params["course_id"])
    if course.status != CourseStatus.DRAFT:
        return rendering.redirect(f"/admin/staff/courses/{course.id}")
    outline = await _outline(user, course)
    return rendering.render(
        request, "staff_course_publish.html", {"course": course, "outline": outline}
    )


@web.page(web.staff)
async def course_hours(request: Request, user: access.Actor) -> Response:
    """Hours / CPD credits printed on the course's certificates (published courses too).
    A bad value answers the error page with its message (nothing stored)."""
    course = await access.access_course(user, request.path_params["course_id"])
    form = await forms.read_form(request)
    hours = templates.parse_hours(forms.text(form, "credit_hours", limit=20))
    _ = await templates.set_credit_hours(user, course.id, hours, clock=app_state.clock_of(request))
    return rendering.redirect(f"/admin/staff/courses/{course.id}?done=hours-set")


@web.page(web.staff)
async def course_archive(request: Request, user: access.Actor) -> Response:
    return await _course_action(request, user, "archive")


@web.page(web.staff)
async def course_duplicate(request: Request, user: access.Actor) -> Response:
    return await _course_action(request, user, "duplicate")


@web.page(web.staff)
async def course_preview(request: Request, user: access.Actor) -> Response:
    """The course as a learner meets it: content in order, quizzes without answer keys."""
    course = await access.access_course(user, request.path_params["course_id"])
    outline: Sequence[dict[str, object]] = await _outline(user, course)
    response = rendering.render(
        request, "staff_course_preview.html", {"course": course, "outline": outline}
    )
    origins = sorted({origin for item in outline if (origin := _video_origin(item["lesson"]))})
    if origins:
        # The videos play here as in the learner app: their https origins, nothing more.
        response.headers["Content-Security-Policy"] = (
            f"{DEFAULT_CSP}; media-src 'self' {' '.join(origins)}"
        )
    return response


def _video_origin(lesson: object) -> str | None:
    """The https origin of a video lesson's file, when it is a plain one."""
    url = getattr(lesson, "video_url", None)
    parts = urlsplit(url or "")
    if parts.scheme != "https" or not parts.netloc or any(c in parts.netloc for c in " ;'\""):
        return None
    return f"https://{parts.netloc}"
