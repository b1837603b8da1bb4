"""The baseline of BENCHMARKS.md: plain Starlette endpoints, no GraphQL.

Each does the database work of its GraphQL counterpart through the same ORM
(the same queries the DataLoaders and resolvers send, the same domain
functions) and answers the same JSON, envelope included, encoded with orjson
like the GraphQL view. They sit behind the app's middleware (request log,
outage handling, authentication), so the two sides differ only by GraphQL.

They are mounted under ``/bench/`` by ``benchmarks.server`` for the benchmark
server only; they are never part of the product's routes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from llp_gql.certs.links import download_url
from llp_gql.domain import access, progress
from llp_gql.domain.clock import Clock
from llp_gql.domain.state import Blocker, EnrollmentState, LessonState, compute_state
from llp_gql.errors import LLPError
from llp_gql.models import (
    Certificate,
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    User,
)
from llp_gql.schema.ids import decode_id, encode_id
from llp_gql.schema.loaders import CERTIFICATE_FIELDS
from llp_gql.schema.pagination import check_first, encode_cursor
from llp_gql.settings import Settings
from llp_portal.app import create_app


def _json(payload: object) -> Response:
    return Response(orjson.dumps(payload), media_type="application/json")


def _error(err: LLPError) -> Response:
    return _json(
        {"data": None, "errors": [{"message": err.message, "extensions": err.extensions()}]}
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _lesson(row: Lesson) -> dict[str, Any]:
    return {
        "id": encode_id("Lesson", row.id),
        "position": row.position,
        "kind": row.kind.value,
        "title": row.title,
        "durationSeconds": row.duration_seconds,
    }


def _lesson_progress(item: LessonState) -> dict[str, Any]:
    return {
        "lesson": _lesson(item.lesson),
        "status": item.status.value,
        "coveredSeconds": item.covered_seconds,
        "bestScorePercent": item.best_score_percent,
        "attemptsUsed": item.attempts_used,
        "attemptsLeft": item.attempts_left,
        "completedAt": _iso(item.completed_at),
    }


def _blocker(blocker: Blocker) -> dict[str, Any]:
    lesson = blocker.lesson
    return {
        "lesson": {"id": encode_id("Lesson", lesson.id), "title": lesson.title},
        "reason": blocker.reason.value,
        "detail": blocker.detail,
    }


def _certificate(
    row: Certificate, enrollment: Enrollment, viewer: User, settings: Settings, now: datetime
) -> dict[str, Any]:
    allowed = access.may_download_certificate(viewer, enrollment)
    return {
        "id": encode_id("Certificate", row.id),
        "issuedAt": _iso(row.issued_at),
        "courseTitle": row.course_title,
        "learnerName": row.learner_name,
        "canDownload": allowed,
        "verificationCode": row.verification_code if allowed else None,
        "downloadUrl": (
            download_url(settings, certificate_id=row.id, user_id=viewer.id, now=now)
            if allowed
            else None
        ),
    }


async def dashboard(request: Request) -> Response:
    """B1: ``myEnrollments`` with course, blockers and certificate; ``?lessons=1`` (B1+)
    adds every lesson's state."""
    with_lessons = request.query_params.get("lessons") == "1"
    settings = _settings(request)
    try:
        viewer = access.require_user(request.scope["state"].get("user"))
    except LLPError as err:
        return _error(err)
    # The same queries as the resolver (the course joined in, resolvers/learning.py)
    # and the DataLoaders (loaders.py), one each for the whole list.
    rows = list(
        await Enrollment.filter(learner_id=viewer.id).select_related("course").order_by("id")
    )
    ids = [row.id for row in rows]
    course_ids = list(dict.fromkeys(row.course_id for row in rows))
    courses = {row.course_id: row.course for row in rows}
    lessons: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in await Lesson.filter(course_id__in=course_ids).order_by("course_id", "position"):
        lessons[lesson.course_id].append(lesson)
    rows_by_enrollment: dict[int, list[LessonProgress]] = defaultdict(list)
    for item in await LessonProgress.filter(enrollment_id__in=ids):
        rows_by_enrollment[item.enrollment_id].append(item)
    certificates = {
        c.enrollment_id: c
        for c in await Certificate.filter(enrollment_id__in=ids).only(*CERTIFICATE_FIELDS)
    }
    now = _clock(request)()
    out = []
    for row in rows:
        state: EnrollmentState = compute_state(
            lessons[row.course_id], rows_by_enrollment[row.id], settings, source=row.source
        )
        course = courses[row.course_id]
        certificate = certificates.get(row.id)
        entry: dict[str, Any] = {
            "id": encode_id("Enrollment", row.id),
            "source": row.source.value,
            "status": state.status.value,
            "progressPercent": state.progress_percent,
            "completedAt": _iso(row.completed_at),
            "course": {"id": encode_id("Course", course.id), "title": course.title},
            "blockers": [_blocker(b) for b in state.blockers],
            "certificate": (
                _certificate(certificate, row, viewer, settings, now) if certificate else None
            ),
        }
        if with_lessons:
            entry["lessons"] = [_lesson_progress(x) for x in state.lessons]
        out.append(entry)
    return _json({"data": {"myEnrollments": out}})


async def heartbeat(request: Request) -> Response:
    """B2: ``recordVideoProgress`` through the same domain call."""
    try:
        body = orjson.loads(await request.body())
        outcome = await progress.record_video_progress(
            request.scope["state"].get("user"),
            decode_id("Enrollment", body["enrollmentId"]),
            decode_id("Lesson", body["lessonId"]),
            float(body["fromSecond"]),
            float(body["toSecond"]),
            settings=_settings(request),
            clock=_clock(request),
        )
    except LLPError as err:
        return _error(err)
    item = outcome.lesson_state
    state = outcome.state
    return _json(
        {
            "data": {
                "recordVideoProgress": {
                    "lessonProgress": {
                        "status": item.status.value,
                        "coveredSeconds": item.covered_seconds,
                        "lastSavedAt": _iso(item.last_saved_at),
                    },
                    "enrollment": {
                        "id": encode_id("Enrollment", outcome.enrollment.id),
                        "status": state.status.value,
                        "progressPercent": state.progress_percent,
                    },
                }
            }
        }
    )


async def catalog(request: Request) -> Response:
    """B3: ``courses(first: N)`` with lessons: page, count and lessons, three queries."""
    settings = _settings(request)
    try:
        size = check_first(
            int(request.query_params.get("first", "20")),
            default=20,
            maximum=settings.max_page_size,
        )
    except LLPError as err:
        return _error(err)
    published = Course.filter(status=CourseStatus.PUBLISHED)
    rows = list(await published.order_by("id").limit(size + 1)) if size else []
    has_next = len(rows) > size
    rows = rows[:size]
    total = await published.count()
    lessons: dict[int, list[Lesson]] = defaultdict(list)
    if rows:
        ids = [row.id for row in rows]
        for lesson in await Lesson.filter(course_id__in=ids).order_by("course_id", "position"):
            lessons[lesson.course_id].append(lesson)
    edges = [
        {
            "cursor": encode_cursor(row.id),
            "node": {
                "id": encode_id("Course", row.id),
                "title": row.title,
                "description": row.description,
                "status": row.status.value,
                "lessons": [_lesson(lesson) for lesson in lessons[row.id]],
            },
        }
        for row in rows
    ]
    return _json(
        {
            "data": {
                "courses": {
                    "totalCount": total,
                    "pageInfo": {
                        "hasNextPage": has_next,
                        "endCursor": edges[-1]["cursor"] if edges else None,
                    },
                    "edges": edges,
                }
            }
        }
    )


def baseline_routes() -> list[BaseRoute]:
    return [
        Route("/bench/dashboard", dashboard, methods=["GET"]),
        Route("/bench/heartbeat", heartbeat, methods=["POST"]),
        Route("/bench/catalog", catalog, methods=["GET"]),
    ]


def build_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """The real app with the baseline routes added (benchmarks only)."""
    application = create_app(settings, manage_database=manage_database)
    application.router.routes.extend(baseline_routes())
    return application
