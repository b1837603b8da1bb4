"""R1 for the admin UI: every page x every role, in one table.

Anonymous visitors are sent to the login page; logged-in users without the right
get 403; objects of another company answer 404 exactly like missing ones. A POST
that is refused stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from llp_gql.models import (
    AuditEvent,
    AuthToken,
    Company,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    ReportSubscription,
    User,
)
from llp_gql.settings import Settings
from tests.admin_ui import Scene, log_in
from tests.factories import PASSWORD

ROLES = [
    "anonymous",
    "staff",
    "admin_x",
    "admin_y",
    "employee_x",
    "employee_x2",
    "employee_y",
    "individual_a",
    "individual_b",
]
ADMINS = {"admin_x": 200, "admin_y": 200}
STAFF = {"staff": 200}
MISSING = 999_999

Path = Callable[[Scene], str]
Form = Callable[[Scene], dict[str, str | list[str]]]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: Path
    allowed: dict[str, int]  # role -> status; every other logged-in role gets `otherwise`
    form: Form | None = None
    otherwise: int = 403
    changes: bool = True  # an allowed POST stores something


def get(name: str, path: Path, allowed: dict[str, int], otherwise: int = 403) -> Case:
    return Case(name, "GET", path, allowed, otherwise=otherwise)


def post(
    name: str, path: Path, allowed: dict[str, int], form: Form | None = None, changes: bool = True
) -> Case:
    return Case(name, "POST", path, allowed, form or (lambda s: {}), changes=changes)


def own_only(status: int = 200) -> dict[str, int]:
    """Company X's object: its admin sees it, company Y's admin gets NOT_FOUND."""
    return {"admin_x": status, "admin_y": 404}


CASES = [
    # pages for everyone who is logged in, and the shared 404
    # (learners are sent on to the learning app at /learn)
    get("home", lambda s: "/admin/", {}, otherwise=303),
    # Company Admin pages
    get("dashboard", lambda s: "/admin/dashboard", ADMINS),
    get("employees", lambda s: "/admin/employees?q=e", ADMINS),
    get("employee-new", lambda s: "/admin/employees/new", ADMINS),
    get("employee", lambda s: f"/admin/employees/{s.world.employee_x.id}", own_only()),
    get(
        "employee-missing",
        lambda s: f"/admin/employees/{MISSING}",
        {"admin_x": 404, "admin_y": 404},
    ),
    get(
        "employee-remove", lambda s: f"/admin/employees/{s.world.employee_x.id}/remove", own_only()
    ),
    get(
        "employee-deactivate",
        lambda s: f"/admin/employees/{s.world.employee_x.id}/deactivate",
        own_only(),
    ),
    get("employee-admin", lambda s: f"/admin/employees/{s.world.employee_x.id}/admin", own_only()),
    get(
        "employee-rename",
        lambda s: f"/admin/employees/{s.world.employee_x.id}/rename",
        own_only(),
    ),
    get("assign", lambda s: f"/admin/assign?course={s.world.course.course.id}", ADMINS),
    get("progress", lambda s: "/admin/progress", ADMINS),
    get("enrollment", lambda s: f"/admin/enrollments/{s.done_x.id}", {**own_only(), "staff": 200}),
    get(
        "enrollment-self",
        lambda s: f"/admin/enrollments/{s.self_a.id}",
        {"admin_x": 404, "admin_y": 404, "staff": 200},
    ),
    get(
        "enrollment-missing",
        lambda s: f"/admin/enrollments/{MISSING}",
        {"admin_x": 404, "admin_y": 404, "staff": 404},
    ),
    get("enrollment-remove", lambda s: f"/admin/enrollments/{s.done_x.id}/remove", own_only()),
    get(
        "certificate-download",
        lambda s: f"/admin/certificates/{s.certificate_x.id}/download",
        own_only(303),
    ),
    get(
        "certificate-missing",
        lambda s: f"/admin/certificates/{MISSING}/download",
        {"admin_x": 404, "admin_y": 404},
    ),
    get("export", lambda s: f"/admin/export?course={s.world.course.course.id}", ADMINS),
    get("company-logo-page", lambda s: "/admin/company", ADMINS),
    get("company-logo-image", lambda s: "/admin/company/logo", own_only()),
    get("audit", lambda s: "/admin/audit?page=2", ADMINS),
    # Staff pages
    get("companies", lambda s: "/admin/staff/companies", STAFF),
    get("company-new", lambda s: "/admin/staff/companies/new", STAFF),
    get("courses", lambda s: "/admin/staff/courses?status=DRAFT", STAFF),
    get("course-new", lambda s: "/admin/staff/courses/new", STAFF),
    get("course-draft", lambda s: f"/admin/staff/courses/{s.world.draft.id}?kind=QUIZ", STAFF),
    get("course-published", lambda s: f"/admin/staff/courses/{s.world.course.course.id}", STAFF),
    get("course-missing", lambda s: f"/admin/staff/courses/{MISSING}", {"staff": 404}),
    get(
        "course-preview",
        lambda s: f"/admin/staff/courses/{s.world.course.course.id}/preview",
        STAFF,
    ),
    get("support", lambda s: "/admin/staff/support?email=acme", STAFF),
    get("support-user", lambda s: f"/admin/staff/support/users/{s.world.employee_x.id}", STAFF),
    get("support-missing", lambda s: f"/admin/staff/support/users/{MISSING}", {"staff": 404}),
    # POSTs (with a valid CSRF token)
    post(
        "employee-create",
        lambda s: "/admin/employees/new",
        {"admin_x": 303, "admin_y": 303},
        lambda s: {
            "name": "New Person",
            "email": "new.person@acme.example",
            "password": "a long enough password",
        },
    ),
    post(
        "employee-remove",
        lambda s: f"/admin/employees/{s.world.employee_x.id}/remove",
        own_only(303),
    ),
    post(
        "employee-deactivate",
        lambda s: f"/admin/employees/{s.world.employee_x.id}/deactivate",
        own_only(303),
    ),
    post(
        # reactivating an active person changes nothing: the answer is what is checked
        "employee-reactivate",
        lambda s: f"/admin/employees/{s.world.employee_x.id}/reactivate",
        own_only(303),
        changes=False,
    ),
    post(
        "employee-admin",
        lambda s: f"/admin/employees/{s.world.employee_x.id}/admin",
        own_only(303),
        lambda s: {"is_admin": "1"},
    ),
    post(
        "employee-rename",
        lambda s: f"/admin/employees/{s.world.employee_x.id}/rename",
        own_only(303),
        lambda s: {"name": "Emma Renamed"},
    ),
    post(
        "assign",
        lambda s: "/admin/assign",
        {"admin_x": 303, "admin_y": 422},
        lambda s: {"course": str(s.world.course.course.id), "employees": [str(s.world.admin_x.id)]},
    ),
    post(
        "grant-attempts",
        lambda s: f"/admin/enrollments/{s.open_x2.id}/attempts",
        {**own_only(303), "staff": 303},  # staff grant attempts to anyone
        lambda s: {"lesson": str(s.world.course.quiz.id), "extra": "2", "reason": "Outage"},
    ),
    post(
        "grant-attempts-other",
        lambda s: f"/admin/enrollments/{s.open_y.id}/attempts",
        {"admin_x": 404, "admin_y": 303, "staff": 303},
        lambda s: {"lesson": str(s.world.course.quiz.id), "extra": "1", "reason": "Outage"},
    ),
    post("enrollment-remove", lambda s: f"/admin/enrollments/{s.open_x2.id}/remove", own_only(303)),
    post(
        "company-create",
        lambda s: "/admin/staff/companies/new",
        {"staff": 303},
        lambda s: {
            "name": "Initech",
            "admin_name": "Bill Lumbergh",
            "admin_email": "bill@initech.example",
            "admin_password": "a long enough password",
        },
    ),
    post(
        "course-create",
        lambda s: "/admin/staff/courses/new",
        {"staff": 303},
        lambda s: {"title": "Feedback that lands", "description": "How to give feedback"},
    ),
    post(
        "lesson-add",
        lambda s: f"/admin/staff/courses/{s.world.draft.id}/lessons",
        {"staff": 303},
        lambda s: {"kind": "READING", "title": "Read this", "body": "Some text"},
    ),
    post(
        "course-publish",
        lambda s: f"/admin/staff/courses/{s.draft_ready.id}/publish",
        {"staff": 303},
    ),
    post(
        "course-duplicate",
        lambda s: f"/admin/staff/courses/{s.world.course.course.id}/duplicate",
        {"staff": 303},
    ),
    post(
        "course-archive",
        lambda s: f"/admin/staff/courses/{s.world.course.course.id}/archive",
        {"staff": 303},
    ),
    post("logout", lambda s: "/admin/logout", {role: 303 for role in ROLES if role != "anonymous"}),
    # everyone's own account (the admin UI's people: admins and staff)
    get("account", lambda s: "/admin/account", ADMINS | STAFF),
    post(
        "account-password",
        lambda s: "/admin/account/password",
        {"admin_x": 303, "admin_y": 303, "staff": 303},
        lambda s: {
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm_password": "a brand new passphrase",
        },
    ),
    post(
        "account-name",
        lambda s: "/admin/account/name",
        {"admin_x": 303, "admin_y": 303, "staff": 303},
        lambda s: {"name": "A New Name"},
    ),
    # weekly report mails: company admins only
    get("notifications", lambda s: "/admin/notifications", ADMINS),
    post(
        "notifications-on",
        lambda s: "/admin/notifications",
        {"admin_x": 303, "admin_y": 303},
        lambda s: {"kind": "digest", "action": "subscribe"},
    ),
    post(
        "account-logout-everywhere",
        lambda s: "/admin/account/logout-everywhere",
        {"admin_x": 303, "admin_y": 303, "staff": 303},
    ),
]


async def snapshot(scene: Scene) -> tuple[object, ...]:
    """Everything a POST of the admin UI could change."""
    courses = await Course.all().order_by("id").values_list("id", "status")
    extra = await LessonProgress.all().order_by("id").values_list("id", "extra_attempts")
    return (
        await User.all().count(),
        await Company.all().count(),
        await Enrollment.all().count(),
        await Lesson.all().count(),
        await AuditEvent.all().count(),
        await AuthToken.all().count(),
        await ReportSubscription.all().count(),
        tuple(courses),
        tuple(extra),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.name}")
async def test_every_page_answers_every_role_as_the_policy_says(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, case: Case, role: str
) -> None:
    # given a user of this role (or nobody), logged in through a browser session
    token = ""
    if role != "anonymous":
        token = await log_in(client, scene.world.users()[role], settings)
    path = case.path(scene)
    before = await snapshot(scene)
    # when they open the page, or send its form with a valid CSRF token
    if case.method == "GET":
        response = await client.get(path)
    else:
        assert case.form is not None
        response = await client.post(path, data={**case.form(scene), "csrf_token": token})
    after = await snapshot(scene)
    # then the answer is the one the policy gives this role
    if role == "anonymous":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/admin/login?next=")
        assert after == before
        return
    expected = case.allowed.get(role, case.otherwise)
    assert response.status_code == expected, response.text[:500]
    if expected in (403, 404):
        assert "text/html" in response.headers["content-type"]
        assert ("Not allowed" if expected == 403 else "Not found") in response.text
    # and a refused POST stores nothing, an accepted one something
    if case.method == "POST" and case.name != "logout":
        if expected == 303 and case.changes:
            assert after != before
        else:
            assert after == before


async def test_the_table_covers_every_role_and_enough_cases(scene: Scene) -> None:
    # R1 counts cases: pages x roles, with every role of the world
    assert set(ROLES) == {"anonymous", *scene.world.users()}
    assert len(CASES) * len(ROLES) >= 300
    assert {c.name for c in CASES if c.method == "GET"} >= {
        "dashboard",
        "employees",
        "progress",
        "enrollment",
        "audit",
        "courses",
        "support",
    }
