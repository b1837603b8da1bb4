"""Invitations under races (run on PostgreSQL too, where requests really overlap):
two tabs on one link, an admin's requests racing at the hourly limit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from llp_gql.domain import inviting, password_reset
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import InvalidResetToken, RateLimited
from llp_gql.models import AuditEvent, Job, User
from llp_gql.settings import Settings
from tests.api.test_invitations_api import mailed_token
from tests.factories import World

PASSWORDS = ["first tab passphrase", "second tab passphrase"]


async def test_two_tabs_racing_one_invitation_link_set_one_password(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    # given an invited person with their link open in two tabs
    user = await inviting.invite_employee(
        world.admin_x, "tabs@acme.example", "Two Tabs", settings=settings, clock=clock
    )
    token = await mailed_token(settings, clock, user.email)
    # when both submit at once
    results = await asyncio.gather(
        *(
            password_reset.reset_password(token, p, settings=settings, clock=clock)
            for p in PASSWORDS
        ),
        return_exceptions=True,
    )
    # then exactly one set the password; the other was told the link is used
    won = [r for r in results if isinstance(r, User)]
    lost = [r for r in results if isinstance(r, InvalidResetToken)]
    assert len(won) == 1, results
    assert len(lost) == 1, results
    assert lost[0].reason == "USED"
    assert await AuditEvent.filter(action="account.password_reset").count() == 1


@pytest.fixture
def slow_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every throttle count lingers after reading, so racing requests really overlap
    between their count and their insert (the window a missing lock would leave open)."""
    real = inviting._recent

    async def lingering(*args: Any, **kwargs: Any) -> int:
        found = await real(*args, **kwargs)
        await asyncio.sleep(0.05)
        return found

    monkeypatch.setattr(inviting, "_recent", lingering)


async def test_an_admins_invitations_racing_at_the_limit_pass_once(
    db: TortoiseContext, world: World, settings: Settings, clock: FakeClock, slow_count: None
) -> None:
    limited = settings.replace(invitations_per_admin_per_hour=1)
    results = await asyncio.gather(
        *(
            inviting.invite_employee(
                world.admin_x, f"race{n}@acme.example", f"Race {n}", settings=limited, clock=clock
            )
            for n in range(5)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, User) for r in results) == 1, results
    assert sum(isinstance(r, RateLimited) for r in results) == 4, results
    assert await User.filter(email__startswith="race").count() == 1
    assert await Job.filter(kind="invitation.send").count() == 1


async def test_resends_racing_at_the_limit_pass_once(
    db: TortoiseContext, world: World, settings: Settings, clock: FakeClock, slow_count: None
) -> None:
    limited = settings.replace(invitation_resends_per_person_per_hour=1)
    user = await inviting.invite_employee(
        world.admin_x, "resend@acme.example", "Resend", settings=limited, clock=clock
    )
    results = await asyncio.gather(
        *(
            inviting.resend_invitation(world.admin_x, user.id, settings=limited, clock=clock)
            for _ in range(4)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, User) for r in results) == 1, results
    assert sum(isinstance(r, RateLimited) for r in results) == 3, results
    assert await Job.filter(kind="invitation.send").count() == 2
