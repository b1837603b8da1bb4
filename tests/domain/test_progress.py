"""Order, video spans and confirmations (DESIGN.md section 3)."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta

import pytest

from llp_gql.domain import progress, quizzes
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import LLPError
from llp_gql.models import (
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStatus,
    User,
)
from llp_gql.settings import Settings
from tests.domain import (
    assign,
    finish_before,
    make_kinds_course,
    right_answers,
    stored,
    watch,
)
from tests.factories import World


async def _report(
    world: World,
    enrollment: Enrollment,
    start: float,
    end: float,
    *,
    clock: FakeClock,
    settings: Settings,
    viewer: User | None = None,
) -> progress.ProgressOutcome:
    return await progress.record_video_progress(
        viewer or world.employee_x,
        enrollment.id,
        world.course.video.id,
        start,
        end,
        settings=settings,
        clock=clock,
    )


async def _video_row(enrollment: Enrollment, world: World) -> LessonProgress:
    return await LessonProgress.get(enrollment_id=enrollment.id, lesson_id=world.course.video.id)


async def _attempt(
    viewer: User, enrollment: Enrollment, lesson: Lesson, *, clock: FakeClock, settings: Settings
) -> object:
    """The progress call each lesson kind takes."""
    if lesson.kind == LessonKind.VIDEO:
        return await progress.record_video_progress(
            viewer, enrollment.id, lesson.id, 0, 5, settings=settings, clock=clock
        )
    if lesson.kind == LessonKind.QUIZ:
        return await quizzes.submit_quiz(
            viewer,
            enrollment.id,
            lesson.id,
            await right_answers(lesson),
            settings=settings,
            clock=clock,
        )
    return await progress.complete_lesson(
        viewer, enrollment.id, lesson.id, settings=settings, clock=clock
    )


# -- order -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(LessonKind))
async def test_a_lesson_after_an_unfinished_one_is_locked_and_stores_nothing(
    world: World, clock: FakeClock, settings: Settings, kind: LessonKind
) -> None:
    # given a course "reading, then <kind>" with nothing done
    course = await make_kinds_course([LessonKind.READING, kind])
    enrollment = await assign(world, course=course)
    second = await Lesson.get(course_id=course.id, position=2)
    # when the learner works on the second lesson first
    with pytest.raises(LLPError) as caught:
        await _attempt(world.employee_x, enrollment, second, clock=clock, settings=settings)
    # then LESSON_LOCKED names the lesson to finish, and nothing is stored
    assert caught.value.code == "LESSON_LOCKED"
    assert caught.value.message == "Locked until 'Reading 1' is complete."
    assert await stored(enrollment) == (0, 0, 0)


@pytest.mark.parametrize("position", [2, 3, 4])
async def test_every_lesson_of_the_world_course_waits_for_the_one_before(
    world: World, clock: FakeClock, settings: Settings, position: int
) -> None:
    # given the lessons before ``position - 1`` done, and lesson ``position - 1`` not
    enrollment = await assign(world)
    lessons = await finish_before(
        world.employee_x, enrollment, position - 1, clock=clock, settings=settings
    )
    before = await stored(enrollment)
    # when the learner jumps ahead, then LESSON_LOCKED and nothing more is stored
    with pytest.raises(LLPError) as caught:
        await _attempt(
            world.employee_x, enrollment, lessons[position - 1], clock=clock, settings=settings
        )
    assert caught.value.code == "LESSON_LOCKED"
    assert await stored(enrollment) == before


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("employee_x2", "NOT_FOUND"),
        ("employee_y", "NOT_FOUND"),
        ("admin_y", "NOT_FOUND"),
        ("individual_a", "NOT_FOUND"),
        ("admin_x", "FORBIDDEN"),
        ("staff", "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_only_the_learner_makes_progress(
    world: World, clock: FakeClock, settings: Settings, who: str | None, code: str
) -> None:
    # given employee_x's enrollment
    enrollment = await assign(world)
    viewer = world.users()[who] if who else None
    # when someone else reports progress, then they are refused and nothing is stored
    with pytest.raises(LLPError) as caught:
        await progress.record_video_progress(
            viewer, enrollment.id, world.course.video.id, 0, 5, settings=settings, clock=clock
        )
    assert caught.value.code == code
    assert await stored(enrollment) == (0, 0, 0)


async def test_a_lesson_of_another_course_is_not_found(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a lesson of another course, when used with this enrollment, then NOT_FOUND
    enrollment = await assign(world)
    other = await make_kinds_course([LessonKind.VIDEO])
    foreign = await Lesson.get(course_id=other.id)
    with pytest.raises(LLPError) as caught:
        await progress.record_video_progress(
            world.employee_x, enrollment.id, foreign.id, 0, 5, settings=settings, clock=clock
        )
    assert caught.value.code == "NOT_FOUND"


async def test_each_call_takes_only_its_lesson_kind(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an enrollment, when the video is "confirmed" or a span sent to the reading
    enrollment = await assign(world)
    with pytest.raises(LLPError) as confirm:
        await progress.complete_lesson(
            world.employee_x, enrollment.id, world.course.video.id, settings=settings, clock=clock
        )
    with pytest.raises(LLPError) as span:
        await progress.record_video_progress(
            world.employee_x,
            enrollment.id,
            world.course.reading.id,
            0,
            5,
            settings=settings,
            clock=clock,
        )
    # then both are VALIDATION
    assert (confirm.value.code, span.value.code) == ("VALIDATION", "VALIDATION")


# -- video ---------------------------------------------------------------------------------


@pytest.mark.parametrize("step", [1.0, 5.0, 2.5])
async def test_a_video_is_finished_by_many_small_spans(
    world: World, clock: FakeClock, settings: Settings, step: float
) -> None:
    # given no end tolerance, when the learner watches the whole video in small reports
    enrollment = await assign(world)
    strict = settings.replace(video_end_tolerance_seconds=0.0)
    outcome = await watch(
        world.employee_x, enrollment, world.course.video, clock=clock, settings=strict, step=step
    )
    # then the video is complete, covered in full, as one merged span
    row = await _video_row(enrollment, world)
    assert outcome.lesson_state.status == LessonStatus.COMPLETED
    assert row.status == LessonStatus.COMPLETED
    assert row.completed_at == clock.now
    assert math.isclose(row.covered_seconds, 60.0)
    assert row.watched_spans == [[0.0, 60.0]]


async def test_re_watching_adds_nothing(world: World, clock: FakeClock, settings: Settings) -> None:
    # given the first 30 s watched
    enrollment = await assign(world)
    video = world.course.video
    await watch(world.employee_x, enrollment, video, clock=clock, settings=settings, end=30)
    # when the learner watches them again
    outcome = await watch(
        world.employee_x, enrollment, video, clock=clock, settings=settings, end=30
    )
    # then still 30 s are covered and the video is unfinished
    assert outcome.lesson_state.covered_seconds == 30.0
    assert outcome.lesson_state.status == LessonStatus.IN_PROGRESS
    # and watching the rest completes it
    outcome = await watch(
        world.employee_x, enrollment, video, clock=clock, settings=settings, start=30
    )
    assert outcome.lesson_state.status == LessonStatus.COMPLETED


async def test_spans_arriving_out_of_order_add_up(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an enrollment, when twelve 5 s spans arrive shuffled, each plausible in time
    enrollment = await assign(world)
    order = [0, 2, 1, 3, 5, 4, 6, 8, 7, 11, 9, 10]
    for index in order:
        clock.advance(5)
        outcome = await _report(
            world, enrollment, index * 5, index * 5 + 5, clock=clock, settings=settings
        )
    # then the union covers the video and it is complete
    assert outcome.lesson_state.status == LessonStatus.COMPLETED
    assert (await _video_row(enrollment, world)).watched_spans == [[0.0, 60.0]]


async def test_a_gap_in_the_middle_keeps_the_video_unfinished(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given the learner watched 0-20 s, skipped, and watched 40-60 s
    enrollment = await assign(world)
    video = world.course.video
    await watch(world.employee_x, enrollment, video, clock=clock, settings=settings, end=20)
    outcome = await watch(
        world.employee_x, enrollment, video, clock=clock, settings=settings, start=40
    )
    # then 40 s are covered, the video is not complete, and the gap is named
    assert outcome.lesson_state.status == LessonStatus.IN_PROGRESS
    assert outcome.lesson_state.covered_seconds == 40.0
    assert outcome.state.blockers[0].detail == "Watched 40 of 60 s; first gap at 00:20."


@pytest.mark.parametrize(
    ("end", "tolerance", "complete"),
    [
        (58.0, 2.0, True),
        (57.9, 2.0, False),
        (60.0, 0.0, True),
        (59.5, 0.0, False),
        (55.0, 5.0, True),
    ],
)
async def test_the_end_tolerance(
    world: World,
    clock: FakeClock,
    settings: Settings,
    end: float,
    tolerance: float,
    complete: bool,
) -> None:
    # given an end tolerance, when the learner stops at ``end`` of a 60 s video
    enrollment = await assign(world)
    outcome = await watch(
        world.employee_x,
        enrollment,
        world.course.video,
        clock=clock,
        settings=settings.replace(video_end_tolerance_seconds=tolerance),
        end=end,
    )
    # then the video is complete exactly when at most ``tolerance`` seconds are missing
    expected = LessonStatus.COMPLETED if complete else LessonStatus.IN_PROGRESS
    assert outcome.lesson_state.status == expected


async def test_a_span_past_the_end_is_clipped_to_the_duration(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given 55 s watched, when the player reports 55-70 s of a 60 s video
    enrollment = await assign(world)
    await watch(
        world.employee_x, enrollment, world.course.video, clock=clock, settings=settings, end=55
    )
    clock.advance(5)
    outcome = await _report(world, enrollment, 55, 70, clock=clock, settings=settings)
    # then only up to 60 s counts, and the video is complete
    row = await _video_row(enrollment, world)
    assert row.watched_spans == [[0.0, 60.0]]
    assert row.covered_seconds == 60.0
    assert outcome.lesson_state.status == LessonStatus.COMPLETED


async def test_a_first_report_beyond_the_slack_keeps_its_plausible_part(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given nothing watched, when the first report claims 6 s (slack is 5 s)
    enrollment = await assign(world)
    outcome = await _report(world, enrollment, 0, 6, clock=clock, settings=settings)
    # then the first 5 s are stored and the answer says 1 s was refused, for 0.5 s
    assert outcome.lesson_state.covered_seconds == 5.0
    assert outcome.note == progress.VideoReport(
        added_seconds=5.0,
        refused_seconds=1.0,
        accepted_to_second=5.0,
        claimable_seconds=0.0,
        retry_after_seconds=0.5,
    )
    # when the same span is sent again at once, then nothing fits: IMPLAUSIBLE_PROGRESS
    # with the figures to recover, and the row is unchanged
    before = await _video_row(enrollment, world)
    with pytest.raises(LLPError) as caught:
        await _report(world, enrollment, 0, 6, clock=clock, settings=settings)
    assert caught.value.code == "IMPLAUSIBLE_PROGRESS"
    assert caught.value.extensions() == {
        "code": "IMPLAUSIBLE_PROGRESS",
        "claimableSeconds": 0.0,
        "retryAfterSeconds": 0.5,
        # the first 5 s of the span are stored: the next report starts there
        "acceptedToSecond": 5.0,
    }
    after = await _video_row(enrollment, world)
    assert (after.watched_spans, after.updated_at) == (before.watched_spans, before.updated_at)
    # and after the time it was told, the rest is accepted
    clock.advance(0.5)
    outcome = await _report(world, enrollment, 0, 6, clock=clock, settings=settings)
    assert outcome.lesson_state.covered_seconds == 6.0


@pytest.mark.parametrize(
    ("wait", "end", "covered"), [(1, 13, 7.0), (1, 7, 7.0), (10, 25, 25.0), (10, 31, 25.0)]
)
async def test_covered_seconds_never_exceed_slack_plus_rate_times_time_since_the_first_report(
    world: World,
    clock: FakeClock,
    settings: Settings,
    wait: float,
    end: float,
    covered: float,
) -> None:
    # given 0-5 s accepted as the first report
    enrollment = await assign(world)
    await _report(world, enrollment, 0, 5, clock=clock, settings=settings)
    clock.advance(wait)
    # when ``wait`` seconds later a report claims 5..``end``
    outcome = await _report(world, enrollment, 5, end, clock=clock, settings=settings)
    # then with rate 2 and slack 5 the union holds at most 5 + 2 * wait seconds
    assert outcome.lesson_state.covered_seconds == covered
    row = await _video_row(enrollment, world)
    assert row.watched_spans == [[0.0, covered]]
    assert isinstance(outcome.note, progress.VideoReport)
    assert outcome.note.refused_seconds == end - covered
    assert outcome.note.accepted_to_second == covered


async def test_the_playing_from_here_report_starts_the_budget_and_covers_nothing(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a learner who pressed play: a report with toSecond == fromSecond
    enrollment = await assign(world)
    outcome = await _report(world, enrollment, 0, 0, clock=clock, settings=settings)
    assert outcome.lesson_state.covered_seconds == 0.0
    assert outcome.note == progress.VideoReport(0.0, 0.0, 0.0, 5.0, 0.0)
    # when 20 s later the first span of 20 s arrives (more than the slack alone)
    clock.advance(20)
    outcome = await _report(world, enrollment, 0, 20, clock=clock, settings=settings)
    # then all of it is accepted: the budget counts from the press of play
    assert outcome.lesson_state.covered_seconds == 20.0
    assert isinstance(outcome.note, progress.VideoReport)
    assert outcome.note.refused_seconds == 0.0
    # and a second "playing from here" does not restart the clock
    await _report(world, enrollment, 20, 20, clock=clock, settings=settings)
    row = await _video_row(enrollment, world)
    assert row.watch_started_at == clock.now - timedelta(seconds=20)


async def test_a_retried_report_is_harmless(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given 0-5 and 5-15 accepted
    enrollment = await assign(world)
    await _report(world, enrollment, 0, 5, clock=clock, settings=settings)
    clock.advance(5)
    await _report(world, enrollment, 5, 15, clock=clock, settings=settings)
    before = await _video_row(enrollment, world)
    # when 5-15 arrives again at once (longer than the slack alone would allow)
    outcome = await _report(world, enrollment, 5, 15, clock=clock, settings=settings)
    # then it is accepted and changes nothing, not even the time of the last report
    after = await _video_row(enrollment, world)
    assert outcome.lesson_state.covered_seconds == 15.0
    assert (after.watched_spans, after.last_report_at) == (
        before.watched_spans,
        before.last_report_at,
    )


async def test_reports_after_completion_change_nothing(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a completed video
    enrollment = await assign(world)
    await watch(
        world.employee_x, enrollment, world.course.video, clock=clock, settings=settings, end=59
    )
    before = await _video_row(enrollment, world)
    # when the learner watches the last second, or the whole video at once
    clock.advance(1)
    await _report(world, enrollment, 59, 60, clock=clock, settings=settings)
    await _report(world, enrollment, 0, 60, clock=clock, settings=settings)
    # then both are accepted and the row is unchanged
    after = await _video_row(enrollment, world)
    assert after.status == LessonStatus.COMPLETED
    assert (after.watched_spans, after.completed_at) == (before.watched_spans, before.completed_at)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (math.nan, 5, "fromSecond"),
        (0, math.nan, "toSecond"),
        (0, math.inf, "toSecond"),
        (-math.inf, 5, "fromSecond"),
        (-1, 5, "fromSecond"),
        (5, 3, "toSecond"),
        (5, 4.999, "toSecond"),
        (60, 61, "fromSecond"),
        (75, 80, "fromSecond"),
    ],
)
async def test_impossible_spans_are_validation_errors(
    world: World, clock: FakeClock, settings: Settings, start: float, end: float, field: str
) -> None:
    # given an enrollment, when a span is not a span of this video
    enrollment = await assign(world)
    with pytest.raises(LLPError) as caught:
        await _report(world, enrollment, start, end, clock=clock, settings=settings)
    # then VALIDATION names the field, and nothing is stored
    assert (caught.value.code, caught.value.field) == ("VALIDATION", field)
    assert await stored(enrollment) == (0, 0, 0)


async def test_concurrent_reports_lose_no_span(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given 0-5 s accepted long ago
    enrollment = await assign(world)
    await _report(world, enrollment, 0, 5, clock=clock, settings=settings)
    clock.advance(300)
    # when eight reports for different parts arrive at the same time
    await asyncio.gather(
        *(
            _report(world, enrollment, start, start + 5, clock=clock, settings=settings)
            for start in range(5, 45, 5)
        )
    )
    # then every one of them is in the union
    row = await _video_row(enrollment, world)
    assert row.watched_spans == [[0.0, 45.0]]
    assert row.covered_seconds == 45.0


# -- readings and activities ---------------------------------------------------------------


async def test_confirming_twice_changes_nothing(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given the video watched and the reading confirmed
    enrollment = await assign(world)
    await finish_before(world.employee_x, enrollment, 2, clock=clock, settings=settings)
    first = await progress.complete_lesson(
        world.employee_x, enrollment.id, world.course.reading.id, settings=settings, clock=clock
    )
    # when the learner confirms again later
    clock.advance(60)
    again = await progress.complete_lesson(
        world.employee_x, enrollment.id, world.course.reading.id, settings=settings, clock=clock
    )
    # then the same row, completed at the first confirmation
    assert first.progress is not None
    assert again.progress is not None
    assert again.progress.id == first.progress.id
    assert again.lesson_state.completed_at == first.lesson_state.completed_at
    assert await LessonProgress.filter(enrollment_id=enrollment.id).count() == 2
    assert again.state.progress_percent == 50.0
