"""Every learner page over HTTP: what it shows, in words, to whom; and its refusals."""

from __future__ import annotations

import re

import httpx
import pytest

from llp_gql.domain import enrollments
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Enrollment, LessonKind
from llp_gql.settings import Settings
from tests.admin_ui import complete_course, log_in
from tests.factories import World

HX = {"HX-Request": "true"}
CODES = re.compile(
    r"\b(NOT_STARTED|IN_PROGRESS|VIDEO_UNFINISHED|READING_NOT_CONFIRMED|"
    r"ACTIVITY_NOT_DONE|QUIZ_NOT_PASSED|QUIZ_ATTEMPTS_EXHAUSTED|LOCKED|AVAILABLE)\b"
)


def visible(html: str) -> str:
    """The page's text without tags and attribute values (class names may hold codes)."""
    return re.sub(r"<[^>]+>", " ", html)


async def test_anonymous_visitors_are_sent_to_sign_in_and_htmx_gets_a_redirect_header(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/learn/", "/learn/catalogue", "/learn/enrollments/1", "/learn/account"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/learn/signin?next=")
    partial = await client.get("/learn/catalogue", headers=HX)
    assert partial.status_code == 204
    assert partial.headers["hx-redirect"].startswith("/learn/signin")


async def test_my_learning_shows_status_progress_and_blockers_in_words(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    # given an employee with an assigned course, not started
    _ = await enrollments.assign_course(
        world.admin_x, world.course.course.id, [world.employee_x.id]
    )
    _ = await log_in(client, world.employee_x, settings)
    # when they open My learning
    page = await client.get("/learn/")
    # then the course, its status and what is missing read as words, never as codes
    assert page.status_code == 200
    assert "Leading Teams" in page.text
    assert "Not started" in page.text
    assert "Not started yet: watch the whole video (60 s)." in page.text
    assert "3 more lessons after that." in page.text
    assert CODES.findall(visible(page.text)) == []
    assert '<progress max="100" value="0.0"' in page.text


async def test_catalogue_lets_individuals_enroll_and_employees_only_look(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    token = await log_in(client, world.individual_a, settings)
    page = await client.get("/learn/catalogue")
    assert "Leading Teams" in page.text
    assert "Enroll" in page.text
    assert world.draft.title not in page.text  # drafts are not in the catalogue
    # when they enroll, then they land on the course with its lessons
    response = await client.post(
        "/learn/enroll", data={"csrf_token": token, "course_id": str(world.course.course.id)}
    )
    assert response.status_code == 303
    enrollment = await Enrollment.get(learner_id=world.individual_a.id)
    assert response.headers["location"] == f"/learn/enrollments/{enrollment.id}?done=enrolled"
    course = await client.get(response.headers["location"])
    assert "You are enrolled" in course.text
    assert "Welcome video" in course.text
    assert "Locked until &#39;Welcome video&#39; is complete." in course.text
    # an employee sees the catalogue without an Enroll button, and may not enroll
    client.cookies.clear()
    token = await log_in(client, world.employee_x, settings)
    page = await client.get("/learn/catalogue")
    assert "Your company assigns your courses" in page.text
    assert 'action="/learn/enroll"' not in page.text
    refused = await client.post(
        "/learn/enroll", data={"csrf_token": token, "course_id": str(world.course.course.id)}
    )
    assert refused.status_code == 403
    assert "Employees are enrolled by their company admin." in refused.text
    assert not await Enrollment.exists(learner_id=world.employee_x.id)


@pytest.mark.parametrize("course_id", ["", "abc", "99999999999999", "-1"])
async def test_enrolling_with_bad_input_says_so_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, world: World, course_id: str
) -> None:
    token = await log_in(client, world.individual_a, settings)
    response = await client.post(
        "/learn/enroll", data={"csrf_token": token, "course_id": course_id}
    )
    assert response.status_code == 400
    assert "Choose a course to enroll in." in response.text
    assert not await Enrollment.exists(learner_id=world.individual_a.id)


async def test_another_learners_enrollment_is_not_found_like_a_missing_one(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    # given individual B's enrollment
    theirs = await enrollments.enroll_self(world.individual_b, world.course.course.id)
    lesson = world.course.video.id
    token = await log_in(client, world.individual_a, settings)
    # when A asks for it (pages and the progress endpoints), then 404 as for a missing id
    for path in (
        f"/learn/enrollments/{theirs.id}",
        f"/learn/enrollments/{theirs.id}/lessons/{lesson}",
        f"/learn/enrollments/{theirs.id}/lessons/{world.course.quiz.id}/quiz",
        "/learn/enrollments/999999",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "There is nothing here, or it is not yours to see." in response.text
    video = await client.post(
        f"/learn/enrollments/{theirs.id}/lessons/{lesson}/video",
        data={"from_second": "0", "to_second": "0"},
        headers={"X-CSRF-Token": token},
    )
    assert video.status_code == 404
    assert video.json()["code"] == "NOT_FOUND"


async def test_staff_are_sent_to_the_admin_area(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    _ = await log_in(client, world.staff, settings)
    response = await client.get("/learn/")
    assert response.status_code == 403
    assert "staff work in the admin area" in response.text


async def test_completed_course_individual_downloads_and_shares_employee_does_not(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    # given an individual and an employee who both completed the course
    own = await enrollments.enroll_self(world.individual_a, world.course.course.id)
    await complete_course(world.individual_a, own, settings=settings, clock=clock)
    [assigned] = await enrollments.assign_course(
        world.admin_x, world.course.course.id, [world.employee_x.id]
    )
    await complete_course(world.employee_x, assigned, settings=settings, clock=clock)
    # the individual: a download link, a verify link to share
    _ = await log_in(client, world.individual_a, settings)
    page = await client.get("/learn/")
    assert "Course completed" in page.text
    link = re.search(r'href="(/learn/certificates/\d+/download)"', page.text)
    assert link
    assert "https://llp.example/verify/" in page.text
    download = await client.get(link.group(1))
    assert download.status_code == 303
    assert download.headers["location"].startswith("https://llp.example/certificates/")
    # and, next to it, the Open Badges credential by a link signed for it
    credential = re.search(r'href="(/learn/certificates/\d+/credential)"', page.text)
    assert credential
    assert "Download credential" in page.text
    signed = await client.get(credential.group(1))
    assert signed.status_code == 303
    target = signed.headers["location"].removeprefix("https://llp.example")
    assert target.startswith("/certificates/")
    assert "/credential.json?token=" in target
    fetched = await client.get(target)
    assert fetched.status_code == 200
    assert fetched.json()["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    # the employee: completed, kept by the company, no download and no code
    client.cookies.clear()
    _ = await log_in(client, world.employee_x, settings)
    page = await client.get(f"/learn/enrollments/{assigned.id}")
    assert "your company keeps your certificate" in page.text
    assert "/download" not in page.text
    assert "/credential" not in page.text
    assert "/verify/" not in page.text
    cert = re.search(r"/learn/certificates/(\d+)/download", link.group(1))
    assert cert
    # and asking for a download of their own certificate is refused
    from llp_gql.models import Certificate

    mine = await Certificate.get(enrollment_id=assigned.id)
    refused = await client.get(f"/learn/certificates/{mine.id}/download")
    assert refused.status_code == 403
    refused = await client.get(f"/learn/certificates/{mine.id}/credential")
    assert refused.status_code == 403
    # someone else's certificate is not found
    other = await client.get(f"/learn/certificates/{cert.group(1)}/download")
    assert other.status_code == 404


async def test_htmx_requests_get_the_content_block_alone(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    _ = await log_in(client, world.individual_a, settings)
    full = await client.get("/learn/catalogue")
    partial = await client.get("/learn/catalogue", headers=HX)
    assert full.text.startswith("<!doctype html>")
    assert "<html" not in partial.text
    assert "Leading Teams" in partial.text
    for response in (full, partial):
        assert response.headers["vary"] == "HX-Request"
        assert response.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_fonts_and_static_files_are_served(client: httpx.AsyncClient) -> None:
    css = await client.get("/learn/fonts/faces.css")
    assert css.status_code == 200
    assert "unicode-range" in css.text
    names = re.findall(r'url\("([^"/]+\.ttf)"\)', css.text)
    assert len(names) >= 10
    for name in names:
        font = await client.get(f"/learn/fonts/{name}")
        assert font.status_code == 200, name
    for name in ("htmx.min.js", "player.js", "learner.css", "media/sample.webm"):
        assert (await client.get(f"/learn/static/{name}")).status_code == 200, name


async def test_unknown_learn_paths_get_our_404_page(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    _ = await log_in(client, world.individual_a, settings)
    response = await client.get("/learn/nothing/here")
    assert response.status_code == 404
    assert "<main" in response.text


def test_every_lesson_kind_has_words() -> None:
    from llp_gql import words

    for kind in LessonKind:
        assert words.lesson_kind(kind) != kind.value
