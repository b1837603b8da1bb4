"""Quiz scoring, attempts, and extra attempts granted by admins (DESIGN.md section 3)."""

from __future__ import annotations

import asyncio

import pytest

from llp_gql.domain import audit, quizzes
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import LLPError
from llp_gql.models import (
    AuditEvent,
    Choice,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
    Question,
    QuizAttempt,
)
from llp_gql.settings import Settings
from tests.domain import assign, enroll_self, finish_before, make_kinds_course, stored
from tests.factories import World


async def _ready(world: World, clock: FakeClock, settings: Settings) -> Enrollment:
    """employee_x's enrollment with everything before the quiz done."""
    enrollment = await assign(world)
    await finish_before(world.employee_x, enrollment, 4, clock=clock, settings=settings)
    return enrollment


async def _submit(
    world: World,
    enrollment: Enrollment,
    answers: dict[int, list[int]],
    *,
    clock: FakeClock,
    settings: Settings,
) -> quizzes.QuizOutcome:
    return await quizzes.submit_quiz(
        world.employee_x,
        enrollment.id,
        world.course.quiz.id,
        answers,
        settings=settings,
        clock=clock,
    )


def _half_right(world: World) -> dict[int, list[int]]:
    """Question 1 right, question 2 wrong: 50%."""
    first, second = world.course.questions
    return {first.id: world.course.correct[first.id], second.id: world.course.wrong[second.id]}


async def _quiz_row(world: World, enrollment: Enrollment) -> LessonProgress:
    return await LessonProgress.get(enrollment_id=enrollment.id, lesson_id=world.course.quiz.id)


# -- scoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "score", "passed"),
    [
        ("correct", 100, True),
        ("wrong", 0, False),
        ("half", 50, True),  # exactly the pass mark passes
        ("first_only", 50, True),  # a missing question counts as wrong
        ("none", 0, False),
        ("superset", 50, True),  # Q2 with every choice is not exactly right
    ],
)
async def test_score_is_the_share_of_questions_exactly_right(
    world: World, clock: FakeClock, settings: Settings, answers: str, score: int, passed: bool
) -> None:
    # given the quiz is next (pass mark 50%)
    enrollment = await _ready(world, clock, settings)
    first, second = world.course.questions
    every_choice = [c.id for c in await Choice.filter(question_id=second.id)]
    chosen = {
        "correct": world.course.correct,
        "wrong": world.course.wrong,
        "half": _half_right(world),
        "first_only": {first.id: world.course.correct[first.id]},
        "none": {},
        "superset": {first.id: world.course.correct[first.id], second.id: every_choice},
    }[answers]
    # when the learner submits
    result = await _submit(world, enrollment, chosen, clock=clock, settings=settings)
    # then the score and the verdict follow the rule
    assert (result.score_percent, result.passed) == (score, passed)
    assert result.attempt.number == 1
    assert result.progress.lesson_state.status == (
        LessonStatus.COMPLETED if passed else LessonStatus.IN_PROGRESS
    )


async def test_scores_are_rounded_down(world: World, clock: FakeClock, settings: Settings) -> None:
    # given a quiz of three questions with a pass mark of 67%
    course = await make_kinds_course([LessonKind.QUIZ])
    quiz = await Lesson.get(course_id=course.id)
    await Lesson.filter(id=quiz.id).update(passing_score_percent=67)
    for position in (2, 3):
        question = await Question.create(lesson=quiz, position=position, prompt="Also right?")
        _ = await Choice.create(question=question, position=1, text="Yes", is_correct=True)
    questions = await Question.filter(lesson_id=quiz.id).order_by("position")
    right = {
        q.id: [c.id for c in await Choice.filter(question_id=q.id, is_correct=True)]
        for q in questions
    }
    del right[questions[0].id]
    enrollment = await assign(world, course=course)
    # when two of three are right
    result = await quizzes.submit_quiz(
        world.employee_x, enrollment.id, quiz.id, right, settings=settings, clock=clock
    )
    # then the score is 66 (not 67) and the quiz is not passed
    assert (result.score_percent, result.passed) == (66, False)


@pytest.mark.parametrize("problem", ["foreign_question", "foreign_choice", "unknown_choice"])
async def test_answers_outside_the_quiz_are_validation_errors(
    world: World, clock: FakeClock, settings: Settings, problem: str
) -> None:
    # given the quiz is next
    enrollment = await _ready(world, clock, settings)
    first, second = world.course.questions
    other = await make_kinds_course([LessonKind.QUIZ])
    foreign = await Question.get(lesson__course_id=other.id)
    cases: dict[str, dict[int, list[int]]] = {
        "foreign_question": {foreign.id: []},
        "foreign_choice": {first.id: world.course.correct[second.id]},
        "unknown_choice": {first.id: [999_999]},
    }
    answers = cases[problem]
    before = await stored(enrollment)
    # when the answers name something that is not part of this quiz
    with pytest.raises(LLPError) as caught:
        await _submit(world, enrollment, answers, clock=clock, settings=settings)
    # then VALIDATION, and no attempt is spent
    assert caught.value.code == "VALIDATION"
    assert await stored(enrollment) == before


# -- attempts --------------------------------------------------------------------------------


async def test_fail_then_pass(world: World, clock: FakeClock, settings: Settings) -> None:
    # given a failed first attempt
    enrollment = await _ready(world, clock, settings)
    failed = await _submit(world, enrollment, world.course.wrong, clock=clock, settings=settings)
    assert (failed.passed, failed.attempts_left) == (False, 1)
    # when the second attempt is right
    passed = await _submit(world, enrollment, world.course.correct, clock=clock, settings=settings)
    # then the quiz is complete with the best score, and no attempt is left
    row = await _quiz_row(world, enrollment)
    assert (row.status, row.best_score_percent, row.attempts_used) == (
        LessonStatus.COMPLETED,
        100,
        2,
    )
    assert (passed.passed, passed.attempts_left) == (True, 0)
    assert await QuizAttempt.filter(progress_id=row.id).count() == 2


async def test_a_later_failed_attempt_never_undoes_a_pass(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a passed quiz (the course is complete)
    enrollment = await _ready(world, clock, settings)
    passed = await _submit(world, enrollment, world.course.correct, clock=clock, settings=settings)
    completed_at = (await _quiz_row(world, enrollment)).completed_at
    # when the learner retakes it for practice and fails
    clock.advance(60)
    retake = await _submit(world, enrollment, world.course.wrong, clock=clock, settings=settings)
    # then the retake is recorded, the pass stays, and the certificate is still the one
    row = await _quiz_row(world, enrollment)
    assert (retake.score_percent, retake.passed) == (0, False)
    assert (row.status, row.best_score_percent, row.attempts_used) == (
        LessonStatus.COMPLETED,
        100,
        2,
    )
    assert row.completed_at == completed_at
    assert retake.progress.certificate is not None
    assert passed.progress.certificate is not None
    assert retake.progress.certificate.id == passed.progress.certificate.id
    assert await stored(enrollment) == (4, 2, 1)


async def test_exhausted_attempts_store_nothing_until_an_admin_grants_more(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given both attempts failed
    enrollment = await _ready(world, clock, settings)
    for _ in range(2):
        await _submit(world, enrollment, world.course.wrong, clock=clock, settings=settings)
    # when the learner tries a third time
    with pytest.raises(LLPError) as caught:
        await _submit(world, enrollment, world.course.correct, clock=clock, settings=settings)
    # then QUIZ_ATTEMPTS_EXHAUSTED with advice, and nothing is stored
    assert caught.value.code == "QUIZ_ATTEMPTS_EXHAUSTED"
    assert caught.value.message == (
        "No attempts left (best 0% of 50% needed); ask your company admin for another attempt."
    )
    assert await stored(enrollment) == (4, 2, 0)
    # when admin_x grants one more attempt
    granted = await quizzes.grant_quiz_attempts(
        world.admin_x, enrollment.id, world.course.quiz.id, 1, clock=clock
    )
    assert granted.lesson_state.attempts_left == 1
    # then the learner may try again, and passing completes the course
    result = await _submit(world, enrollment, world.course.correct, clock=clock, settings=settings)
    assert (result.passed, result.attempts_left, result.attempt.number) == (True, 0, 3)
    assert result.progress.certificate is not None
    # and the grant is in the audit log, readable by company X
    event = await AuditEvent.get(action=audit.ATTEMPTS_GRANTED)
    assert (event.actor_id, event.company_id, event.subject_id) == (
        world.admin_x.id,
        world.company_x.id,
        enrollment.id,
    )
    assert event.details["extra"] == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("admin_y", "NOT_FOUND"),
        ("employee_y", "NOT_FOUND"),
        ("employee_x2", "NOT_FOUND"),
        ("individual_a", "NOT_FOUND"),
        ("employee_x", "FORBIDDEN"),  # the learner themself
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_only_admins_of_the_assigning_company_grant_attempts(
    world: World, clock: FakeClock, who: str | None, code: str
) -> None:
    # given employee_x's assigned enrollment
    enrollment = await assign(world)
    viewer = world.users()[who] if who else None
    # when someone else grants an attempt, then refused, nothing stored or audited
    with pytest.raises(LLPError) as caught:
        await quizzes.grant_quiz_attempts(
            viewer, enrollment.id, world.course.quiz.id, 1, clock=clock
        )
    assert caught.value.code == code
    assert await stored(enrollment) == (0, 0, 0)
    assert not await AuditEvent.filter(action=audit.ATTEMPTS_GRANTED).exists()


@pytest.mark.parametrize(
    ("who", "source"), [("staff", "self"), ("staff", "assigned"), ("admin_x", "assigned")]
)
async def test_staff_grant_anyone_and_admins_their_employees_audited_with_a_reason(
    world: World, clock: FakeClock, who: str, source: str
) -> None:
    # given an enrollment of either kind
    enrollment = await (enroll_self(world) if source == "self" else assign(world))
    # when staff (or the assigning admin) grant two attempts with a reason
    outcome = await quizzes.grant_quiz_attempts(
        world.users()[who],
        enrollment.id,
        world.course.quiz.id,
        2,
        clock=clock,
        reason="  Power cut   during the quiz ",
    )
    # then the learner has them, and the audit log says who, how many and why
    assert outcome.state.lesson(world.course.quiz.id).attempts_left == 2 + 2
    event = await AuditEvent.get(action=audit.ATTEMPTS_GRANTED)
    assert event.actor_id == world.users()[who].id
    assert event.details["extra"] == 2
    assert event.details["reason"] == "Power cut during the quiz"


async def test_a_grant_reason_with_control_characters_is_refused_and_stores_nothing(
    world: World, clock: FakeClock
) -> None:
    enrollment = await assign(world)
    with pytest.raises(LLPError) as caught:
        await quizzes.grant_quiz_attempts(
            world.admin_x, enrollment.id, world.course.quiz.id, 1, clock=clock, reason="a\x00b"
        )
    assert (caught.value.code, caught.value.field) == ("VALIDATION", "reason")
    assert await stored(enrollment) == (0, 0, 0)
    assert not await AuditEvent.filter(action=audit.ATTEMPTS_GRANTED).exists()


async def test_nobody_grants_attempts_in_a_self_enrollment(world: World, clock: FakeClock) -> None:
    # given an individual's own enrollment, when they grant themselves attempts, then FORBIDDEN
    enrollment = await enroll_self(world)
    with pytest.raises(LLPError) as caught:
        await quizzes.grant_quiz_attempts(
            world.individual_a, enrollment.id, world.course.quiz.id, 1, clock=clock
        )
    assert caught.value.code == "FORBIDDEN"


@pytest.mark.parametrize(
    ("extra", "lesson"), [(0, "quiz"), (11, "quiz"), (-1, "quiz"), (1, "reading")]
)
async def test_grants_are_one_to_ten_attempts_of_a_quiz(
    world: World, clock: FakeClock, extra: int, lesson: str
) -> None:
    # given an enrollment, when admin_x grants a bad number, or attempts for a reading
    enrollment = await assign(world)
    target = world.course.quiz if lesson == "quiz" else world.course.reading
    with pytest.raises(LLPError) as caught:
        await quizzes.grant_quiz_attempts(
            world.admin_x, enrollment.id, target.id, extra, clock=clock
        )
    # then VALIDATION and nothing stored
    assert caught.value.code == "VALIDATION"
    assert await stored(enrollment) == (0, 0, 0)


async def test_attempts_granted_up_front_wait_for_the_learner(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given admin_x grants 2 attempts before the learner reached the quiz
    enrollment = await assign(world)
    granted = await quizzes.grant_quiz_attempts(
        world.admin_x, enrollment.id, world.course.quiz.id, 2, clock=clock
    )
    # then the quiz is still locked and not started, with 4 attempts waiting
    assert granted.lesson_state.status == LessonStatus.LOCKED
    assert granted.lesson_state.attempts_left == 4
    await finish_before(world.employee_x, enrollment, 4, clock=clock, settings=settings)
    result = await _submit(world, enrollment, world.course.wrong, clock=clock, settings=settings)
    assert result.attempts_left == 3


async def test_unlimited_attempts(world: World, clock: FakeClock, settings: Settings) -> None:
    # given a quiz without a limit
    enrollment = await _ready(world, clock, settings)
    await Lesson.filter(id=world.course.quiz.id).update(max_attempts=None)
    # when the learner fails five times, then there is always another attempt
    for number in range(1, 6):
        result = await _submit(
            world, enrollment, world.course.wrong, clock=clock, settings=settings
        )
        assert (result.attempt.number, result.attempts_left) == (number, None)
    assert result.progress.state.blockers[0].detail == (
        "Best score 0% of 50% needed; unlimited attempts."
    )
    # and granting attempts makes no sense
    with pytest.raises(LLPError) as caught:
        await quizzes.grant_quiz_attempts(
            world.admin_x, enrollment.id, world.course.quiz.id, 1, clock=clock
        )
    assert caught.value.code == "VALIDATION"


async def test_two_submissions_racing_for_the_last_attempt(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given one attempt left
    enrollment = await _ready(world, clock, settings)
    await _submit(world, enrollment, world.course.wrong, clock=clock, settings=settings)
    # when two submissions arrive at once
    results = await asyncio.gather(
        _submit(world, enrollment, world.course.wrong, clock=clock, settings=settings),
        _submit(world, enrollment, world.course.wrong, clock=clock, settings=settings),
        return_exceptions=True,
    )
    # then one is recorded and the other refused cleanly: two attempts in all
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1
    assert isinstance(errors[0], LLPError)
    assert errors[0].code in {"CONFLICT", "QUIZ_ATTEMPTS_EXHAUSTED"}
    row = await _quiz_row(world, enrollment)
    assert row.attempts_used == 2
    assert await QuizAttempt.filter(progress_id=row.id).count() == 2
