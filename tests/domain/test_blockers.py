"""Why an enrollment is not complete yet: one pure computation (llp_gql.domain.state)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from llp_gql.domain import progress
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.state import BlockerReason, EnrollmentStatus, compute_state
from llp_gql.models import (
    EnrollmentSource,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
)
from llp_gql.settings import Settings
from tests.domain import assign, enroll_self, finish_before
from tests.factories import CourseParts, World

T = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _done(lesson: Lesson) -> LessonProgress:
    return LessonProgress(
        lesson_id=lesson.id, status=LessonStatus.COMPLETED, completed_at=T, updated_at=T
    )


def _video(lesson: Lesson, spans: list[list[float]]) -> LessonProgress:
    covered = sum(b - a for a, b in spans)
    return LessonProgress(
        lesson_id=lesson.id,
        status=LessonStatus.IN_PROGRESS,
        watched_spans=spans,
        covered_seconds=covered,
        updated_at=T,
    )


def _quiz(lesson: Lesson, used: int, best: int, extra: int = 0) -> LessonProgress:
    return LessonProgress(
        lesson_id=lesson.id,
        status=LessonStatus.IN_PROGRESS,
        attempts_used=used,
        best_score_percent=best,
        extra_attempts=extra,
        updated_at=T,
    )


def _rows(course: CourseParts, case: str) -> list[LessonProgress]:
    """Progress rows for each situation of the world course (video, reading, activity, quiz)."""
    video, reading, activity, quiz = course.lessons
    done_video = _done(video)
    return {
        "fresh": [],
        "video_started": [_video(video, [[0.0, 41.0], [50.0, 55.5]])],
        "video_gap_at_start": [_video(video, [[3.0, 60.0]])],
        "reading_next": [done_video],
        "activity_next": [done_video, _done(reading)],
        "quiz_next": [done_video, _done(reading), _done(activity)],
        "quiz_failed": [done_video, _done(reading), _done(activity), _quiz(quiz, 1, 40)],
        "quiz_exhausted": [done_video, _done(reading), _done(activity), _quiz(quiz, 2, 0)],
        "quiz_granted": [done_video, _done(reading), _done(activity), _quiz(quiz, 2, 0, 1)],
    }[case]


@pytest.mark.parametrize(
    ("case", "first"),
    [
        ("fresh", (BlockerReason.NOT_STARTED, "Not started yet: watch the whole video (60 s).")),
        (
            "video_started",
            (BlockerReason.VIDEO_UNFINISHED, "Watched 46.5 of 60 s; first gap at 00:41."),
        ),
        (
            "video_gap_at_start",
            (BlockerReason.VIDEO_UNFINISHED, "Watched 57 of 60 s; first gap at 00:00."),
        ),
        ("reading_next", (BlockerReason.READING_NOT_CONFIRMED, "Not confirmed as read yet.")),
        ("activity_next", (BlockerReason.ACTIVITY_NOT_DONE, "Not marked as done yet.")),
        (
            "quiz_next",
            (BlockerReason.NOT_STARTED, "Not started yet: 50% needed to pass; 2 attempts left."),
        ),
        (
            "quiz_failed",
            (BlockerReason.QUIZ_NOT_PASSED, "Best score 40% of 50% needed; 1 attempt left."),
        ),
        (
            "quiz_exhausted",
            (
                BlockerReason.QUIZ_ATTEMPTS_EXHAUSTED,
                "No attempts left (best 0% of 50% needed); "
                "ask your company admin for another attempt.",
            ),
        ),
        (
            "quiz_granted",
            (BlockerReason.QUIZ_NOT_PASSED, "Best score 0% of 50% needed; 1 attempt left."),
        ),
    ],
)
async def test_the_first_unfinished_lesson_says_what_is_missing_and_the_rest_are_locked(
    world: World, case: str, first: tuple[BlockerReason, str]
) -> None:
    # given the rows of a situation, when the state is computed (no database)
    course = world.course
    state = compute_state(course.lessons, _rows(course, case), source=EnrollmentSource.ASSIGNED)
    # then the first blocker explains the next step
    blockers = [(b.reason, b.detail) for b in state.blockers]
    assert blockers[0] == first
    # and every later lesson is locked behind that one
    title = state.blockers[0].lesson.title
    assert blockers[1:] == [(BlockerReason.LOCKED, f"Locked until '{title}' is complete.")] * (
        len(blockers) - 1
    )
    assert len(blockers) == 4 - sum(s.status == LessonStatus.COMPLETED for s in state.lessons)


@pytest.mark.parametrize(
    ("source", "advice"),
    [
        (EnrollmentSource.ASSIGNED, "; ask your company admin for another attempt."),
        (EnrollmentSource.SELF, "; ask support for another attempt."),
        (None, "."),
    ],
)
def test_who_can_help_with_an_exhausted_quiz_depends_on_the_enrollment(
    world: World, source: EnrollmentSource | None, advice: str
) -> None:
    # given a quiz without attempts left, when computed for each kind of enrollment
    state = compute_state(
        world.course.lessons, _rows(world.course, "quiz_exhausted"), source=source
    )
    # then the advice names who can help
    assert state.blockers[0].detail == f"No attempts left (best 0% of 50% needed){advice}"


@pytest.mark.parametrize(
    ("case", "statuses", "status", "percent"),
    [
        ("fresh", "ALLL", EnrollmentStatus.NOT_STARTED, 0.0),
        ("video_started", "ILLL", EnrollmentStatus.IN_PROGRESS, 0.0),
        ("reading_next", "CALL", EnrollmentStatus.IN_PROGRESS, 25.0),
        ("quiz_next", "CCCA", EnrollmentStatus.IN_PROGRESS, 75.0),
        ("quiz_failed", "CCCI", EnrollmentStatus.IN_PROGRESS, 75.0),
    ],
)
def test_statuses_and_percent_come_from_the_same_rows(
    world: World, case: str, statuses: str, status: EnrollmentStatus, percent: float
) -> None:
    # given a situation, when the state is computed
    state = compute_state(world.course.lessons, _rows(world.course, case))
    # then lesson statuses, enrollment status and percent agree
    letters = {
        "A": LessonStatus.AVAILABLE,
        "I": LessonStatus.IN_PROGRESS,
        "L": LessonStatus.LOCKED,
        "C": LessonStatus.COMPLETED,
    }
    assert [s.status for s in state.lessons] == [letters[c] for c in statuses]
    assert (state.status, state.progress_percent) == (status, percent)


def test_a_completed_enrollment_has_no_blockers(world: World) -> None:
    # given every lesson done, then COMPLETED, 100%, nothing blocking
    state = compute_state(world.course.lessons, [_done(x) for x in world.course.lessons])
    assert (state.status, state.progress_percent, state.blockers) == (
        EnrollmentStatus.COMPLETED,
        100.0,
        (),
    )


def test_lessons_are_taken_in_position_order_whatever_order_they_come_in(world: World) -> None:
    # given the lessons shuffled, then the state still lists and locks them by position
    lessons = list(reversed(world.course.lessons))
    state = compute_state(lessons, [])
    assert [s.lesson.position for s in state.lessons] == [1, 2, 3, 4]
    assert state.blockers[0].reason == BlockerReason.NOT_STARTED


def test_long_videos_name_the_gap_in_hours(world: World) -> None:
    # given a 2 h video watched for the first 1 h 2 min 3.7 s
    video = Lesson(id=99, position=1, kind=LessonKind.VIDEO, title="Long", duration_seconds=7200)
    state = compute_state([video], [_video(video, [[0.0, 3723.7]])])
    # then the detail rounds seconds down and shows hours
    assert state.blockers[0].detail == "Watched 3723.7 of 7200 s; first gap at 1:02:03."


async def test_blockers_follow_the_learner_through_the_course(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an individual's own enrollment, when they reach the quiz and exhaust it
    enrollment = await enroll_self(world)
    await finish_before(world.individual_a, enrollment, 4, clock=clock, settings=settings)
    state = await progress.load_state(enrollment)
    # then the stored rows give the same explanation as the pure computation
    assert [(b.reason, b.lesson.id) for b in state.blockers] == [
        (BlockerReason.NOT_STARTED, world.course.quiz.id)
    ]
    assert state.lesson(world.course.video.id).covered_seconds == 60.0
    assert state.lesson(world.course.reading.id).covered_seconds is None


async def test_states_of_many_enrollments_cost_two_queries(
    world: World, clock: FakeClock, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # given enrollments of several learners, some with progress
    learners = [world.employee_x, world.employee_x2]
    enrollments = [await assign(world, learner) for learner in learners]
    enrollments.append(await enroll_self(world))
    await finish_before(world.employee_x, enrollments[0], 3, clock=clock, settings=settings)
    # when their states are loaded together
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        states = await progress.load_states(enrollments)
    # then two queries were run, and each state is that enrollment's own
    queries = [r for r in caplog.records if r.name == "tortoise.db_client"]
    assert len(queries) == 2
    assert [states[e.id].progress_percent for e in enrollments] == [50.0, 0.0, 0.0]
    assert states[enrollments[1].id].status == EnrollmentStatus.NOT_STARTED
