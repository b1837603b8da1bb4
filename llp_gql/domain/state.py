"""The state of an enrollment, from one pure computation (DESIGN.md section 3).

Lesson statuses, the enrollment status, the progress percent and the blockers
all come from ``compute_state``, so they can never disagree. It reads only rows
the caller already holds (no database), so the GraphQL layer can run it for
many enrollments on prefetched rows; ``progress.load_state`` fetches the rows
for one enrollment in two queries.

Rules decided here:

- A lesson is COMPLETED when its progress row says so: the row is marked when
  the rule is met (video covered, reading confirmed, quiz passed) and never
  unmarked. Otherwise it is LOCKED while an earlier lesson is unfinished,
  IN_PROGRESS once the learner has started it (a video with a watched span, a
  quiz with an attempt), else AVAILABLE.
- One blocker per unfinished lesson. Lessons after the first unfinished one are
  LOCKED ("Locked until 'X' is complete.", X = that first unfinished lesson).
  The first unfinished lesson says what is missing: a video or quiz nobody
  started is NOT_STARTED; a started video is VIDEO_UNFINISHED; a reading is
  READING_NOT_CONFIRMED and an activity ACTIVITY_NOT_DONE (their one step is
  the confirmation, so they have no "started" state); a tried quiz is
  QUIZ_NOT_PASSED, or QUIZ_ATTEMPTS_EXHAUSTED when no attempt is left.
- The enrollment is COMPLETED when every lesson is (a course without lessons
  never is), NOT_STARTED while it has no progress row at all, else IN_PROGRESS.
  ``status_of`` states this once; ``compute_state`` applies it to rows in
  Python and ``with_status`` to a query in SQL (``completed_at`` is stored in
  the transaction that completes the last lesson).
- Progress percent = completed lessons / lessons * 100, rounded to one decimal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.queryset import QuerySet

from llp_gql.domain import spans
from llp_gql.models import (
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
)
from llp_gql.settings import Settings


class EnrollmentStatus(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


class BlockerReason(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    LOCKED = "LOCKED"
    VIDEO_UNFINISHED = "VIDEO_UNFINISHED"
    READING_NOT_CONFIRMED = "READING_NOT_CONFIRMED"
    ACTIVITY_NOT_DONE = "ACTIVITY_NOT_DONE"
    QUIZ_NOT_PASSED = "QUIZ_NOT_PASSED"
    QUIZ_ATTEMPTS_EXHAUSTED = "QUIZ_ATTEMPTS_EXHAUSTED"


@dataclass(frozen=True, slots=True)
class Blocker:
    lesson: Lesson
    reason: BlockerReason
    detail: str


@dataclass(frozen=True, slots=True)
class LessonState:
    lesson: Lesson
    progress: LessonProgress | None
    status: LessonStatus
    covered_seconds: float | None  # videos only
    best_score_percent: int | None
    attempts_used: int
    attempts_left: int | None  # quizzes with a limit only
    completed_at: datetime | None
    last_saved_at: datetime | None
    blocker: Blocker | None


@dataclass(frozen=True, slots=True)
class EnrollmentState:
    lessons: tuple[LessonState, ...]
    status: EnrollmentStatus
    progress_percent: float
    blockers: tuple[Blocker, ...]

    def lesson(self, lesson_id: int) -> LessonState:
        """The state of one lesson of this course (KeyError for a foreign lesson)."""
        for item in self.lessons:
            if item.lesson.id == lesson_id:
                return item
        raise KeyError(lesson_id)

    def completes_with(self, lesson_id: int) -> bool:
        """True when this lesson is the only one left: completing it completes the course."""
        return all(
            (item.status == LessonStatus.COMPLETED) != (item.lesson.id == lesson_id)
            for item in self.lessons
        )


# The enrollment-status rule: (completed, has any progress row) of each status; None
# is "either". ``status_of`` reads it in Python, ``with_status`` turns it into SQL.
_STATUS_RULE: dict[EnrollmentStatus, tuple[bool, bool | None]] = {
    EnrollmentStatus.COMPLETED: (True, None),
    EnrollmentStatus.NOT_STARTED: (False, False),
    EnrollmentStatus.IN_PROGRESS: (False, True),
}


def status_of(*, completed: bool, has_progress: bool) -> EnrollmentStatus:
    """The enrollment status of an enrollment that is (or is not) completed and has (or
    has no) progress row."""
    for status, (done, started) in _STATUS_RULE.items():
        if done == completed and started in (None, has_progress):
            return status
    raise AssertionError("the status rule covers every case")  # pragma: no cover


def with_status(query: QuerySet[Enrollment], status: EnrollmentStatus) -> QuerySet[Enrollment]:
    """``query`` narrowed to enrollments of ``status``, in SQL: the same rule as
    ``status_of``, with the stored ``completed_at`` as "completed"."""
    completed, has_progress = _STATUS_RULE[status]
    query = query.filter(completed_at__isnull=not completed)
    if has_progress is not None:
        # A join on the progress rows: one enrollment per row again with distinct().
        query = query.filter(progress__id__isnull=not has_progress)
    return query.distinct()


def pass_mark(lesson: Lesson) -> int:
    """A quiz saved without a pass mark needs every answer right, never none."""
    return 100 if lesson.passing_score_percent is None else lesson.passing_score_percent


def attempts_allowed(lesson: Lesson, row: LessonProgress | None) -> int | None:
    """``max_attempts`` plus what admins granted; None means unlimited."""
    if lesson.max_attempts is None:
        return None
    return lesson.max_attempts + (row.extra_attempts if row else 0)


def attempts_spent(row: LessonProgress | None) -> int:
    """Attempts of this enrollment plus those carried from earlier enrollments of the
    course: removing an enrollment gives no attempt back (DESIGN.md section 3)."""
    return (row.attempts_used + row.attempts_carried) if row else 0


def attempts_left(lesson: Lesson, row: LessonProgress | None) -> int | None:
    allowed = attempts_allowed(lesson, row)
    if allowed is None:
        return None
    return max(0, allowed - attempts_spent(row))


def compute_state(
    lessons: Iterable[Lesson],
    progress_rows: Iterable[LessonProgress],
    settings: Settings | None = None,
    *,
    source: EnrollmentSource | None = None,
) -> EnrollmentState:
    """Status, percent, per-lesson state and blockers of one enrollment, without I/O.

    ``settings`` is accepted for symmetry with the mutations; the rules that read
    it were applied when progress was saved, so the state needs nothing from it.
    ``source`` only words the advice of QUIZ_ATTEMPTS_EXHAUSTED (who can help).
    """
    del settings
    ordered = sorted(lessons, key=lambda lesson: lesson.position)
    rows = {row.lesson_id: row for row in progress_rows}
    items: list[LessonState] = []
    first_unfinished: Lesson | None = None
    for lesson in ordered:
        row = rows.get(lesson.id)
        done = row is not None and row.status == LessonStatus.COMPLETED
        blocker = None
        if done:
            status = LessonStatus.COMPLETED
        elif first_unfinished is not None:
            status = LessonStatus.LOCKED
            blocker = Blocker(
                lesson,
                BlockerReason.LOCKED,
                f"Locked until '{first_unfinished.title}' is complete.",
            )
        else:
            first_unfinished = lesson
            status = LessonStatus.IN_PROGRESS if _started(lesson, row) else LessonStatus.AVAILABLE
            blocker = _blocker(lesson, row, source)
        items.append(_lesson_state(lesson, row, status, blocker))
    completed = sum(item.status == LessonStatus.COMPLETED for item in items)
    return EnrollmentState(
        lessons=tuple(items),
        status=status_of(
            completed=bool(ordered) and completed == len(ordered),
            has_progress=any(item.progress is not None for item in items),
        ),
        progress_percent=round(completed * 100 / len(ordered), 1) if ordered else 0.0,
        blockers=tuple(item.blocker for item in items if item.blocker is not None),
    )


def _started(lesson: Lesson, row: LessonProgress | None) -> bool:
    # A quiz row may exist before any attempt (an admin granted attempts up front).
    if row is None:
        return False
    if lesson.kind == LessonKind.QUIZ:
        return row.attempts_used > 0
    return lesson.kind == LessonKind.VIDEO and bool(row.watched_spans)


def _lesson_state(
    lesson: Lesson, row: LessonProgress | None, status: LessonStatus, blocker: Blocker | None
) -> LessonState:
    is_video = lesson.kind == LessonKind.VIDEO
    is_quiz = lesson.kind == LessonKind.QUIZ
    return LessonState(
        lesson=lesson,
        progress=row,
        status=status,
        covered_seconds=(row.covered_seconds if row else 0.0) if is_video else None,
        best_score_percent=row.best_score_percent if row else None,
        attempts_used=attempts_spent(row),
        attempts_left=attempts_left(lesson, row) if is_quiz else None,
        completed_at=row.completed_at if row and status == LessonStatus.COMPLETED else None,
        last_saved_at=row.updated_at if row else None,
        blocker=blocker,
    )


def _blocker(
    lesson: Lesson, row: LessonProgress | None, source: EnrollmentSource | None
) -> Blocker:
    """What is missing in the first unfinished lesson (the only one not locked)."""
    if lesson.kind == LessonKind.READING:
        return Blocker(lesson, BlockerReason.READING_NOT_CONFIRMED, "Not confirmed as read yet.")
    if lesson.kind == LessonKind.ACTIVITY:
        return Blocker(lesson, BlockerReason.ACTIVITY_NOT_DONE, "Not marked as done yet.")
    if lesson.kind == LessonKind.VIDEO:
        duration = _seconds(lesson.duration_seconds or 0.0)
        if not _started(lesson, row):
            return Blocker(
                lesson,
                BlockerReason.NOT_STARTED,
                f"Not started yet: watch the whole video ({duration} s).",
            )
        assert row is not None  # started implies a row
        watched = _seconds(row.covered_seconds)
        gap = _clock(spans.first_gap(row.watched_spans))
        return Blocker(
            lesson,
            BlockerReason.VIDEO_UNFINISHED,
            f"Watched {watched} of {duration} s; first gap at {gap}.",
        )
    mark = pass_mark(lesson)
    left = attempts_left(lesson, row)
    best = (row.best_score_percent if row else None) or 0
    if left == 0:  # attempts carried from an earlier enrollment count, so check this first
        return Blocker(
            lesson,
            BlockerReason.QUIZ_ATTEMPTS_EXHAUSTED,
            f"No attempts left (best {best}% of {mark}% needed){_EXHAUSTED_ADVICE[source]}.",
        )
    if not _started(lesson, row):
        return Blocker(
            lesson,
            BlockerReason.NOT_STARTED,
            f"Not started yet: {mark}% needed to pass; {_attempts(left)}.",
        )
    return Blocker(
        lesson,
        BlockerReason.QUIZ_NOT_PASSED,
        f"Best score {best}% of {mark}% needed; {_attempts(left)}.",
    )


# Who can help once a quiz has no attempt left: admins grant attempts for courses they
# assigned, staff for anyone. Enrolling again gives no attempt back.
_EXHAUSTED_ADVICE: dict[EnrollmentSource | None, str] = {
    EnrollmentSource.ASSIGNED: "; ask your company admin for another attempt",
    EnrollmentSource.SELF: "; ask support for another attempt",
    None: "",
}


def _attempts(left: int | None) -> str:
    if left is None:
        return "unlimited attempts"
    return f"{left} attempt left" if left == 1 else f"{left} attempts left"


def _seconds(value: float) -> str:
    """One decimal at most, rounded down so that 59.99 of 60 never reads as 60."""
    text = f"{math.floor(value * 10) / 10:.1f}"
    return text.removesuffix(".0")


def _clock(value: float) -> str:
    """00:41, or 1:02:03 past an hour."""
    hours, rest = divmod(int(value), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"
