"""A login whose hash check overlaps a password change gets no session (issue 13).

Hashing takes a while; before the fix, a login that had read the old hash went on
to issue a token after the change had ended every session, so the old password
(say, a stolen one the person just replaced) still opened a new session.
The interleaving is forced, not hoped for: the login's check waits until the
change (or the removal) has committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from llp_gql.domain import accounts, auth
from llp_gql.errors import Unauthenticated
from llp_gql.models import AuthToken, User
from llp_gql.settings import Settings
from tests.factories import PASSWORD, World

NEW_PASSWORD = "a brand new passphrase 2026"


async def login_overlapping(
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    email: str,
    meanwhile: Callable[[], Awaitable[Any]],
) -> auth.Issued:
    """Log in with PASSWORD; between its hash check and the token, run ``meanwhile``."""
    real_check = auth.check_password
    waited: list[bool] = []

    async def check_then_wait(user: User | None, password: str) -> bool:
        verdict = await real_check(user, password)
        if not waited:  # the login's check; the change checks the password too
            waited.append(True)
            await meanwhile()
        return verdict

    monkeypatch.setattr(auth, "check_password", check_then_wait)
    return await auth.login(email, PASSWORD, settings=settings, client_address="192.0.2.1")


async def test_a_login_overlapping_a_password_change_gets_no_session(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    learner = world.individual_a

    async def change() -> None:
        viewer = await User.get(id=learner.id)
        await auth.change_password(
            viewer, PASSWORD, NEW_PASSWORD, keep_token=None, settings=settings
        )

    # when the old password is checked, then the password changes, then the token
    with pytest.raises(Unauthenticated):
        await login_overlapping(monkeypatch, settings, learner.email, change)
    # then no session exists for the old password
    assert await AuthToken.filter(user_id=learner.id).count() == 0
    # and the new one works
    monkeypatch.undo()
    issued = await auth.login(
        learner.email, NEW_PASSWORD, settings=settings, client_address="192.0.2.1"
    )
    assert issued.user.id == learner.id


async def test_a_login_overlapping_account_deletion_gets_no_session(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    learner = world.individual_a

    async def delete() -> None:
        viewer = await User.get(id=learner.id)
        await accounts.delete_my_account(viewer, PASSWORD)

    with pytest.raises(Unauthenticated):
        await login_overlapping(monkeypatch, settings, learner.email, delete)
    assert await AuthToken.filter(user_id=learner.id).count() == 0
