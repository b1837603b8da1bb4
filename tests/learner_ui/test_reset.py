"""Forgot password and the page the mailed link opens (docs/password-reset.md)."""

from __future__ import annotations

import re

import httpx
import pytest

from llp_gql import jobs
from llp_gql.domain import password_reset, queue
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuthToken, Job, OutboxMail, PasswordResetToken, User
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.api.test_password_reset import _token_from
from tests.factories import PASSWORD, World

NEW_PASSWORD = "a fresh and unusual passphrase"


async def run_jobs(settings: Settings, clock: FakeClock) -> int:
    """Run the queue until nothing is due (``llp_gql.jobs.handlers``, the worker's)."""
    handlers = jobs.handlers(settings, clock=clock)
    count = 0
    while await queue.run_one(handlers, settings=settings, clock=clock):
        count += 1
    return count


def form_token(html: str) -> str:
    """The token of the page's form (the last one: a signed-in page's header has the
    sign-out form's session token first)."""
    found = re.findall(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found
    return str(found[-1])


async def _mailed_token(settings: Settings, clock: FakeClock, email: str) -> str:
    """Ask for a link and run the queue as the worker would (the mail goes to the outbox)."""
    await password_reset.request_reset(email, settings=settings, client_address=None, clock=clock)
    assert await run_jobs(settings, clock) == 2
    mail = await OutboxMail.filter(recipient=email).order_by("-id").first()
    assert mail is not None
    return _token_from(mail.text)


@pytest.mark.parametrize("email", ["ann@mail.example", "nobody@mail.example"])
async def test_asking_for_a_link_answers_the_same_for_any_address(
    client: httpx.AsyncClient, world: World, email: str, settings: Settings, clock: FakeClock
) -> None:
    page = await client.get("/learn/forgot")
    assert page.status_code == 200
    response = await client.post(
        "/learn/forgot", data={"csrf_token": form_token(page.text), "email": email}
    )
    assert response.status_code == 200
    assert f"If an account exists for {email}, we have sent it a link" in response.text
    assert "valid for 60 minutes" in response.text
    # one job is queued alike for any address; running it mails the account only
    assert await Job.all().count() == 1
    await run_jobs(settings, clock)
    assert await OutboxMail.all().count() == (1 if email == "ann@mail.example" else 0)


async def test_asking_with_bad_input_or_without_the_form_token_stores_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    page = await client.get("/learn/forgot")
    bad = await client.post(
        "/learn/forgot", data={"csrf_token": form_token(page.text), "email": "not an email"}
    )
    assert bad.status_code == 422
    assert 'id="f-email-err"' in bad.text
    forged = await client.post("/learn/forgot", data={"email": "ann@mail.example"})
    assert forged.status_code == 403
    assert await PasswordResetToken.all().count() == 0


async def test_the_mailed_link_sets_a_new_password_and_ends_every_session(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    # given a signed-in individual who asked for a link
    _ = await log_in(client, world.individual_a, settings)
    token = await _mailed_token(settings, clock, world.individual_a.email)
    # when they open it: a form, no referrer, the token kept in the form only
    page = await client.get(f"/learn/reset?token={token}")
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    assert f'name="token" value="{token}"' in page.text
    assert "/learn/static/reset.js" in page.text
    # a password the policy refuses: said next to the field, and the link stays valid
    weak = await client.post(
        "/learn/reset",
        data={
            "csrf_token": form_token(page.text),
            "token": token,
            "password": "short",
            "confirm_password": "short",
        },
    )
    assert weak.status_code == 422
    assert 'id="f-password-err"' in weak.text
    assert f'name="token" value="{token}"' in weak.text
    # then a good one: set, every session ended, sent to sign in
    done = await client.post(
        "/learn/reset",
        data={
            "csrf_token": form_token(weak.text),
            "token": token,
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/learn/signin?done=password-set"
    assert not await AuthToken.exists(user_id=world.individual_a.id)
    user = await User.get(id=world.individual_a.id)
    assert user.password_hash != world.individual_a.password_hash
    # and the link cannot be used twice: opening it says so at once (no form) ...
    page = await client.get(f"/learn/reset?token={token}")
    assert page.status_code == 400
    assert "This link has been used." in page.text
    assert 'name="password"' not in page.text
    # ... and a form posted anyway is refused alike
    page = await client.get("/learn/forgot")
    again = await client.post(
        "/learn/reset",
        data={
            "csrf_token": form_token(page.text),
            "token": token,
            "password": PASSWORD + "x",
            "confirm_password": PASSWORD + "x",
        },
    )
    assert again.status_code == 400
    assert "This link has been used." in again.text
    assert 'href="/learn/forgot"' in again.text


async def test_a_made_up_link_or_a_forged_form_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    page = await client.get("/learn/reset?token=made-up")
    assert page.status_code == 400
    assert "This link is not valid." in page.text
    page = await client.get("/learn/forgot")  # a form token for the post
    bad = await client.post(
        "/learn/reset",
        data={
            "csrf_token": form_token(page.text),
            "token": "made-up",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert bad.status_code == 400
    assert "This link is not valid." in bad.text
    forged = await client.post(
        "/learn/reset",
        data={"token": "made-up", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert forged.status_code == 403
    assert (await User.get(id=world.individual_a.id)).password_hash == (
        world.individual_a.password_hash
    )
