"""Saving a change to one lesson's progress, and finishing the course with it.

Shared by ``progress`` (videos, readings, activities) and ``quizzes``. Every
progress mutation runs the same steps:

1. ``open_lesson``: the learner's own enrollment (``access``), a lesson of its
   course (NOT_FOUND otherwise) of the expected kind (VALIDATION), and not
   LOCKED (LESSON_LOCKED, nothing stored).
2. The caller turns the rows it read into a ``LessonChange`` (pure).
3. ``save_change`` writes it. A change that completes the last lesson first
   renders the certificate, outside any transaction, then writes the lesson,
   ``Enrollment.completed_at`` and the certificate in one short transaction.

Concurrency: a progress row is created under the unique (enrollment, lesson)
constraint and updated only with a compare-and-set guard on the values the
change was computed from. A lost race raises ``StaleProgress`` and writes
nothing; the caller re-reads and decides again (``with_retries``), or answers
CONFLICT where doing it again would be wrong (a quiz attempt).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql.domain import access, issuance
from llp_gql.domain.clock import Clock
from llp_gql.domain.state import EnrollmentState, EnrollmentStatus, LessonState, compute_state
from llp_gql.errors import Conflict, LessonLocked, NotFound, ValidationFailed
from llp_gql.models import (
    Certificate,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
)
from llp_gql.settings import Settings

# Each retry follows a write that won, so n writers racing on one row need at most
# n rounds; a learner's own player never has ten reports in flight for one lesson.
RETRIES = 10


class StaleProgress(Exception):
    """The row changed between reading and writing; nothing was written."""


@dataclass(frozen=True, slots=True)
class ProgressOutcome:
    """What a progress mutation leaves behind: the lesson's row, the whole state,
    and the certificate when the enrollment is complete (issued by this call or before)."""

    enrollment: Enrollment
    lesson: Lesson
    progress: LessonProgress | None
    state: EnrollmentState
    certificate: Certificate | None

    @property
    def lesson_state(self) -> LessonState:
        return self.state.lesson(self.lesson.id)


@dataclass(frozen=True, slots=True)
class LessonChange:
    """Columns to write on the lesson's progress row."""

    values: dict[str, object]
    # The row must still match these (as read) to be updated; ignored on creation.
    guard: dict[str, object]
    completes: bool
    # More writes in the same transaction (a quiz stores its attempt), given the row.
    after_write: Callable[[LessonProgress, BaseDBAsyncClient], Awaitable[None]] | None = None


@dataclass(slots=True)
class LessonContext:
    """One lesson of an enrollment with every row the rules need, read in two queries."""

    enrollment: Enrollment
    lessons: list[Lesson]
    lesson: Lesson
    rows: dict[int, LessonProgress] = field(default_factory=dict)

    @property
    def row(self) -> LessonProgress | None:
        return self.rows.get(self.lesson.id)

    @property
    def state(self) -> EnrollmentState:
        return compute_state(self.lessons, self.rows.values(), source=self.enrollment.source)

    async def reload(self) -> LessonContext:
        progress = await LessonProgress.filter(enrollment_id=self.enrollment.id)
        self.rows = {row.lesson_id: row for row in progress}
        return self

    async def outcome(self, certificate: Certificate | None = None) -> ProgressOutcome:
        state = self.state
        if certificate is None and state.status == EnrollmentStatus.COMPLETED:
            certificate = await Certificate.get_or_none(enrollment_id=self.enrollment.id)
        return ProgressOutcome(self.enrollment, self.lesson, self.row, state, certificate)


async def lesson_context(enrollment: Enrollment, lesson_id: int) -> LessonContext:
    """The context of a lesson of this enrollment's course; NOT_FOUND for any other lesson."""
    lessons = list(await Lesson.filter(course_id=enrollment.course_id).order_by("position"))
    lesson = next((item for item in lessons if item.id == lesson_id), None)
    if lesson is None:
        raise NotFound("Lesson")
    return await LessonContext(enrollment, lessons, lesson).reload()


async def open_lesson(
    viewer: access.Viewer,
    enrollment_id: int,
    lesson_id: int,
    kinds: Collection[LessonKind],
    wrong_kind: str,
) -> LessonContext:
    """Steps every progress call shares: access, lesson, kind, then order."""
    enrollment = await access.access_enrollment_for_progress(viewer, enrollment_id)
    context = await lesson_context(enrollment, lesson_id)
    if context.lesson.kind not in kinds:
        raise ValidationFailed(wrong_kind, field="lessonId")
    item = context.state.lesson(lesson_id)
    if item.status == LessonStatus.LOCKED:
        raise LessonLocked(item.blocker.detail if item.blocker else "This lesson is locked.")
    return context


async def with_retries(
    context: LessonContext, attempt: Callable[[LessonContext], Awaitable[ProgressOutcome]]
) -> ProgressOutcome:
    """Run ``attempt``; after a lost race, re-read the rows and run it again."""
    for _ in range(RETRIES):
        try:
            return await attempt(context)
        except StaleProgress:
            context = await context.reload()
    raise Conflict("This lesson was saved by another request at the same time; try again.")


async def save_change(
    context: LessonContext,
    change: LessonChange,
    *,
    settings: Settings,
    clock: Clock,
    now: datetime,
) -> ProgressOutcome:
    """Write ``change``; raises ``StaleProgress`` (having written nothing) on a lost race.

    Only a change that completes the last open lesson can complete the course:
    the lessons before it are COMPLETED (else it would be locked), and those
    after it stay locked until it is done. So the course check, the render and
    the transaction are needed only then, or when the change writes more rows.
    """
    finishes = change.completes and context.state.completes_with(context.lesson.id)
    prepared = None
    if finishes:
        prepared = await issuance.prepare_certificate(
            context.enrollment, settings=settings, issued_at=now
        )
    certificate = None
    try:
        if finishes or change.after_write is not None:
            async with in_transaction() as connection:
                row = await _write(context, change, connection)
                if change.after_write is not None:
                    await change.after_write(row, connection)
                if finishes:
                    certificate = await _finish_course(
                        context, connection, prepared, settings=settings, clock=clock, now=now
                    )
        else:
            # A single statement is atomic on its own: no transaction round trips
            # on the hot path (the video heartbeat).
            row = await _write(context, change, None)
    except IntegrityError as exc:  # the row was created concurrently
        raise StaleProgress from exc
    context.rows[context.lesson.id] = row
    return await context.outcome(certificate)


async def _write(
    context: LessonContext, change: LessonChange, connection: BaseDBAsyncClient | None
) -> LessonProgress:
    row = context.row
    if row is None:
        return await LessonProgress.create(
            using_db=connection,
            enrollment_id=context.enrollment.id,
            lesson_id=context.lesson.id,
            **change.values,
        )
    query = LessonProgress.filter(id=row.id, **change.guard).using_db(connection)
    if not await query.update(**change.values):
        raise StaleProgress
    for name, value in change.values.items():
        setattr(row, name, value)
    return row


async def _finish_course(
    context: LessonContext,
    connection: BaseDBAsyncClient,
    prepared: issuance.PreparedCertificate | None,
    *,
    settings: Settings,
    clock: Clock,
    now: datetime,
) -> Certificate | None:
    """Inside the completing transaction: check again, now with this change written,
    that every lesson is COMPLETED; then mark the enrollment complete and issue its
    certificate."""
    lesson_ids = [lesson.id for lesson in context.lessons]
    done = await (
        LessonProgress.filter(
            enrollment_id=context.enrollment.id,
            lesson_id__in=lesson_ids,
            status=LessonStatus.COMPLETED,
        )
        .using_db(connection)
        .count()
    )
    if done < len(lesson_ids):
        return None
    enrollment = context.enrollment
    await (
        Enrollment.filter(id=enrollment.id, completed_at__isnull=True)
        .using_db(connection)
        .update(completed_at=now)
    )
    if enrollment.completed_at is None:
        enrollment.completed_at = now
    certificate = await issuance.issue_certificate(
        enrollment, settings=settings, clock=clock, connection=connection, prepared=prepared
    )
    # Completion time and issue date are one instant (DESIGN.md section 3).
    enrollment.completed_at = certificate.issued_at
    return certificate
