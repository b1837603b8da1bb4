"""The page an invitation opens: a welcome (no "reset" words), then the right sign-in."""

from __future__ import annotations

import re

import httpx
import pytest

from llp_gql.domain import accounts, housekeeping, inviting
from llp_gql.domain.clock import FakeClock
from llp_gql.models import User
from llp_gql.settings import Settings
from tests.api.test_invitations_api import mailed_token
from tests.factories import World
from tests.learner_ui.test_reset import form_token

PASSWORD = "a welcome passphrase of mine"


def visible_text(html: str) -> str:
    """The words a person reads in the main content (no tags, scripts or attributes)."""
    main = html.split("<main", 1)[-1]
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


async def _post(client: httpx.AsyncClient, page: str, token: str) -> httpx.Response:
    return await client.post(
        "/learn/reset",
        data={
            "csrf_token": form_token(page),
            "token": token,
            "kind": "invite",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )


@pytest.mark.parametrize("who", ["employee", "admin"])
async def test_an_invitation_link_welcomes_and_leads_to_the_right_sign_in(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock, who: str
) -> None:
    # given an invited employee, or a company's first admin invited by staff
    if who == "employee":
        user = await inviting.invite_employee(
            world.admin_x, "nia@acme.example", "Nia", settings=settings, clock=clock
        )
    else:
        await accounts.create_company(world.staff, "Newco", "boss@newco.example", "Bo", clock=clock)
        user = await User.get(email="boss@newco.example")
    token = await mailed_token(settings, clock, user.email)
    # when they open the link
    page = await client.get(f"/learn/reset?token={token}&kind=invite")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Welcome, choose your password" in text
    assert "reset" not in text.lower()
    assert "<title>Welcome: choose your password" in page.text
    # and choose a password
    done = await _post(client, page.text, token)
    assert done.status_code == 303
    where = "/admin/login" if who == "admin" else "/learn/signin"
    assert done.headers["location"] == f"{where}?done=invitation-accepted"
    signin = await client.get(done.headers["location"])
    assert "Welcome! Your password is set." in signin.text


@pytest.mark.parametrize("case", ["expired", "pruned", "used"])
async def test_an_invitation_link_that_cannot_be_used_talks_about_invitations(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock, case: str
) -> None:
    user = await inviting.invite_employee(
        world.admin_x, "late@acme.example", "Late", settings=settings, clock=clock
    )
    token = await mailed_token(settings, clock, user.email)
    if case == "used":
        page = await client.get(f"/learn/reset?token={token}&kind=invite")
        assert (await _post(client, page.text, token)).status_code == 303
    else:
        clock.advance(settings.invitation_ttl_seconds)
        if case == "pruned":  # housekeeping deleted it: the token is now unknown
            assert (await housekeeping.prune_expired(clock=clock, settings=settings)).reset_tokens
    page = await client.get(f"/learn/reset?token={token}&kind=invite")
    assert page.status_code == 400
    text = visible_text(page.text)
    assert "Welcome, choose your password" in text
    assert "ask your company admin for a new invitation" in text.lower()
    assert "/learn/forgot" not in page.text
    assert 'name="password"' not in page.text
