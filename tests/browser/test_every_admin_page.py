"""axe-core on every admin page, at 1280 and 390 px, as each role that may open it.

The pages come from the route table (``admin_ui.routes``), not from a list kept by
hand: a page added later is checked without touching this file, unless its path has
a parameter no page had before; then the test fails and names it, and one line in
``PARAMS`` fixes it. Every GET route must answer an HTML page to at least one of
anonymous / company admin / staff, so nothing is left out silently.

With LLP_SCREENSHOT_DIR=docs/screenshots the screenshots land in
docs/screenshots/pages/ (256-colour PNGs, to keep the checkout small).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from starlette.routing import Route

from admin_ui.routes import routes
from llp_gql.domain import api_keys, courses, groups, imports, webhooks
from llp_gql.domain.courses import ChoiceSpec, LessonSpec, QuestionSpec
from llp_gql.models import (
    Certificate,
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonKind,
    OutboxMail,
    User,
)
from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
ROLES = {"anonymous": None, "admin": "admin@acme.example", "staff": "staff@llp.example"}
# GET routes that answer a file or a redirect, not a page (each has its own tests).
NOT_PAGES = {
    "/",  # a redirect to the role's first page
    "/import/template.csv",
    "/company/logo",
    "/certificates/{certificate_id:int}/download",
    "/reports/compliance.csv",
    "/reports/compliance.xlsx",
    "/certificate-template/preview.pdf",
    "/certificate-template/frame",  # an htmx fragment; opened directly, a redirect
}


def get_routes() -> list[str]:
    return [
        route.path
        for route in routes()
        if isinstance(route, Route)
        and "GET" in (route.methods or set())
        and route.path not in NOT_PAGES
    ]


DRAFT_LESSONS = [
    LessonSpec(LessonKind.READING, "Read the brief", body="Text"),
    LessonSpec(
        LessonKind.QUIZ,
        "Check yourself",
        passing_score_percent=50,
        questions=[QuestionSpec("Ready?", [ChoiceSpec("Yes", True), ChoiceSpec("No", False)])],
    ),
]
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


async def _public_address(host: str, port: int) -> list[str]:
    """The webhook's host as a public address (no DNS lookups in tests)."""
    return ["93.184.215.14"]


def _ids(server: LiveServer) -> dict[str, list[str]]:
    """One value (or a few, for pages that differ a lot) for every path parameter."""

    async def load() -> dict[str, list[str]]:
        admin = await User.get(email="admin@acme.example")
        employee = await User.get(email="ed@acme.example")
        done = await Certificate.all().order_by("id").first()
        assert done is not None
        open_one = await Enrollment.filter(learner_id=employee.id).order_by("id").first()
        assert open_one is not None
        published = await Course.filter(status=CourseStatus.PUBLISHED).order_by("id").first()
        draft = await Course.filter(status=CourseStatus.DRAFT).order_by("id").first()
        assert published is not None
        assert draft is not None
        staff = await User.get(email="staff@llp.example")
        draft_lessons = await Lesson.filter(course_id=draft.id).order_by("position")
        if not draft_lessons:
            for spec in DRAFT_LESSONS:
                _ = await courses.add_lesson(staff, draft.id, spec)
            draft_lessons = await Lesson.filter(course_id=draft.id).order_by("position")
        group = next(iter(await groups.list_groups(admin)), None)
        if group is None:
            group = await groups.create_group(admin, "Sales", max_groups=100)
        import_id = await imports.upload(
            admin,
            "people.csv",
            b"email,name,group\nnew.person@acme.example,New Person,Sales\n",
            settings=server.settings,
        )
        mail = await OutboxMail.all().order_by("id").first()
        if mail is None:
            mail = await OutboxMail.create(
                message_id="<axe@llp.example>",
                recipient="ed@acme.example",
                subject="Your course is due",
                text="Hello",
                html="<p>Hello</p>",
                created_at=admin.created_at,
            )
        key = await api_keys.create_key(admin, "Axe check", ["read"], settings=server.settings)
        hook = await webhooks.create_webhook(
            admin,
            "https://hr.example/hooks/llp",
            ["certificate.issued"],
            settings=server.settings,
            resolver=_public_address,
        )
        return {
            "key_id": [str(key.row.id)],
            "webhook_id": [str(hook.subscription.id)],
            "user_id": [str(employee.id)],
            "enrollment_id": [str(done.enrollment_id), str(open_one.id)],  # type: ignore[attr-defined]
            "course_id": [str(published.id), str(draft.id)],
            # lessons of the draft (edit, delete): the quiz shows the most fields
            "lesson_id": [str(draft_lessons[-1].id)],
            "group_id": [str(group.id)],
            "import_id": [str(import_id)],
            "mail_id": [str(mail.id)],
            "path": ["no/such/page"],  # the catch-all: our 404 page
        }

    return server.run(load)


@pytest.fixture(scope="module")
def params(live_server: LiveServer) -> dict[str, list[str]]:
    return _ids(live_server)


@pytest.fixture(scope="module")
def sessions(browser: Any, live_server: LiveServer) -> Iterator[dict[str, Any]]:
    """One logged-in browser context per role, for the whole module."""
    contexts: dict[str, Any] = {}
    for role, email in ROLES.items():
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 860}, locale="en-GB")
        if email:
            page = context.new_page()
            page.goto(f"{live_server.base_url}/admin/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state("networkidle")
            assert "/login" not in page.url, f"{email} could not log in"
            page.close()
        contexts[role] = context
    yield contexts
    for context in contexts.values():
        context.close()


def urls(path: str, params: dict[str, list[str]]) -> list[str]:
    names = PARAM.findall(path)
    missing = [n for n in names if n not in params]
    assert not missing, f"{path}: give PARAMS (in _ids) a value for {missing}"
    found = [path]
    for name in names:
        found = [
            re.sub(r"\{" + name + r"(?::\w+)?\}", value, url, count=1)
            for url in found
            for value in params[name]
        ]
    return ["/admin" + url for url in found]


def _slug(path: str) -> str:
    """The route's path in a file name: /employees/{user_id:int}/remove -> employees-user-remove."""
    named = re.sub(r"\{(\w+?)(?:_id)?(?::\w+)?\}", r"\1", path)
    return re.sub(r"[^a-z0-9]+", "-", named.lower()).strip("-") or "home"


def _save(page: Any, name: str) -> None:
    folder = os.environ.get("LLP_SCREENSHOT_DIR")
    if not folder:
        return
    target = Path(folder) / "pages" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    with Image.open(target) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(target, optimize=True)


@pytest.mark.parametrize("path", get_routes())
def test_every_admin_page_has_no_serious_axe_violation(
    path: str, sessions: dict[str, Any], params: dict[str, list[str]], live_server: LiveServer
) -> None:
    base = live_server.base_url
    checked: list[str] = []
    problems: dict[str, list[str]] = {}
    every = urls(path, params)
    for number, url in enumerate(every, start=1):
        name = _slug(path) + (f"-{number}" if len(every) > 1 else "")
        for role, context in sessions.items():
            page = context.new_page()
            try:
                serve_axe(page, base)
                page.set_viewport_size({"width": WIDTHS[0], "height": 860})
                response = page.goto(base + url)
                assert response is not None
                html = "text/html" in (response.headers.get("content-type") or "")
                landed = page.url.split("?")[0] == base + url
                # a page of another role (403), or a redirect to the login: not this role's
                if (response.status >= 400 and response.status != 404) or not html or not landed:
                    continue
                if response.status == 404 and "{path" not in path:
                    continue  # an object this role may not see: NOT_FOUND, by design
                page.evaluate("() => document.fonts.ready")
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 860})
                    if found := serious_violations(page, base):
                        problems[f"{role} {url} @{width}"] = found
                    _save(page, f"{role}-{name}-{width}")
                checked.append(f"{role} {url}")
            finally:
                page.close()
    assert checked, f"{path}: no role got an HTML page (add it to NOT_PAGES if it is a file)"
    assert problems == {}
