"""The learner app and issue 16: renaming oneself, and a deactivated person signing in."""

from __future__ import annotations

import re

import httpx

from llp_gql.domain import membership
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuditEvent, AuthToken, User
from llp_gql.settings import Settings
from tests.admin_ui import log_in, page_csrf
from tests.factories import PASSWORD, World


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found
    return found.group(1)


async def test_a_learner_renames_themselves(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    for learner in (world.individual_a, world.employee_x):
        client.cookies.clear()
        await log_in(client, learner, settings)
        page = (await client.get("/learn/account")).text
        assert 'action="/learn/account/name"' in page
        token = page_csrf(page)
        bad = await client.post("/learn/account/name", data={"name": " ", "csrf_token": token})
        assert bad.status_code == 422
        assert "cannot be empty" in bad.text
        response = await client.post(
            "/learn/account/name", data={"name": "Zhang  Wei 张伟", "csrf_token": token}
        )
        assert response.headers["location"] == "/learn/account?done=renamed"
        assert (await User.get(id=learner.id)).name == "Zhang Wei 张伟"
        shown = (await client.get(response.headers["location"])).text
        assert "Zhang Wei 张伟" in shown
    assert await AuditEvent.filter(action="account.renamed").count() == 2


async def test_a_deactivated_employee_is_told_to_contact_their_admin(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    await membership.deactivate_employee(world.admin_x, world.employee_x.id, clock=clock)
    page = await client.get("/learn/signin")
    response = await client.post(
        "/learn/signin",
        data={
            "csrf_token": form_token(page.text),
            "email": world.employee_x.email,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 403
    assert "deactivated" in response.text
    assert "admin" in response.text
    assert await AuthToken.filter(user_id=world.employee_x.id).count() == 0
