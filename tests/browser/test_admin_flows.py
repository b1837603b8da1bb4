"""The admin UI in a real browser (Debian's chromium through Playwright).

An admin logs in, invites an employee, assigns a course, watches the matrix turn
COMPLETED once the employee has made progress, and downloads the certificate PDF;
staff build and publish a course with a quiz. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from llp_gql.domain.clock import FakeClock, utcnow
from llp_gql.models import Enrollment, User
from tests.admin_ui import complete_course
from tests.browser.conftest import LiveServer, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page: Any, server: LiveServer, email: str) -> None:
    page.goto(f"{server.base_url}/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def nav(page: Any, name: str) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def test_login_page_refuses_a_wrong_password_with_one_message(
    page: Any, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.base_url}/admin/login")
    screenshot(page, "login", full_page=False)
    page.get_by_label("Email").fill("admin@acme.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "The email or password is not correct."
    assert page.get_by_label("Email").input_value() == "admin@acme.example"


def test_an_admin_takes_a_new_employee_from_hiring_to_certificate(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    # given the admin of Acme, logged in: the dashboard opens
    log_in(page, live_server, "admin@acme.example")
    assert page.url.endswith("/admin/dashboard")
    assert page.get_by_role("heading", name="Acme Corp").is_visible()

    # when they add an employee (a mistake first: the form says what is wrong)
    nav(page, "Employees").click()
    page.get_by_role("link", name="Invite employee").click()
    page.get_by_label("Full name").fill("Paula Browser")
    page.get_by_label("Email").fill("paula@acme")
    page.get_by_role("button", name="Send invitation").click()
    assert page.locator("#f-email-err").is_visible()
    page.get_by_label("Email").fill("paula@acme.example")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_role("status").inner_text().startswith("The invitation was sent")
    assert page.get_by_role("heading", name="Paula Browser").is_visible()

    # and search-as-you-type finds her without a page load
    nav(page, "Employees").click()
    page.get_by_label("Search by name or email").press_sequentially("paula", delay=30)
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 1")
    assert "paula@acme.example" in page.locator("#results").inner_text()
    assert "q=paula" in page.url

    # and assign her the course
    nav(page, "Assign courses").click()
    page.get_by_label("Course").select_option(label="Leading Teams")
    # the list refreshes (htmx) to mark who already has the course
    page.locator("#people .badge", has_text="Already assigned").first.wait_for()
    page.get_by_label(re.compile("Paula Browser")).check()
    page.get_by_role("button", name="Assign course").click()
    assert page.url.endswith("/admin/progress?done=assigned")
    paula_row = page.locator("tr", has_text="paula@acme.example")
    assert paula_row.locator(".cell-link").first.get_attribute("data-status") == "NOT_STARTED"

    # then, once she has worked through every lesson (through the domain) ...
    async def make_progress() -> int:
        learner = await User.get(email="paula@acme.example")
        enrollment = await Enrollment.get(learner_id=learner.id)
        await complete_course(
            learner, enrollment, settings=live_server.settings, clock=FakeClock(utcnow())
        )
        return enrollment.id

    enrollment_id = live_server.run(make_progress)

    # ... the matrix shows COMPLETED after a reload
    page.reload()
    cell = page.locator("tr", has_text="paula@acme.example").locator(".cell-link").first
    assert cell.get_attribute("data-status") == "COMPLETED"

    # and the cell opens lessons, blockers and certificate in the side panel (htmx)
    other = page.locator("tr", has_text="ed@acme.example").locator(".cell-link").first
    other.click()
    panel = page.locator("#panel")
    panel.get_by_text("Lessons and blockers").wait_for()
    assert panel.locator(".blocker").count() == 2  # what is missing, lesson by lesson
    assert "Locked until 'The feedback model' is complete." in panel.inner_text()
    screenshot(page, "matrix")
    cell.click()
    panel.get_by_role("link", name="Download certificate (PDF)").wait_for()
    assert page.url.endswith("/admin/progress?done=assigned")  # no page load

    # and the admin downloads the certificate: a real PDF arrives
    with page.expect_download() as download_info:
        panel.get_by_role("link", name="Download certificate (PDF)").click()
    download = download_info.value
    target = tmp_path / "certificate.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename.startswith("certificate-")

    # and the dashboard counts it among this month's certificates
    nav(page, "Dashboard").click()
    month = page.locator(".stat", has_text="Certificates this month").locator(".value")
    assert int(month.inner_text()) >= 1
    screenshot(page, "dashboard")

    # and exports the company's certificates of that course as one ZIP
    nav(page, "Export").click()
    page.get_by_label("Course").select_option(label="Leading Teams")
    page.get_by_role("heading", name=re.compile(r"\d+ certificates? selected")).wait_for()
    assert "Paula Browser" in page.locator("#selection").inner_text()
    with page.expect_download() as zip_info:
        page.get_by_role("link", name="Download ZIP").click()
    archive = tmp_path / "export.zip"
    zip_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    assert any(name.endswith(".csv") for name in names)
    assert sum(name.endswith(".pdf") for name in names) >= 2
    assert enrollment_id


def test_staff_build_and_publish_a_course_with_a_quiz(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "staff@llp.example")
    assert page.url.endswith("/admin/staff/courses")

    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title").fill("Coaching Conversations")
    page.get_by_label("Description").fill("Ask, listen, agree the next step.")
    page.get_by_role("button", name="Create draft").click()
    assert page.get_by_role("status").inner_text().startswith("The draft course was created")

    # a video lesson
    page.get_by_label("Lesson title").fill("Why coaching works")
    page.get_by_label("Length in seconds").fill("90")
    page.get_by_label("Video address").fill("https://videos.example/coaching.mp4")
    page.get_by_role("button", name="Add video lesson").click()
    assert page.get_by_role("status").inner_text() == "The lesson was added."

    # a quiz, chosen through the htmx tabs; one question forgets its correct choice first
    page.locator("#add-lesson").get_by_role("link", name="Quiz").click()
    page.get_by_role("button", name="Add quiz lesson").wait_for()
    page.get_by_label("Lesson title").fill("Coaching check")
    page.get_by_label("Pass mark (%)").fill("50")
    page.get_by_label("Question 1", exact=True).fill("What comes first?")
    page.get_by_role("textbox", name="Question 1, choice 1").fill("A question")
    page.get_by_role("textbox", name="Question 1, choice 2").fill("Advice")
    # more rows keep what was typed (the button posts the form; nothing is stored yet)
    page.get_by_role("button", name="More question rows").click()
    page.get_by_label("Question 5", exact=True).wait_for()
    assert page.get_by_label("Question 1", exact=True).input_value() == "What comes first?"
    assert page.get_by_label("Lesson title").input_value() == "Coaching check"
    page.get_by_role("button", name="Add quiz lesson").click()
    assert "needs at least one correct choice" in page.locator("#f-questions-err").inner_text()
    assert page.get_by_label("Question 1", exact=True).input_value() == "What comes first?"
    page.get_by_role("checkbox", name="Correct (question 1, choice 1)").check()
    page.get_by_label("Question 2", exact=True).fill("Good habits?")
    page.get_by_role("textbox", name="Question 2, choice 1").fill("Listening")
    page.get_by_role("checkbox", name="Correct (question 2, choice 1)").check()
    page.get_by_role("textbox", name="Question 2, choice 2").fill("Interrupting")
    page.get_by_role("textbox", name="Question 2, choice 3").fill("Summarising")
    page.get_by_role("checkbox", name="Correct (question 2, choice 3)").check()
    page.get_by_role("button", name="Add quiz lesson").click()
    assert page.get_by_role("status").inner_text() == "The lesson was added."
    lessons = page.locator("ol.lessons > li")
    assert lessons.count() == 2
    assert "(several answers)" in lessons.nth(1).inner_text()
    screenshot(page, "course-editor")

    # the preview shows the quiz as a learner sees it, without the answers
    page.get_by_role("link", name="Preview").click()
    assert page.get_by_text("What comes first?").is_visible()
    assert "✓" not in page.locator("main").inner_text()
    page.get_by_role("link", name="Back to the editor").click()

    # a draft's lessons move: the quiz goes first, then back
    page.get_by_role("button", name="Move “Coaching check” up").click()
    assert page.locator("ol.lessons > li").first.inner_text().find("Coaching check") >= 0
    page.get_by_role("button", name="Move “Coaching check” down").click()

    # publishing asks first and says what it means, then freezes it
    page.get_by_role("link", name="Publish…").click()
    assert page.get_by_role("heading", name="What publishing means").is_visible()
    page.get_by_role("button", name="Yes, publish and freeze it").click()
    assert page.get_by_role("status").inner_text().startswith("The course is published")
    assert page.locator("h1 .badge").inner_text() == "Published"
    assert page.get_by_role("heading", name="Add a lesson").count() == 0


# Elements that stick out of the viewport, outside the horizontally scrollable tables
# and navigation bar.
WIDER_THAN_SCREEN = """() => {
  const limit = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.table-wrap, .mainnav') && e.getBoundingClientRect().right > limit)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
              + ' in ' + e.parentElement.tagName.toLowerCase() + '.' + e.parentElement.className)
    .slice(0, 5);
}"""


def test_pages_fit_a_phone(page: Any, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.base_url}/admin/employees")
    # nothing wider than the screen but the scrollable tables
    for path in ("/admin/employees", "/admin/dashboard", "/admin/progress", "/admin/assign"):
        page.goto(live_server.base_url + path)
        wide = page.evaluate(WIDER_THAN_SCREEN)
        assert wide == [], f"{path}: {wide}"
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow} px"
    page.goto(f"{live_server.base_url}/admin/employees")
    screenshot(page, "employees-phone")


NAV_CLIPPED = """() => Array.from(document.querySelectorAll('.mainnav a')).filter(a => {
  const r = a.getBoundingClientRect(), nav = a.parentElement.getBoundingClientRect();
  return r.left < 0 || r.right > window.innerWidth || r.left < nav.left - 1
      || r.right > nav.right + 1 || r.width === 0;
}).map(a => a.textContent.trim())"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("who", ["admin@acme.example", "staff@llp.example"])
def test_every_menu_item_shows_at_desktop_and_phone_widths(
    page: Any, live_server: LiveServer, width: int, who: str
) -> None:
    """Issue 17: at 1280 px the menu was cut ("Au"); on a phone 3 of 7 items showed."""
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, who)
    links = page.locator(".mainnav a")
    assert links.count() >= 5
    assert page.evaluate(NAV_CLIPPED) == []
    for index in range(links.count()):
        assert links.nth(index).is_visible()
