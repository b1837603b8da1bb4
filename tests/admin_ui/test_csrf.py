"""R8: every admin form and htmx request needs the CSRF token of its own session."""

from __future__ import annotations

import httpx
import pytest

from admin_ui import csrf
from llp_gql.domain import auth
from llp_gql.settings import Settings
from tests.admin_ui import Scene, log_in, page_csrf
from tests.admin_ui.test_permissions import CASES, Case, snapshot

POSTS = [case for case in CASES if case.method == "POST"]


def _allowed_role(case: Case) -> str:
    return next(role for role, status in case.allowed.items() if status == 303)


@pytest.mark.parametrize("case", POSTS, ids=lambda c: c.name)
@pytest.mark.parametrize("token", ["missing", "empty", "forged", "other-session"])
async def test_a_post_without_its_sessions_token_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, case: Case, token: str
) -> None:
    # given a user allowed to send this form, logged in
    user = scene.world.users()[_allowed_role(case)]
    _ = await log_in(client, user, settings)
    other = await auth.issue_token(user, settings=settings, kind=auth.SESSION)
    assert other.csrf_secret is not None
    offered = {
        "missing": None,
        "empty": "",
        "forged": "0" * 64,
        # a valid token, but of another session of the same user
        "other-session": csrf.session_token(settings.secret_key, other.csrf_secret),
    }[token]
    assert case.form is not None
    data = case.form(scene)
    if offered is not None:
        data["csrf_token"] = offered
    before = await snapshot(scene)
    # when the form arrives (as from a page on another site would)
    response = await client.post(case.path(scene), data=data)
    # then it is refused and nothing changed
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    assert await snapshot(scene) == before


async def test_htmx_requests_send_the_token_as_a_header(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    # given an admin on the enrollment page: the token is in <body hx-headers>
    token = await log_in(client, scene.world.admin_x, settings)
    page = await client.get(f"/admin/enrollments/{scene.open_x2.id}")
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page.text
    # when htmx posts the grant form with the header only
    response = await client.post(
        f"/admin/enrollments/{scene.open_x2.id}/attempts",
        data={"lesson": str(scene.world.course.quiz.id), "extra": "1", "reason": "Outage"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    # then it is accepted; a wrong header is refused even with a right field
    assert response.status_code == 303
    refused = await client.post(
        f"/admin/enrollments/{scene.open_x2.id}/attempts",
        data={
            "lesson": str(scene.world.course.quiz.id),
            "extra": "1",
            "reason": "Outage",
            "csrf_token": token,
        },
        headers={"X-CSRF-Token": "0" * 64, "HX-Request": "true"},
    )
    assert refused.status_code == 403


async def test_every_form_of_every_page_carries_the_token(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    # given admins and staff on the pages that have POST forms
    pages = {
        scene.world.admin_x: [
            "/admin/employees/new",
            f"/admin/employees/{scene.world.employee_x2.id}/remove",
            "/admin/assign",
            f"/admin/enrollments/{scene.open_x2.id}",
            f"/admin/enrollments/{scene.open_x2.id}/remove",
            "/admin/company",
            "/admin/account",
        ],
        scene.world.staff: [
            "/admin/staff/companies/new",
            "/admin/staff/courses/new",
            f"/admin/staff/courses/{scene.world.draft.id}?kind=QUIZ",
            f"/admin/staff/courses/{scene.world.course.course.id}",
            "/admin/account",
        ],
    }
    for user, paths in pages.items():
        token = await log_in(client, user, settings)
        for path in paths:
            html = (await client.get(path)).text
            # then each POST form holds this session's token
            forms = html.count('method="post"')
            assert forms >= 1, path
            assert html.count(f'name="csrf_token" value="{token}"') == forms, path
            assert page_csrf(html) == token
