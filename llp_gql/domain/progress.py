"""Moving through lessons: watched video spans, confirmed readings and activities
(DESIGN.md section 3). Quizzes live in ``quizzes``; the shared save-and-issue
machinery in ``completion``; the pure state and blockers in ``state``.

Video rules decided here:

- A span is validated (finite, not negative, ``to > from``, ``from`` before the
  end) and a span running past the end is clipped to the duration: players
  report their own idea of the length, a few frames off ours.
- Plausibility is measured on what a report *adds* to the union, not on its raw
  length: re-watched parts cannot cheat, and a player that reports cumulative
  segments (``[0, 10]``, ``[0, 20]``, ...) stays plausible. The added seconds
  may not exceed the time since the previous accepted report times
  ``video_max_playback_rate`` plus ``video_slack_seconds``. The first report
  of a lesson has no previous report, so it may add at most the slack: players
  should report within a few seconds of starting, then at any pace.
- A report that adds nothing (a retry, a re-watch, any report after the video
  is complete) is accepted and changes nothing, not even the time of the last
  report, so a late retry never shrinks the allowance of the next report.
- Complete when ``duration - covered <= video_end_tolerance_seconds``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from llp_gql.domain import access, spans
from llp_gql.domain.clock import Clock
from llp_gql.domain.completion import (
    LessonChange,
    LessonContext,
    ProgressOutcome,
    open_lesson,
    save_change,
    with_retries,
)
from llp_gql.domain.state import EnrollmentState, compute_state
from llp_gql.errors import ImplausibleProgress, ValidationFailed
from llp_gql.models import Enrollment, Lesson, LessonKind, LessonProgress, LessonStatus
from llp_gql.settings import Settings

__all__ = [
    "ProgressOutcome",
    "complete_lesson",
    "load_state",
    "load_states",
    "record_video_progress",
]

# Gains below this are float noise from re-summing the same spans, not new video.
_EPSILON = 1e-9


async def load_state(enrollment: Enrollment, settings: Settings | None = None) -> EnrollmentState:
    """The state of one enrollment, in two queries."""
    return (await load_states([enrollment], settings))[enrollment.id]


async def load_states(
    enrollments: Iterable[Enrollment], settings: Settings | None = None
) -> dict[int, EnrollmentState]:
    """The state of many enrollments by id, in two queries whatever their number."""
    items = list(enrollments)
    if not items:
        return {}
    lessons: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in await Lesson.filter(course_id__in={e.course_id for e in items}):
        lessons[lesson.course_id].append(lesson)
    rows: dict[int, list[LessonProgress]] = defaultdict(list)
    for row in await LessonProgress.filter(enrollment_id__in=[e.id for e in items]):
        rows[row.enrollment_id].append(row)
    return {
        e.id: compute_state(lessons[e.course_id], rows[e.id], settings, source=e.source)
        for e in items
    }


async def record_video_progress(
    viewer: access.Viewer,
    enrollment_id: int,
    lesson_id: int,
    from_second: float,
    to_second: float,
    *,
    settings: Settings,
    clock: Clock,
) -> ProgressOutcome:
    """Add a watched span to a video lesson; completes it (and maybe the course) when
    the union covers the video. IMPLAUSIBLE_PROGRESS and LESSON_LOCKED store nothing."""
    context = await open_lesson(
        viewer,
        enrollment_id,
        lesson_id,
        {LessonKind.VIDEO},
        "Only video lessons take watched spans.",
    )
    span = _checked_span(from_second, to_second, context.lesson.duration_seconds)

    async def attempt(context: LessonContext) -> ProgressOutcome:
        now = clock()
        change = _video_change(context, span, settings, now)
        if change is None:
            return await context.outcome()
        return await save_change(context, change, settings=settings, clock=clock, now=now)

    return await with_retries(context, attempt)


async def complete_lesson(
    viewer: access.Viewer,
    enrollment_id: int,
    lesson_id: int,
    *,
    settings: Settings,
    clock: Clock,
) -> ProgressOutcome:
    """Confirm a reading or an activity as done. Idempotent: confirming again
    changes nothing and returns the same outcome."""
    context = await open_lesson(
        viewer,
        enrollment_id,
        lesson_id,
        {LessonKind.READING, LessonKind.ACTIVITY},
        "Only readings and activities are confirmed; videos are watched and quizzes passed.",
    )

    async def attempt(context: LessonContext) -> ProgressOutcome:
        row = context.row
        if row is not None and row.status == LessonStatus.COMPLETED:
            return await context.outcome()
        now = clock()
        change = LessonChange(
            values={"status": LessonStatus.COMPLETED, "completed_at": now, "updated_at": now},
            guard={"status__not": LessonStatus.COMPLETED},
            completes=True,
        )
        return await save_change(context, change, settings=settings, clock=clock, now=now)

    return await with_retries(context, attempt)


def _checked_span(from_second: float, to_second: float, duration: float | None) -> spans.Span:
    for name, value in (("fromSecond", from_second), ("toSecond", to_second)):
        if not math.isfinite(value):
            raise ValidationFailed(f"{name} must be a finite number.", field=name)
        if value < 0:
            raise ValidationFailed(f"{name} may not be negative.", field=name)
    if to_second <= from_second:
        raise ValidationFailed("toSecond must be greater than fromSecond.", field="toSecond")
    if duration is None or duration <= 0:
        raise ValidationFailed("This video has no duration, so it cannot record progress.")
    if from_second >= duration:
        raise ValidationFailed(
            f"fromSecond is past the end of the video ({duration:g} s).", field="fromSecond"
        )
    return (float(from_second), min(float(to_second), duration))


def _video_change(
    context: LessonContext, span: spans.Span, settings: Settings, now: datetime
) -> LessonChange | None:
    """The change a span makes, None when it adds nothing; IMPLAUSIBLE_PROGRESS when it
    adds more than can have played since the previous accepted report."""
    row = context.row
    if row is not None and row.status == LessonStatus.COMPLETED:
        return None
    before = row.watched_spans if row else []
    merged = spans.merge(before, span)
    covered = spans.covered(merged)
    gained = covered - spans.covered(before)
    if gained <= _EPSILON:
        return None
    if row is None or row.last_report_at is None:
        allowance = settings.video_slack_seconds
    else:
        elapsed = max(0.0, (now - row.last_report_at).total_seconds())  # clocks may step back
        allowance = elapsed * settings.video_max_playback_rate + settings.video_slack_seconds
    if gained > allowance + _EPSILON:
        raise ImplausibleProgress(
            f"This report adds {gained:.1f} s of video, more than can have played since "
            f"the previous report ({allowance:.1f} s at most)."
        )
    duration = context.lesson.duration_seconds or 0.0
    completes = duration - covered <= settings.video_end_tolerance_seconds
    values: dict[str, object] = {
        "watched_spans": merged,
        "covered_seconds": covered,
        "last_report_at": now,
        "updated_at": now,
    }
    if completes:
        values |= {"status": LessonStatus.COMPLETED, "completed_at": now}
    # Every accepted report strictly grows the covered seconds, so they version the row.
    guard: dict[str, object] = (
        {"covered_seconds": row.covered_seconds, "status__not": LessonStatus.COMPLETED}
        if row
        else {}
    )
    return LessonChange(values=values, guard=guard, completes=completes)
