"""Quiz attempts and extra attempts granted by Company Admins (DESIGN.md section 3).

Rules decided here:

- Score = questions answered exactly right (the chosen set equals the correct
  set) / questions, in whole percent rounded *down*, so a score never reads
  above the real share (2 of 3 right is 66%, not 67%). Missing questions count
  as wrong; a question id not in this quiz, or a choice id not of its question,
  is VALIDATION. A quiz without questions scores 100.
- Passed when score >= the pass mark. Attempts allowed = ``max_attempts`` +
  granted extras (``max_attempts`` None: unlimited); one more is
  QUIZ_ATTEMPTS_EXHAUSTED and stores nothing.
- Attempts are counted per learner and quiz across every enrollment of the
  course: removing an enrollment files its spent and granted attempts in a
  ``QuizAttemptTally`` (``remember_attempts``), and the next enrollment of the
  course starts with them carried (``carry_attempts``). Re-enrolling restarts
  progress, never the attempt count.
- After a pass the learner may retake the quiz for practice, within the
  attempts left: each retake is recorded and counted, the best score is kept,
  and the lesson stays COMPLETED. A pass is never undone.
- Two submissions racing for the same attempt: they are decided one after the
  other under the enrollment's row lock; the second finds the attempt count
  moved since its learner's page read it and answers CONFLICT rather than
  silently spend a second attempt.
- Extra attempts: 1..10 at a time, by admins of the assigning company for
  their employees and by staff for anyone, only for quizzes with a limit;
  allowed before the learner starts too; audited with the reason given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit
from llp_gql.domain.clock import Clock
from llp_gql.domain.completion import (
    LessonChange,
    LessonContext,
    ProgressOutcome,
    apply_change,
    lesson_context,
    open_lesson,
)
from llp_gql.domain.locks import lock_enrollment
from llp_gql.domain.state import EnrollmentState, attempts_allowed, attempts_left, pass_mark
from llp_gql.errors import (
    Conflict,
    Forbidden,
    QuizAttemptsExhausted,
    ValidationFailed,
)
from llp_gql.models import (
    Choice,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
    Question,
    QuizAttempt,
    QuizAttemptTally,
)
from llp_gql.settings import Settings

MIN_EXTRA_ATTEMPTS = 1
MAX_EXTRA_ATTEMPTS = 10
MAX_REASON_LENGTH = 500


@dataclass(frozen=True, slots=True)
class QuizOutcome:
    score_percent: int
    passed: bool
    attempt: QuizAttempt
    attempts_left: int | None  # None: unlimited
    progress: ProgressOutcome


@dataclass(frozen=True, slots=True)
class _Key:
    choices: frozenset[int]
    correct: frozenset[int]


async def submit_quiz(
    viewer: access.Viewer,
    enrollment_id: int,
    lesson_id: int,
    answers: Mapping[int, Sequence[int]],
    *,
    settings: Settings,
    clock: Clock,
) -> QuizOutcome:
    """Score one attempt and record it; passing completes the lesson (and issues the
    certificate when it was the last one)."""
    context = await open_lesson(
        viewer, enrollment_id, lesson_id, {LessonKind.QUIZ}, "Only quizzes take answers."
    )
    keys = await _answer_keys(lesson_id)
    chosen = _checked_answers(answers, keys)
    right = sum(chosen.get(qid, frozenset()) == key.correct for qid, key in keys.items())
    score = right * 100 // len(keys) if keys else 100
    passed = score >= pass_mark(context.lesson)
    attempt = QuizAttempt(
        score_percent=score,
        passed=passed,
        answers={str(qid): sorted(ids) for qid, ids in chosen.items()},
    )
    # The attempt count this submission was made against (read before the lock).
    seen = context.row.attempts_used if context.row else 0

    def decide(context: LessonContext, now: datetime) -> LessonChange:
        used = context.row.attempts_used if context.row else 0
        if used != seen:
            raise Conflict(
                "Another submission of this quiz was saved at the same moment; "
                "reload and try again."
            )
        attempt.submitted_at = now
        return _attempt_change(context, attempt, now)

    outcome = await apply_change(context, decide, settings=settings, clock=clock)
    left = attempts_left(context.lesson, outcome.progress)
    return QuizOutcome(score, passed, attempt, left, outcome)


def grantable_quizzes(
    viewer: access.Viewer, enrollment: Enrollment, state: EnrollmentState
) -> set[int]:
    """Ids of the quizzes of ``enrollment`` the viewer may grant extra attempts in now:
    those with a limit that are not passed yet (a pass is final: nothing to grant)."""
    if not access.may_grant_attempts(viewer, enrollment):
        return set()
    return {
        item.lesson.id
        for item in state.lessons
        if item.lesson.kind == LessonKind.QUIZ
        and item.lesson.max_attempts is not None
        and item.status != LessonStatus.COMPLETED
    }


async def grant_quiz_attempts(
    viewer: access.Viewer,
    enrollment_id: int,
    lesson_id: int,
    extra: int,
    *,
    clock: Clock,
    reason: str | None = None,
) -> ProgressOutcome:
    """Give the learner ``extra`` more attempts (audited with ``reason``): admins of
    the assigning company for their employees, staff for anyone. Others who can
    see the enrollment get FORBIDDEN, the rest NOT_FOUND."""
    enrollment = await access.access_enrollment(viewer, enrollment_id)
    if not access.may_grant_attempts(viewer, enrollment):
        raise Forbidden(
            "Only the admins of the company that assigned this course, or staff, can do this."
        )
    context = await lesson_context(enrollment, lesson_id)
    lesson = context.lesson
    if lesson.kind != LessonKind.QUIZ:
        raise ValidationFailed("Only quizzes have attempts.", field="lessonId")
    if lesson.max_attempts is None:
        raise ValidationFailed("This quiz already allows unlimited attempts.", field="lessonId")
    if not MIN_EXTRA_ATTEMPTS <= extra <= MAX_EXTRA_ATTEMPTS:
        raise ValidationFailed(
            f"Grant between {MIN_EXTRA_ATTEMPTS} and {MAX_EXTRA_ATTEMPTS} attempts at a time.",
            field="extra",
        )
    why = _clean_reason(reason)
    async with in_transaction() as connection:
        _ = await lock_enrollment(enrollment.id, connection)
        await context.reload(connection)
        row = await _add_attempts(context, extra, connection)
        await audit.record(
            audit.ATTEMPTS_GRANTED,
            actor=viewer,
            subject_type="enrollment",
            subject_id=enrollment.id,
            company_id=enrollment.company_id,
            at=clock(),
            details={
                "lesson_id": lesson.id,
                "lesson_title": lesson.title,
                "extra": extra,
                "reason": why,
                "learner_id": enrollment.learner_id,
                "attempts_allowed": attempts_allowed(lesson, row),
            },
        )
    context.rows[lesson.id] = row
    return await context.outcome()


def _clean_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    cleaned = " ".join(reason.split())
    if len(cleaned) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            f"The reason may have at most {MAX_REASON_LENGTH} characters.", field="reason"
        )
    if any(ord(ch) < 32 for ch in cleaned):
        raise ValidationFailed("The reason contains control characters.", field="reason")
    return cleaned or None


async def _add_attempts(
    context: LessonContext, extra: int, connection: BaseDBAsyncClient
) -> LessonProgress:
    row = context.row
    if row is None:
        # The learner has not tried yet: the extras wait on a fresh row.
        return await LessonProgress.create(
            using_db=connection,
            enrollment_id=context.enrollment.id,
            lesson_id=context.lesson.id,
            extra_attempts=extra,
        )
    row.extra_attempts += extra  # the enrollment is locked: nobody else writes this row
    await (
        LessonProgress.filter(id=row.id)
        .using_db(connection)
        .update(extra_attempts=row.extra_attempts)
    )
    return row


async def remember_attempts(
    enrollments: list[Enrollment], connection: BaseDBAsyncClient, *, clock: Clock
) -> None:
    """Before these enrollments are removed (locked, in the caller's transaction):
    file the quiz attempts spent and granted in them, per learner and quiz."""
    rows = await (
        LessonProgress.filter(
            enrollment_id__in=[e.id for e in enrollments],
            lesson__kind=LessonKind.QUIZ,
        )
        .using_db(connection)
        .select_related("enrollment")
    )
    now = clock()
    for row in rows:
        used = row.attempts_used + row.attempts_carried
        if used == 0 and row.extra_attempts == 0:
            continue
        # The row already includes what an earlier tally carried in: replace, not add.
        await QuizAttemptTally.update_or_create(
            defaults={
                "attempts_used": used,
                "extra_attempts": row.extra_attempts,
                "updated_at": now,
            },
            using_db=connection,
            learner_id=row.enrollment.learner_id,
            lesson_id=row.lesson_id,
        )


async def carry_attempts(enrollment: Enrollment, connection: BaseDBAsyncClient) -> None:
    """When a learner enrolls in a course again: the attempts they spent (and were
    granted) in earlier enrollments come along, on fresh progress rows."""
    lesson_ids = await Lesson.filter(
        course_id=enrollment.course_id, kind=LessonKind.QUIZ
    ).values_list("id", flat=True)
    tallies = await QuizAttemptTally.filter(
        learner_id=enrollment.learner_id, lesson_id__in=list(lesson_ids)
    ).using_db(connection)
    if tallies:
        await LessonProgress.bulk_create(
            [
                LessonProgress(
                    enrollment_id=enrollment.id,
                    lesson_id=tally.lesson_id,
                    attempts_carried=tally.attempts_used,
                    extra_attempts=tally.extra_attempts,
                )
                for tally in tallies
            ],
            using_db=connection,
        )


async def carry_attempts_many(
    enrollments: Sequence[tuple[int, int, int]], connection: BaseDBAsyncClient
) -> None:
    """``carry_attempts`` for many new enrollments ``(id, learner_id, course_id)`` at
    once, in a few queries (the CSV import)."""
    course_ids = sorted({course_id for _, _, course_id in enrollments})
    if not course_ids:
        return
    lessons = await Lesson.filter(course_id__in=course_ids, kind=LessonKind.QUIZ).values(
        "id", "course_id"
    )
    course_of = {row["id"]: row["course_id"] for row in lessons}
    if not course_of:
        return
    enrollment_of = {(learner, course): eid for eid, learner, course in enrollments}
    learners = sorted({learner for _, learner, _ in enrollments})
    carried: list[LessonProgress] = []
    for start in range(0, len(learners), 500):
        tallies = await QuizAttemptTally.filter(
            learner_id__in=learners[start : start + 500], lesson_id__in=list(course_of)
        ).using_db(connection)
        for tally in tallies:
            eid = enrollment_of.get((tally.learner_id, course_of[tally.lesson_id]))
            if eid is not None:
                carried.append(
                    LessonProgress(
                        enrollment_id=eid,
                        lesson_id=tally.lesson_id,
                        attempts_carried=tally.attempts_used,
                        extra_attempts=tally.extra_attempts,
                    )
                )
    if carried:
        await LessonProgress.bulk_create(carried, batch_size=500, using_db=connection)


async def _answer_keys(lesson_id: int) -> dict[int, _Key]:
    question_ids = await Question.filter(lesson_id=lesson_id).values_list("id", flat=True)
    choices = await Choice.filter(question__lesson_id=lesson_id).values(
        "id", "question_id", "is_correct"
    )
    keys: dict[int, _Key] = {}
    for qid in question_ids:
        mine = [c for c in choices if c["question_id"] == qid]
        keys[int(qid)] = _Key(  # type: ignore[call-overload]  # flat=True gives plain ids
            choices=frozenset(c["id"] for c in mine),
            correct=frozenset(c["id"] for c in mine if c["is_correct"]),
        )
    return keys


def _checked_answers(
    answers: Mapping[int, Sequence[int]], keys: Mapping[int, _Key]
) -> dict[int, frozenset[int]]:
    chosen: dict[int, frozenset[int]] = {}
    for question_id, choice_ids in answers.items():
        key = keys.get(question_id)
        if key is None:
            raise ValidationFailed("An answer names a question of another quiz.", field="answers")
        picked = frozenset(choice_ids)
        if not picked <= key.choices:
            raise ValidationFailed("An answer picks a choice of another question.", field="answers")
        chosen[question_id] = picked
    return chosen


def _attempt_change(context: LessonContext, attempt: QuizAttempt, now: datetime) -> LessonChange:
    """The row after this attempt; QUIZ_ATTEMPTS_EXHAUSTED when none is left."""
    lesson, row = context.lesson, context.row
    if attempts_left(lesson, row) == 0:
        blocker = context.state.lesson(lesson.id).blocker
        raise QuizAttemptsExhausted(
            blocker.detail if blocker else "You have used every attempt of this quiz."
        )
    used = row.attempts_used if row else 0
    attempt.number = used + 1
    best = attempt.score_percent
    if row is not None and row.best_score_percent is not None:
        best = max(best, row.best_score_percent)
    values: dict[str, object] = {
        "attempts_used": used + 1,
        "best_score_percent": best,
        "updated_at": now,
    }
    already_passed = row is not None and row.status == LessonStatus.COMPLETED
    completes = attempt.passed and not already_passed
    if completes:
        values |= {"status": LessonStatus.COMPLETED, "completed_at": now}

    async def store_attempt(row: LessonProgress, connection: BaseDBAsyncClient) -> None:
        attempt.progress_id = row.id
        await attempt.save(using_db=connection)

    return LessonChange(values=values, completes=completes, after_write=store_attempt)
