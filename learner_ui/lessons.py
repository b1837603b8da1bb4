"""The lesson player: a lesson in its course, confirming readings and activities,
quizzes (summary, questions, result), and the video's progress reports.

Every change goes through the same domain functions as the GraphQL mutations
(``progress.complete_lesson``, ``progress.record_video_progress``,
``quizzes.submit_quiz``): locked lessons, budgets and attempts are their rules.
Video reports follow docs/video-protocol.md; the player is ``static/player.js``.
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from learner_ui import web
from llp_gql import words
from llp_gql.domain import access, learning_pages, progress, quizzes
from llp_gql.domain.learning_pages import LessonView, QuestionView
from llp_gql.domain.progress import VideoReport
from llp_gql.errors import ImplausibleProgress, LLPError, ValidationFailed
from llp_gql.security_headers import DEFAULT_CSP

MAX_SECOND = 10**7  # far past any video; keeps floats from the form finite and sane


def _ids(request: Request) -> tuple[int, int]:
    return request.path_params["enrollment_id"], request.path_params["lesson_id"]


def lesson_url(view: LessonView, lesson_id: int | None = None) -> str:
    enrollment_id = view.learning.enrollment.id
    return f"/learn/enrollments/{enrollment_id}/lessons/{lesson_id or view.lesson.lesson.id}"


def _media_policy(video_url: str | None) -> dict[str, str]:
    """A video served from another https origin (a CDN) must be allowed by the page's
    policy; everything else stays as strict as DEFAULT_CSP."""
    parts = urlsplit(video_url or "")
    if parts.scheme != "https" or not parts.netloc or any(c in parts.netloc for c in " ;'\""):
        return {}
    origin = f"https://{parts.netloc}"
    return {"Content-Security-Policy": f"{DEFAULT_CSP}; media-src 'self' {origin}"}


async def _view(request: Request, user: access.Actor) -> LessonView:
    enrollment_id, lesson_id = _ids(request)
    return await learning_pages.lesson(user, enrollment_id, lesson_id, web.settings_of(request))


def _render(
    request: Request,
    view: LessonView,
    template: str = "lesson.html",
    *,
    status: int = 200,
    **context: object,
) -> Response:
    return web.render(
        request,
        template,
        {"view": view, "item": view.learning, "lesson_url": lesson_url, **context},
        status=status,
        headers=_media_policy(view.lesson.lesson.video_url),
    )


@web.page
async def lesson_page(request: Request, user: access.Actor) -> Response:
    view = await _view(request, user)
    if view.lesson.lesson.kind == "QUIZ":
        # The number of questions is shown before starting (DESIGN.md section 3).
        questions = await learning_pages.quiz_questions(view.lesson.lesson)
        return _render(request, view, question_count=len(questions))
    return _render(request, view)


@web.page
async def confirm(request: Request, user: access.Actor) -> Response:
    """'I have read this' / 'I have done this'; LESSON_LOCKED stores nothing."""
    enrollment_id, lesson_id = _ids(request)
    await web.read_form(request)
    _ = await progress.complete_lesson(
        user,
        enrollment_id,
        lesson_id,
        settings=web.settings_of(request),
        clock=web.clock_of(request),
    )
    return web.redirect(f"/learn/enrollments/{enrollment_id}/lessons/{lesson_id}")


@web.page
async def quiz_page(request: Request, user: access.Actor) -> Response:
    view = await _view(request, user)
    if view.lesson.lesson.kind != "QUIZ" or view.lesson.status in ("LOCKED", "COMPLETED"):
        return web.redirect(lesson_url(view))
    questions = await learning_pages.quiz_questions(view.lesson.lesson)
    return _render(request, view, "quiz.html", questions=questions, errors={})


def _answers(form: object, questions: list[QuestionView]) -> dict[int, list[int]]:
    """The chosen choice ids per question; every question must be answered."""
    answers: dict[int, list[int]] = {}
    for question in questions:
        raw = form.getlist(f"q{question.id}")  # type: ignore[attr-defined]
        picked = [web.int_or_none(value) for value in raw[:50]]
        if any(value is None for value in picked):
            raise ValidationFailed("An answer could not be read; choose again.")
        if not picked:
            raise ValidationFailed(f"Answer every question: “{question.prompt}” has no answer.")
        answers[question.id] = [value for value in picked if value is not None]
    return answers


@web.page
async def quiz_submit(request: Request, user: access.Actor) -> Response:
    view = await _view(request, user)
    form = await web.read_form(request)
    questions = await learning_pages.quiz_questions(view.lesson.lesson)
    try:
        answers = _answers(form, questions)
    except ValidationFailed as exc:
        chosen = {key for key, _ in form.multi_items() if key.startswith("q")}
        return _render(
            request,
            view,
            "quiz.html",
            questions=questions,
            error=exc.message,
            chosen=chosen,
            status=422,
        )
    enrollment_id, lesson_id = _ids(request)
    outcome = await quizzes.submit_quiz(
        user,
        enrollment_id,
        lesson_id,
        answers,
        settings=web.settings_of(request),
        clock=web.clock_of(request),
    )
    after = await _view(request, user)  # the course as it is now (maybe completed)
    return _render(request, after, "quiz_result.html", result=outcome)


def _second(raw: object) -> float:
    if not isinstance(raw, str) or len(raw) > 30:
        raise ValidationFailed("A video position could not be read.")
    try:
        value = float(raw)
    except ValueError:
        raise ValidationFailed("A video position could not be read.") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_SECOND:
        raise ValidationFailed("A video position is out of range.")
    return value


def _report_json(report: VideoReport | None, lesson_done: bool, course_done: bool) -> JSONResponse:
    body: dict[str, object] = {"lessonCompleted": lesson_done, "courseCompleted": course_done}
    if report is not None:
        body |= {
            "addedSeconds": round(report.added_seconds, 3),
            "refusedSeconds": round(report.refused_seconds, 3),
            "acceptedToSecond": round(report.accepted_to_second, 3),
            "claimableSeconds": round(report.claimable_seconds, 3),
            "retryAfterSeconds": round(report.retry_after_seconds, 3),
        }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@web.page
async def video_progress(request: Request, user: access.Actor) -> Response:
    """One report of docs/video-protocol.md, answered in JSON for ``player.js``."""
    enrollment_id, lesson_id = _ids(request)
    try:
        form = await web.read_form(request)
        outcome = await progress.record_video_progress(
            user,
            enrollment_id,
            lesson_id,
            _second(form.get("from_second")),
            _second(form.get("to_second")),
            settings=web.settings_of(request),
            clock=web.clock_of(request),
        )
    except ImplausibleProgress as exc:
        return JSONResponse(
            {"code": exc.code, "message": exc.message, **exc.extensions()}, status_code=422
        )
    except LLPError as exc:
        return JSONResponse(
            {"code": exc.code, "message": exc.message or words.error(exc.code)},
            status_code=exc.http_status,
        )
    report = outcome.note if isinstance(outcome.note, VideoReport) else None
    return _report_json(
        report,
        outcome.lesson_state.status == "COMPLETED",
        outcome.state.status == "COMPLETED",
    )
