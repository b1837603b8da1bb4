"""R11: watch-time cheating, and honest players that must never stall (DESIGN.md section 3).

A 600 s video, the default knobs (rate 2, slack 5 s, end tolerance 2 s), a fake
clock, the domain calls the API makes, on SQLite and (with LLP_TEST_DATABASE_URL)
on PostgreSQL, where the concurrent cheats really run in parallel on a pool.

Cheats keep sending whatever they like, as fast as they like; the fastest one
may not complete the video in less than D / rate - slack = 295 s of clock time
from its first report. Honest players play at 1x or 2x and follow the protocol
of ``recordVideoProgress`` (docs/video-protocol.md), with reports every 1 s, every
30 s, late, or naive (no "playing from here" first step); after playback ends a
player resends what was refused when the answer tells it to. A player is
stalled when its video is not complete 60 s after playback ended.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from llp_gql.domain import progress
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import ImplausibleProgress, LLPError
from llp_gql.models import Course, CourseStatus, Enrollment, EnrollmentSource, Lesson, LessonKind
from llp_gql.settings import Settings
from tests.factories import World

DURATION = 600.0
STALL_SECONDS = 60.0


@dataclass(frozen=True)
class Answer:
    report: progress.VideoReport | None  # None: nothing fitted (IMPLAUSIBLE_PROGRESS)
    complete: bool  # the video is complete (by this report or before)


Report = Callable[[float, float], Awaitable[Answer]]


@dataclass
class Player:
    """A learner's enrollment in a one-video course, and a way to report on it."""

    clock: FakeClock
    report: Report


@pytest.fixture
async def player(world: World, clock: FakeClock, settings: Settings) -> Player:
    course = await Course.create(title="Long video", status=CourseStatus.PUBLISHED)
    lesson = await Lesson.create(
        course=course,
        position=1,
        kind=LessonKind.VIDEO,
        title="Ten minutes",
        duration_seconds=DURATION,
    )
    enrollment = await Enrollment.create(
        learner=world.individual_a, course=course, source=EnrollmentSource.SELF
    )

    async def report(start: float, end: float) -> Answer:
        try:
            outcome = await progress.record_video_progress(
                world.individual_a,
                enrollment.id,
                lesson.id,
                start,
                end,
                settings=settings,
                clock=clock,
            )
        except ImplausibleProgress:
            return Answer(None, False)
        assert outcome.note is None or isinstance(outcome.note, progress.VideoReport)
        return Answer(outcome.note, outcome.lesson_state.completed_at is not None)

    return Player(clock, report)


def bound(settings: Settings) -> float:
    return DURATION / settings.video_max_playback_rate - settings.video_slack_seconds


async def _cheat_until_complete(
    player: Player, step: float, round_: Callable[[int], Awaitable[list[Answer]]]
) -> float:
    """Run rounds ``step`` clock seconds apart until the video completes; its clock time."""
    start = player.clock.now
    for number in range(20_000):
        answers = await round_(number)
        if any(answer.complete for answer in answers):
            return (player.clock.now - start).total_seconds()
        player.clock.advance(step)
    raise AssertionError("the cheat never completed")


CHEATS = ["concurrent", "back_to_back", "overlapping", "out_of_order", "start_then_dump"]


@pytest.mark.parametrize("cheat", CHEATS)
async def test_no_cheat_completes_before_duration_over_rate_minus_slack(
    player: Player, settings: Settings, cheat: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(cheat)
    chunks = [(float(s), float(s + 5)) for s in range(0, int(DURATION), 5)]

    async def concurrent(number: int) -> list[Answer]:
        # 10 reports at once, each claiming a different minute of the video
        return list(
            await asyncio.gather(*(player.report(60.0 * i, 60.0 * i + 60) for i in range(10)))
        )

    async def back_to_back(number: int) -> list[Answer]:
        # 5 s spans in turn, 0.2 s apart: 25 times faster than the video plays
        start = 5.0 * (number % len(chunks))
        return [await player.report(start, start + 5)]

    async def overlapping(number: int) -> list[Answer]:
        start = (10.0 * number) % (DURATION - 20)  # 0, 10, ... 570: every part
        return [await player.report(start, start + 30)]

    async def out_of_order(number: int) -> list[Answer]:
        a, b = rng.choice(chunks)
        return [await player.report(a, b)]

    async def start_then_dump(number: int) -> list[Answer]:
        return [await player.report(0, 0 if number == 0 else DURATION)]

    rounds = {
        "concurrent": (2.0, concurrent),
        "back_to_back": (0.2, back_to_back),
        "overlapping": (0.5, overlapping),
        "out_of_order": (0.5, out_of_order),
        "start_then_dump": (1.0, start_then_dump),
    }
    step, round_ = rounds[cheat]
    # when the cheat reports until the video is complete
    seconds = await _cheat_until_complete(player, step, round_)
    ratio = seconds / bound(settings)
    with capsys.disabled():
        print(f"\nR11 cheat {cheat}: completed after {seconds:.2f} s, ratio {ratio:.3f}")
    # then never faster than D / rate - slack
    assert ratio >= 1.0


@dataclass(frozen=True)
class Honest:
    rate: float  # playback rate
    every: float  # seconds of clock time between reports
    announce: bool = True  # sends the "playing from here" report first (the protocol)
    start_delay: float = 0.0  # the first report reaches the server this late
    lag: float = 0.0  # every later report reaches it this late


HONEST = {
    "1x every 1 s": Honest(1, 1),
    "2x every 1 s": Honest(2, 1),
    "1x every 30 s": Honest(1, 30),
    "2x every 30 s (one chunk at the end of each)": Honest(2, 30),
    "2x every 10 s, first report 3 s late": Honest(2, 10, start_delay=3),
    "2x every 5 s, every report 10 s late": Honest(2, 5, lag=10),
    "naive 1x, first report after 6 s": Honest(1, 6, announce=False),
    "naive 2x every 30 s": Honest(2, 30, announce=False),
    "naive 2x every 1 s": Honest(2, 1, announce=False),
}


@pytest.mark.parametrize("name", list(HONEST))
async def test_honest_players_following_the_answers_never_stall(
    player: Player, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    honest = HONEST[name]
    played_until = DURATION / honest.rate
    base = player.clock.now

    async def send(t: float, start: float, end: float) -> Answer:
        """A report made at ``t`` seconds after play, reaching the server late or not."""
        delay = honest.start_delay if t == 0 else honest.lag
        player.clock.now = base + timedelta(seconds=t + delay)
        return await player.report(start, end)

    # given a player that started playing at t = 0 (and said so, when it follows the protocol)
    if honest.announce:
        assert (await send(0, 0, 0)).report is not None
    acked = 0.0  # the protocol's resume point: acceptedToSecond of the last answer
    t = honest.every
    # when it reports every ``every`` seconds while playing, then resends what was
    # refused when the answer says it fits
    while True:
        assert t <= played_until + STALL_SECONDS, f"{name}: stalled at {acked:.1f} s"
        position = min(DURATION, honest.rate * t)
        answer = await send(t, acked, position)
        if answer.complete:
            break
        if answer.report is None:  # nothing fitted: try again a second later
            t += 1
            continue
        acked = answer.report.accepted_to_second
        if position < DURATION:
            t = min(t + honest.every, played_until)
        else:
            t += max(0.5, answer.report.retry_after_seconds)
    late = max(0.0, t - played_until)
    with capsys.disabled():
        print(f"\nR11 honest {name}: complete {late:.1f} s after playback ended")
    # then it completes within a minute of the end of playback: never stalled
    assert late <= STALL_SECONDS


async def test_a_report_claiming_more_than_the_budget_never_stores_beyond_it(
    player: Player, settings: Settings
) -> None:
    # given a player that pressed play, at any moment of a cheat's 0..600 claims
    await player.report(0, 0)
    for second in range(0, 280, 7):
        player.clock.advance(7)
        answer = (await player.report(0, DURATION)).report
        # then the covered seconds equal the budget exactly, never more
        assert answer is not None
        budget = settings.video_slack_seconds + 2 * (second + 7)
        assert answer.accepted_to_second == pytest.approx(min(budget, DURATION))
        assert answer.claimable_seconds == pytest.approx(0.0, abs=1e-6)


async def test_locked_and_invalid_reports_do_not_start_the_budget(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a course "video 1, video 2": video 2 is locked
    course = await Course.create(title="Two videos", status=CourseStatus.PUBLISHED)
    first, second = [
        await Lesson.create(
            course=course,
            position=p,
            kind=LessonKind.VIDEO,
            title=f"V{p}",
            duration_seconds=60.0,
        )
        for p in (1, 2)
    ]
    enrollment = await Enrollment.create(
        learner=world.individual_a, course=course, source=EnrollmentSource.SELF
    )
    # when the cheat "presses play" on video 2 long before it is unlocked
    with pytest.raises(LLPError) as caught:
        await progress.record_video_progress(
            world.individual_a, enrollment.id, second.id, 0, 0, settings=settings, clock=clock
        )
    assert caught.value.code == "LESSON_LOCKED"
    # and watches video 1 honestly, then dumps video 2 at once
    await progress.record_video_progress(
        world.individual_a, enrollment.id, first.id, 0, 0, settings=settings, clock=clock
    )
    clock.advance(30)
    await progress.record_video_progress(
        world.individual_a, enrollment.id, first.id, 0, 60, settings=settings, clock=clock
    )
    outcome = await progress.record_video_progress(
        world.individual_a, enrollment.id, second.id, 0, 60, settings=settings, clock=clock
    )
    # then video 2's budget started only now: the slack alone
    assert outcome.lesson_state.covered_seconds == settings.video_slack_seconds
