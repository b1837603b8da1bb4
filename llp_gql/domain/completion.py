"""Saving a change to one lesson's progress, and finishing the course with it.

Shared by ``progress`` (videos, readings, activities) and ``quizzes``. Every
progress mutation runs the same steps:

1. ``open_lesson``: the learner's own enrollment (``access``), a lesson of its
   course (NOT_FOUND otherwise) of the expected kind (VALIDATION), and not
   LOCKED (LESSON_LOCKED, nothing stored).
2. ``apply_change`` opens one short transaction, locks the enrollment row
   (``locks.lock_enrollment``), re-reads its progress rows, and only then lets
   the caller's pure ``decide`` turn them into a ``LessonChange``, which it
   writes. A change that completes the last lesson also sets
   ``Enrollment.completed_at`` and issues the certificate in that transaction.

Concurrency: every write to an enrollment's progress, and every removal of an
enrollment or of its learner, first takes the same row lock (``SELECT ... FOR
UPDATE`` on PostgreSQL; on SQLite the single writer holds the whole database for
the transaction). So two reports of one enrollment never decide on the same
rows (the watch-time budget cannot be spent twice), and a completion and a
removal are ordered: either the removal sees the new certificate and leaves its
tombstone, or the completion finds the enrollment gone (NOT_FOUND) and returns
no certificate.

The certificate's snapshot (the learner's name, the course, the company and its
template) is read before the transaction when the rows read in step 1 say this
change will finish the course, so the lock is not held for those reads; when only
the fresh rows say so (rare), it is read inside. The PDF is never drawn here: the
transaction queues it (``issuance.RENDER_JOB``).
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
from llp_gql.domain.locks import lock_enrollment
from llp_gql.domain.state import EnrollmentState, EnrollmentStatus, LessonState, compute_state
from llp_gql.errors import Conflict, LessonLocked, LLPError, NotFound, ValidationFailed
from llp_gql.models import (
    Certificate,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
    User,
)
from llp_gql.settings import Settings


@dataclass(frozen=True, slots=True)
class ProgressOutcome:
    """What a progress mutation leaves behind: the lesson's row, the whole state,
    and the certificate when the enrollment is complete (issued by this call or before)."""

    enrollment: Enrollment
    lesson: Lesson
    progress: LessonProgress | None
    state: EnrollmentState
    certificate: Certificate | None
    # What the decision reported beyond the rows (a video report's accounting).
    note: object = None

    @property
    def lesson_state(self) -> LessonState:
        return self.state.lesson(self.lesson.id)


@dataclass(frozen=True, slots=True)
class LessonChange:
    """Columns to write on the lesson's progress row."""

    values: dict[str, object]
    completes: bool
    # More writes in the same transaction (a quiz stores its attempt), given the row.
    after_write: Callable[[LessonProgress, BaseDBAsyncClient], Awaitable[None]] | None = None
    # Passed through to ``ProgressOutcome.note``.
    note: object = None


# Decides the change from the rows read under the lock; None or no values: nothing to write.
Decide = Callable[["LessonContext", datetime], LessonChange | None]


@dataclass(slots=True)
class LessonContext:
    """One lesson of an enrollment with every row the rules need, read in two queries."""

    enrollment: Enrollment
    lessons: list[Lesson]
    lesson: Lesson
    rows: dict[int, LessonProgress] = field(default_factory=dict)
    # The learner's row when the request already holds it (the signed-in learner).
    learner: User | None = None

    @property
    def row(self) -> LessonProgress | None:
        return self.rows.get(self.lesson.id)

    @property
    def state(self) -> EnrollmentState:
        return compute_state(self.lessons, self.rows.values(), source=self.enrollment.source)

    async def reload(self, connection: BaseDBAsyncClient | None = None) -> LessonContext:
        progress = await LessonProgress.filter(enrollment_id=self.enrollment.id).using_db(
            connection
        )
        self.rows = {row.lesson_id: row for row in progress}
        return self

    async def outcome(
        self, certificate: Certificate | None = None, note: object = None
    ) -> ProgressOutcome:
        state = self.state
        if certificate is None and state.status == EnrollmentStatus.COMPLETED:
            certificate = await Certificate.get_or_none(enrollment_id=self.enrollment.id)
        return ProgressOutcome(self.enrollment, self.lesson, self.row, state, certificate, note)


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
    # Only the learner makes progress (access): their row, read by authentication.
    context.learner = viewer
    if context.lesson.kind not in kinds:
        raise ValidationFailed(wrong_kind, field="lessonId")
    item = context.state.lesson(lesson_id)
    if item.status == LessonStatus.LOCKED:
        raise LessonLocked(item.blocker.detail if item.blocker else "This lesson is locked.")
    return context


async def apply_change(
    context: LessonContext, decide: Decide, *, settings: Settings, clock: Clock
) -> ProgressOutcome:
    """Lock the enrollment, re-read its rows, decide, write; NOT_FOUND when the
    enrollment was removed meanwhile. ``decide`` may raise an ``LLPError``: then
    nothing is stored."""
    now = clock()
    prepared = None
    if _will_finish(context, decide, now):
        prepared = await issuance.prepare_certificate(
            context.enrollment, settings=settings, issued_at=now, learner=context.learner
        )
    certificate = None
    try:
        async with in_transaction() as connection:
            _ = await lock_enrollment(context.enrollment.id, connection)
            await context.reload(connection)
            change = decide(context, now)
            if change is not None and change.values:
                # Only a change that completes the last open lesson completes the course:
                # the lessons before it are COMPLETED (else it would be locked), and
                # those after it stay locked until it is done.
                finishes = change.completes and context.state.completes_with(context.lesson.id)
                row = await _write(context, change, connection)
                if change.after_write is not None:
                    await change.after_write(row, connection)
                if finishes:
                    certificate = await _finish_course(
                        context, connection, prepared, settings=settings, clock=clock, now=now
                    )
    except IntegrityError:  # only a bug could get here: every writer holds the lock
        raise Conflict(
            "This lesson was saved by another request at the same time; try again."
        ) from None
    if change is None or not change.values:
        return await context.outcome(note=change.note if change else None)
    context.rows[context.lesson.id] = row
    return await context.outcome(certificate, change.note)


def _will_finish(context: LessonContext, decide: Decide, now: datetime) -> bool:
    """On the rows read before the lock: would this change complete the course?"""
    try:
        change = decide(context, now)
    except LLPError:
        return False
    return (
        change is not None and change.completes and context.state.completes_with(context.lesson.id)
    )


async def _write(
    context: LessonContext, change: LessonChange, connection: BaseDBAsyncClient
) -> LessonProgress:
    row = context.row
    if row is None:
        return await LessonProgress.create(
            using_db=connection,
            enrollment_id=context.enrollment.id,
            lesson_id=context.lesson.id,
            **change.values,
        )
    await LessonProgress.filter(id=row.id).using_db(connection).update(**change.values)
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
    """Inside the completing transaction, once this change completed the last open
    lesson: mark the enrollment complete and issue its certificate.

    No second count of the completed rows: the caller decided on the rows it re-read
    under the enrollment's lock, which every progress writer takes, and a published
    course's lessons do not change, so those rows plus this change are the truth."""
    enrollment = context.enrollment
    first: int = await (
        Enrollment.filter(id=enrollment.id, completed_at__isnull=True)
        .using_db(connection)
        .update(completed_at=now)
    )
    if enrollment.completed_at is None:
        enrollment.completed_at = now
    if not first:
        # Completed before (its certificate may exist, withdrawn or not): never a second.
        existing = await issuance.existing_certificate(enrollment.id, connection)
        if existing is not None:
            return existing
    if first:
        if prepared is None:
            prepared = await issuance.prepare_certificate(
                enrollment, settings=settings, issued_at=now, learner=context.learner
            )
        await issuance.announce_completion(enrollment, prepared, connection=connection, clock=clock)
    certificate = await issuance.issue_certificate(
        enrollment, settings=settings, clock=clock, connection=connection, prepared=prepared
    )
    # Completion time and issue date are one instant (DESIGN.md section 3).
    enrollment.completed_at = certificate.issued_at
    return certificate
