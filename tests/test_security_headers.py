"""Every HTML page refuses to be framed and carries a Content-Security-Policy; HSTS over https.

The routes are read from the app itself, so a page added later is walked too.
"""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from llp_gql.domain.clock import FakeClock
from llp_gql.models import Group, WebhookSubscription
from llp_gql.security_headers import HSTS
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.admin_ui import Scene, build_scene, log_in
from tests.factories import World

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
# Routes that answer something other than a page (files, images, archives).
NOT_PAGES = {
    "/graphql/static",
    "/admin/static",
    "/admin/company/logo",
    "/admin/certificate-template/preview.pdf",
    "/admin/certificates/{certificate_id:int}/download",
    "/learn/static",
    "/learn/fonts",
    "/learn/certificates/{certificate_id:int}/download",
    "/certificates/{certificate_id:int}/download",
    "/certificates/export.zip",
    # Credentials: JSON documents (public) and a signed-link download, not pages.
    "/.well-known/did.json",
    "/did.json",
    "/.well-known/jwks.json",
    "/credentials/status/{number:int}",
    "/certificates/{certificate_id:int}/credential.json",
    "/learn/certificates/{certificate_id:int}/credential",
    "/admin/import/template.csv",
    "/admin/reports/compliance.csv",  # files (their error answers are pages)
    "/admin/reports/compliance.xlsx",
    "/healthz",
    "/readyz",
}


def get_paths(routes: list[BaseRoute], prefix: str = "") -> list[str]:
    paths = []
    for route in routes:
        if isinstance(route, Mount):
            paths.append(prefix + route.path)
            paths += get_paths(list(route.routes), prefix + route.path)
        elif isinstance(route, Route) and "GET" in (route.methods or {"GET"}):
            paths.append(prefix + route.path)
    return paths


def check_page(response: httpx.Response, label: str) -> None:
    assert response.headers["x-frame-options"] == "DENY", label
    assert response.headers["x-content-type-options"] == "nosniff", label
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy, label
    assert "'unsafe-inline'" not in policy, label
    assert "'unsafe-eval'" not in policy, label
    assert "script-src 'self'" in policy or "default-src 'none'" in policy, label


@pytest.fixture
async def scene(world: World, clock: FakeClock) -> Scene:
    return await build_scene(world, clock)


async def test_every_html_route_has_the_headers(
    app: Starlette, client: httpx.AsyncClient, scene: Scene, settings: Settings
) -> None:
    world = scene.world
    group = await Group.create(company_id=world.company_x.id, name="Sales")
    webhook = await WebhookSubscription.create(
        company_id=world.company_x.id,
        url="https://93.184.215.14/hook",
        events="certificate.issued",
        secret="whsec_" + "A" * 32,
        created_at=scene.certificate_x.issued_at,
    )
    values = {
        "group_id": str(group.id),
        "user_id": str(world.employee_x.id),
        "enrollment_id": str(scene.done_x.id),
        "certificate_id": str(scene.certificate_x.id),
        "course_id": str(world.course.course.id),
        "lesson_id": str(world.course.video.id),
        "code": scene.certificate_x.verification_code,
        "import_id": "1",
        "key_id": "1",
        "mail_id": "1",
        "webhook_id": str(webhook.id),
        "delivery_id": "1",
        "path": "no/such/page",
    }
    paths = [p for p in get_paths(list(app.routes)) if p not in NOT_PAGES]
    assert {"/graphql", "/verify/{code}", "/admin/login", "/admin/dashboard", "/learn/"} <= set(
        paths
    )
    pages = 0
    # employee_x is the learner of done_x: the learner app's pages open for them
    for who in (None, world.admin_x, world.staff, world.employee_x):
        client.cookies.clear()
        if who is not None:
            await log_in(client, who, settings)
        for path in paths:
            url = PARAM.sub(lambda m: values[m.group(1)], path)
            response = await client.get(url, headers={"Accept": "text/html"})
            if response.headers.get("content-type", "").startswith("text/html"):
                check_page(response, f"{who and who.email} {url} {response.status_code}")
                pages += 1
            elif response.status_code not in (302, 303, 307):
                raise AssertionError(f"{url} answered {response.status_code} without a page")
    # Pages that are not routes of their own: error pages of the download route.
    bad_link = await client.get(f"/certificates/{scene.certificate_x.id}/download?token=x")
    assert bad_link.status_code == 403
    check_page(bad_link, "download error page")
    assert pages >= 40


async def test_graphql_answers_are_not_pages(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.headers["content-type"].startswith("application/json")
    assert "x-frame-options" not in response.headers


@pytest.mark.parametrize(
    ("base_url", "expected"), [("https://llp.example", HSTS), ("http://llp.example", None)]
)
async def test_hsts_when_the_public_base_url_is_https(
    db: object, settings: Settings, clock: FakeClock, base_url: str, expected: str | None
) -> None:
    app = create_app(settings.replace(public_base_url=base_url), manage_database=False, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        for response in (
            await client.get("/healthz"),
            await client.get("/graphql", headers={"Accept": "text/html"}),
            await client.post("/graphql", json={"query": "{ __typename }"}),
        ):
            assert response.headers.get("strict-transport-security") == expected
