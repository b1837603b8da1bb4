"""The lesson player over HTTP: readings, quizzes, the video endpoint, and refusals."""

from __future__ import annotations

import re

import httpx
import pytest

from llp_gql.domain import enrollments
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Enrollment, LessonProgress, LessonStatus, QuizAttempt
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.domain import assign, finish_before
from tests.factories import World


async def _enrolled(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> tuple[Enrollment, str]:
    enrollment = await enrollments.enroll_self(world.individual_a, world.course.course.id)
    token = await log_in(client, world.individual_a, settings)
    return enrollment, token


def lesson_path(enrollment: Enrollment, lesson_id: int) -> str:
    return f"/learn/enrollments/{enrollment.id}/lessons/{lesson_id}"


async def _watch(
    client: httpx.AsyncClient, path: str, token: str, clock: FakeClock, end: float
) -> dict[str, object]:
    """Report the video as an honest player at 1x would, every 5 s."""
    answer: dict[str, object] = {}
    position = 0.0
    response = await client.post(
        path + "/video",
        data={"from_second": "0", "to_second": "0"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.text
    while position < end:
        stop = min(position + 5.0, end)
        clock.advance(stop - position)
        response = await client.post(
            path + "/video",
            data={"from_second": str(position), "to_second": str(stop)},
            headers={"X-CSRF-Token": token},
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        position = float(str(answer["acceptedToSecond"]))
    return answer


async def test_a_locked_lesson_says_why_and_cannot_be_completed(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    # given a fresh enrollment: the reading is locked behind the video
    enrollment, token = await _enrolled(client, settings, world)
    path = lesson_path(enrollment, world.course.reading.id)
    page = await client.get(path)
    assert "This lesson is locked" in page.text
    assert "Locked until &#39;Welcome video&#39; is complete." in page.text
    assert "I have read this" not in page.text
    # when it is confirmed anyway, then LESSON_LOCKED in words, and nothing is stored
    response = await client.post(path + "/confirm", data={"csrf_token": token})
    assert response.status_code == 409
    assert "locked" in response.text.lower()
    assert not await LessonProgress.exists(enrollment_id=enrollment.id)
    # and a locked quiz takes no attempt, even with every answer right
    right: dict[str, str | list[str]] = {"csrf_token": token}
    for question_id, choice_ids in world.course.correct.items():
        right[f"q{question_id}"] = [str(c) for c in choice_ids]
    quiz = await client.post(lesson_path(enrollment, world.course.quiz.id) + "/quiz", data=right)
    assert quiz.status_code == 409
    assert "locked" in quiz.text.lower()
    assert not await QuizAttempt.exists()


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    enrollment, _token = await _enrolled(client, settings, world)
    path = lesson_path(enrollment, world.course.video.id)
    for url, data in (
        (path + "/video", {"from_second": "0", "to_second": "0"}),
        ("/learn/enroll", {"course_id": str(world.course.course.id)}),
        ("/learn/signout", {}),
        ("/learn/account/signout-everywhere", {}),
    ):
        response = await client.post(url, data=data)
        assert response.status_code == 403, url
        assert "expired or did not come from this site" in response.text
        wrong = await client.post(url, data={**data, "csrf_token": "0" * 64})
        assert wrong.status_code == 403, url
    assert not await LessonProgress.exists(enrollment_id=enrollment.id)
    assert (await client.get("/learn/")).status_code == 200  # still signed in


async def test_video_reports_follow_the_protocol_and_complete_the_lesson(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    enrollment, token = await _enrolled(client, settings, world)
    path = lesson_path(enrollment, world.course.video.id)
    page = await client.get(path)
    assert "data-player" in page.text
    assert f'data-report-url="{path}/video"' in page.text
    # the lesson's video is on another origin: the page's policy allows exactly that one
    assert "media-src 'self' https://videos.example" in page.headers["content-security-policy"]
    # when the learner watches 20 s, leaves, and comes back: the player resumes there
    response = await client.post(
        path + "/video",
        data={"from_second": "0", "to_second": "0"},
        headers={"X-CSRF-Token": token},
    )
    assert response.json()["addedSeconds"] == 0
    clock.advance(20)
    response = await client.post(
        path + "/video",
        data={"from_second": "0", "to_second": "20"},
        headers={"X-CSRF-Token": token},
    )
    assert response.json()["acceptedToSecond"] == 20
    assert response.json()["lessonCompleted"] is False
    page = await client.get(path)
    assert 'data-resume="20.0"' in page.text
    mine = await client.get(f"/learn/enrollments/{enrollment.id}")
    assert (
        "Part of the video is still to watch: watched 20 of 60 s; first gap at 00:20." in mine.text
    )
    # when it reports the rest, then the lesson completes and the reading opens
    answer = await _watch(client, path, token, clock, 60.0)
    assert answer["lessonCompleted"] is True
    reading = await client.get(lesson_path(enrollment, world.course.reading.id))
    assert "I have read this" in reading.text


async def test_a_report_ahead_of_the_budget_is_refused_with_when_to_retry(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    enrollment, token = await _enrolled(client, settings, world)
    path = lesson_path(enrollment, world.course.video.id)
    # a first report of 40 s at once: the first 5 s (the slack) are kept
    first = await client.post(
        path + "/video",
        data={"from_second": "0", "to_second": "40"},
        headers={"X-CSRF-Token": token},
    )
    body = first.json()
    assert body["acceptedToSecond"] == 5
    assert body["refusedSeconds"] == 35
    assert body["retryAfterSeconds"] > 0
    # the same again at once: nothing fits, IMPLAUSIBLE_PROGRESS with the figures
    again = await client.post(
        path + "/video",
        data={"from_second": "5", "to_second": "40"},
        headers={"X-CSRF-Token": token},
    )
    assert again.status_code == 422
    assert again.json()["code"] == "IMPLAUSIBLE_PROGRESS"
    assert again.json()["retryAfterSeconds"] > 0
    assert again.json()["acceptedToSecond"] == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"from_second": "abc", "to_second": "1"}, "could not be read"),
        ({"from_second": "nan", "to_second": "1"}, "out of range"),
        ({"from_second": "-1", "to_second": "1"}, "out of range"),
        ({"from_second": "10", "to_second": "5"}, "toSecond may not be before fromSecond"),
        ({"to_second": "5"}, "could not be read"),
    ],
)
async def test_bad_video_reports_get_a_clear_answer_and_store_nothing(
    client: httpx.AsyncClient, settings: Settings, world: World, data: dict[str, str], message: str
) -> None:
    enrollment, token = await _enrolled(client, settings, world)
    path = lesson_path(enrollment, world.course.video.id)
    response = await client.post(path + "/video", data=data, headers={"X-CSRF-Token": token})
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION"
    assert message in response.json()["message"]
    assert not await LessonProgress.exists(enrollment_id=enrollment.id)


async def _to_the_quiz(
    client: httpx.AsyncClient, token: str, enrollment: Enrollment, world: World, clock: FakeClock
) -> str:
    await _watch(client, lesson_path(enrollment, world.course.video.id), token, clock, 60.0)
    for lesson in (world.course.reading, world.course.activity):
        response = await client.post(
            lesson_path(enrollment, lesson.id) + "/confirm", data={"csrf_token": token}
        )
        assert response.status_code == 303
    return lesson_path(enrollment, world.course.quiz.id)


async def test_quiz_shows_its_terms_first_then_the_result_and_the_certificate(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    enrollment, token = await _enrolled(client, settings, world)
    path = await _to_the_quiz(client, token, enrollment, world, clock)
    # before starting: questions, pass mark and attempts left
    summary = await client.get(path)
    facts = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary.text))
    assert "Questions 2" in facts
    assert "Pass mark 50%" in facts
    assert "Attempts left 2" in facts
    form = await client.get(path + "/quiz")
    assert "Pick the good habits" in form.text
    assert "correct" not in form.text.lower()  # no answer key in the page
    # a wrong attempt: the result and what to do next
    q1, q2 = world.course.questions
    wrong = {
        "csrf_token": token,
        f"q{q1.id}": str(world.course.wrong[q1.id][0]),
        f"q{q2.id}": str(world.course.wrong[q2.id][0]),
    }
    failed = await client.post(path + "/quiz", data=wrong)
    assert failed.status_code == 200
    assert "Not passed yet" in failed.text
    assert "You have 1 attempt left." in failed.text
    assert "Try again" in failed.text
    # the right answers: passed, and the course's certificate shows at once
    right: dict[str, str | list[str]] = {"csrf_token": token}
    for q in (q1, q2):
        right[f"q{q.id}"] = [str(c) for c in world.course.correct[q.id]]
    passed = await client.post(path + "/quiz", data=right)
    assert "Passed" in passed.text
    assert "Course completed" in passed.text
    assert "Download your certificate (PDF)" in passed.text
    # an individual's own certificate: LinkedIn's add-to-profile link, encoded
    assert "Add to LinkedIn" in passed.text
    assert (
        'href="https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name='
        in passed.text
    )


async def test_an_employee_gets_no_linkedin_link(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    # given an employee who completed an assigned course (the company keeps the certificate)
    enrollment = await assign(world)
    _ = await finish_before(world.employee_x, enrollment, 99, clock=clock, settings=settings)
    _ = await log_in(client, world.employee_x, settings)
    page = await client.get("/learn/")
    assert "your company keeps your certificate" in page.text
    assert "linkedin" not in page.text.lower()


async def test_a_quiz_with_an_unanswered_question_says_which_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    enrollment, token = await _enrolled(client, settings, world)
    path = await _to_the_quiz(client, token, enrollment, world, clock)
    q1, q2 = world.course.questions
    for data in (
        {"csrf_token": token, f"q{q1.id}": str(world.course.correct[q1.id][0])},
        {"csrf_token": token, f"q{q1.id}": "x", f"q{q2.id}": "1"},
    ):
        response = await client.post(path + "/quiz", data=data)
        assert response.status_code == 422
        assert 'role="alert"' in response.text
    assert "Pick the good habits" in response.text  # the form is shown again
    first = await client.post(path + "/quiz", data={"csrf_token": token, f"q{q1.id}": "1"})
    assert "“Pick the good habits” has no answer" in first.text
    # a choice of another question is the domain's refusal, in words
    foreign = await client.post(
        path + "/quiz",
        data={
            "csrf_token": token,
            f"q{q1.id}": str(world.course.correct[q2.id][0]),
            f"q{q2.id}": str(world.course.correct[q2.id][0]),
        },
    )
    assert foreign.status_code == 400
    assert "An answer picks a choice of another question." in foreign.text
    assert not await QuizAttempt.exists()
    row = await LessonProgress.get_or_none(
        enrollment_id=enrollment.id, lesson_id=world.course.quiz.id
    )
    assert row is None or (row.attempts_used == 0 and row.status != LessonStatus.COMPLETED)


async def test_readings_confirm_through_htmx_with_the_panel_alone(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    enrollment, token = await _enrolled(client, settings, world)
    await _watch(client, lesson_path(enrollment, world.course.video.id), token, clock, 60.0)
    path = lesson_path(enrollment, world.course.reading.id)
    page = await client.get(path)
    assert f'hx-post="{path}/confirm"' in page.text
    response = await client.post(
        path + "/confirm",
        data={"csrf_token": token},
        headers={"HX-Request": "true"},
        follow_redirects=True,
    )
    assert "<html" not in response.text
    assert 'id="lesson-panel"' in response.text
    assert "Next lesson" in response.text


@pytest.mark.parametrize(
    ("watched", "resume"),
    [
        ([], 0.0),
        ([[0.0, 20.0]], 20.0),
        ([[0.04, 20.0], [30.0, 40.0]], 20.0),  # playback began a few frames in
        ([[10.0, 20.0]], 0.0),  # the opening is still to watch
    ],
)
def test_players_resume_after_the_opening_span(watched: list[list[float]], resume: float) -> None:
    from llp_gql.domain.learning_pages import resume_second

    assert resume_second(watched, 2.0) == resume
