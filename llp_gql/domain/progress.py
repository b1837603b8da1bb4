"""Moving through lessons: watched video spans, confirmed readings and activities
(DESIGN.md section 3). Quizzes live in ``quizzes``; the shared lock-decide-write
machinery in ``completion``; the pure state and blockers in ``state``.

Video rules decided here (the client protocol is in docs/video-protocol.md):

- A span is validated (finite, not negative, ``to >= from``, ``from`` before
  the end) and a span running past the end is clipped to the duration: players
  report their own idea of the length, a few frames off ours. A span with
  ``to == from`` covers nothing: it is the "playing from here" report a player
  sends when playback starts, which starts the budget's clock.
- **The budget is cumulative.** From the learner's first accepted report on the
  lesson (``watch_started_at``), the covered seconds may never exceed
  ``video_slack_seconds + video_max_playback_rate x elapsed``. Whatever the
  pattern of reports (concurrent, back to back, overlapping, out of order) a
  video of duration D cannot be completed before D / rate - slack seconds,
  because reports of one enrollment are decided one at a time under the
  enrollment's row lock (``completion.apply_change``), on the union as stored.
- A report that claims more than the budget allows stores the plausible part:
  the first uncovered seconds of its span, up to the budget, and says how much
  was refused and when the rest will fit (``VideoReport``). A report of which
  nothing fits stores nothing and answers IMPLAUSIBLE_PROGRESS with the same
  figures. An honest client that resends what was not accepted always
  completes; nothing it did can stall it.
- A report that adds nothing (a retry, a re-watch, any report after the video
  is complete) is accepted and changes nothing.
- Complete when ``duration - covered <= video_end_tolerance_seconds``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from llp_gql.domain import access, spans
from llp_gql.domain.clock import Clock
from llp_gql.domain.completion import (
    LessonChange,
    LessonContext,
    ProgressOutcome,
    apply_change,
    open_lesson,
)
from llp_gql.domain.state import EnrollmentState, compute_state
from llp_gql.errors import ImplausibleProgress, ValidationFailed
from llp_gql.models import Enrollment, Lesson, LessonKind, LessonProgress, LessonStatus
from llp_gql.settings import Settings

__all__ = [
    "ProgressOutcome",
    "VideoReport",
    "complete_lesson",
    "load_state",
    "load_states",
    "record_video_progress",
]

# Gains below this are float noise from re-summing the same spans, not new video.
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class VideoReport:
    """How one video report was counted, so that the client knows what to send next."""

    # New seconds this report added to the union of watched spans.
    added_seconds: float
    # New seconds of the span beyond the budget: not stored, to be sent again later.
    refused_seconds: float
    # The span is covered from its fromSecond up to here: the next report starts here.
    accepted_to_second: float
    # How many more new seconds the budget allows right now.
    claimable_seconds: float
    # Seconds until the refused part fits the budget (0 when nothing was refused).
    retry_after_seconds: float


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
    the union covers the video. The outcome's ``note`` is the ``VideoReport``.
    IMPLAUSIBLE_PROGRESS (nothing fits the budget) and LESSON_LOCKED store nothing."""
    context = await open_lesson(
        viewer,
        enrollment_id,
        lesson_id,
        {LessonKind.VIDEO},
        "Only video lessons take watched spans.",
    )
    span = _checked_span(from_second, to_second, context.lesson.duration_seconds)

    def decide(context: LessonContext, now: datetime) -> LessonChange | None:
        return _video_change(context, span, settings, now)

    return await apply_change(context, decide, settings=settings, clock=clock)


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

    def decide(context: LessonContext, now: datetime) -> LessonChange | None:
        row = context.row
        if row is not None and row.status == LessonStatus.COMPLETED:
            return None
        return LessonChange(
            values={"status": LessonStatus.COMPLETED, "completed_at": now, "updated_at": now},
            completes=True,
        )

    return await apply_change(context, decide, settings=settings, clock=clock)


def _checked_span(from_second: float, to_second: float, duration: float | None) -> spans.Span:
    for name, value in (("fromSecond", from_second), ("toSecond", to_second)):
        if not math.isfinite(value):
            raise ValidationFailed(f"{name} must be a finite number.", field=name)
        if value < 0:
            raise ValidationFailed(f"{name} may not be negative.", field=name)
    if to_second < from_second:
        raise ValidationFailed("toSecond may not be before fromSecond.", field="toSecond")
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
    """The change a report makes on the rows read under the lock; None when it changes
    nothing. Raises IMPLAUSIBLE_PROGRESS when none of its new seconds fit the budget."""
    row = context.row
    if row is not None and row.status == LessonStatus.COMPLETED:
        return None
    before = row.watched_spans if row else []
    covered_before = spans.covered(before)
    started = row.watch_started_at if row else None
    budget = _budget(started or now, now, settings)
    claimable = max(0.0, budget - covered_before)
    new = spans.uncovered(before, span)
    wanted = spans.covered(new)
    accepted = spans.take(new, claimable)
    added = spans.covered(accepted)
    refused = wanted - added
    if refused > _EPSILON and added <= _EPSILON:
        wait = _wait_for(covered_before + refused, started or now, now, settings)
        raise ImplausibleProgress(
            f"This report claims {refused:.1f} s of video that cannot have played yet: "
            f"the budget allows {claimable:.1f} s more now. Send it again in "
            f"{wait:.1f} s, or send a shorter span.",
            claimable_seconds=round(claimable, 3),
            retry_after_seconds=round(wait, 3),
            # Where the covered part that holds the span's start ends: report from there.
            accepted_to_second=spans.covered_to(before, span),
        )
    merged = before
    for piece in accepted:
        merged = spans.merge(merged, piece)
    covered = spans.covered(merged)
    report = VideoReport(
        added_seconds=added,
        refused_seconds=refused if refused > _EPSILON else 0.0,
        accepted_to_second=spans.covered_to(merged, span),
        claimable_seconds=max(0.0, budget - covered),
        retry_after_seconds=(
            _wait_for(covered + refused, started or now, now, settings)
            if refused > _EPSILON
            else 0.0
        ),
    )
    values: dict[str, object] = {}
    if started is None:
        values["watch_started_at"] = now  # this is the first accepted report
    if added > _EPSILON:
        values |= {"watched_spans": merged, "covered_seconds": covered, "last_report_at": now}
    if not values:
        return LessonChange(values={}, completes=False, note=report)
    values["updated_at"] = now
    duration = context.lesson.duration_seconds or 0.0
    completes = added > _EPSILON and duration - covered <= settings.video_end_tolerance_seconds
    if completes:
        values |= {"status": LessonStatus.COMPLETED, "completed_at": now}
    return LessonChange(values=values, completes=completes, note=report)


def _budget(started: datetime, now: datetime, settings: Settings) -> float:
    """Seconds of video that may be covered by ``now``; clocks may step back."""
    elapsed = max(0.0, (now - started).total_seconds())
    return settings.video_slack_seconds + settings.video_max_playback_rate * elapsed


def _wait_for(covered: float, started: datetime, now: datetime, settings: Settings) -> float:
    """Seconds from ``now`` until the budget reaches ``covered``."""
    elapsed = max(0.0, (now - started).total_seconds())
    needed = (covered - settings.video_slack_seconds) / settings.video_max_playback_rate
    return max(0.0, needed - elapsed)
