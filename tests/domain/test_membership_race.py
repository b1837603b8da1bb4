"""Races of leavers and admins (issue 16): run on PostgreSQL (LLP_TEST_DATABASE_URL) where
the two requests of each pair really run on two connections at once.

- two admins demote (or deactivate) each other at the same moment: one wins, the
  other gets CONFLICT or FORBIDDEN, and the company keeps an active admin;
- a login whose password check overlaps a deactivation gets no session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from llp_gql.domain import auth, membership
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import AccountDeactivated, Conflict, Forbidden
from llp_gql.models import AuthToken, Role, User
from llp_gql.settings import Settings
from tests.factories import PASSWORD, World, make_user

PAIRS = 15


async def active_admins(company_id: int) -> int:
    return await User.filter(
        company_id=company_id, role=Role.COMPANY_ADMIN, deactivated_at__isnull=True
    ).count()


Act = Callable[[User, User], Awaitable[Any]]


async def _demote(actor: User, other: User) -> Any:
    return await membership.set_company_admin(actor, other.id, False)


async def _deactivate(actor: User, other: User) -> Any:
    return await membership.deactivate_employee(actor, other.id)


@pytest.mark.parametrize(
    ("first", "second"),
    [(_demote, _demote), (_deactivate, _deactivate), (_demote, _deactivate)],
    ids=["demote-demote", "deactivate-deactivate", "demote-deactivate"],
)
async def test_two_admins_acting_on_each_other_keep_one(
    world: World, clock: FakeClock, first: Act, second: Act
) -> None:
    company = world.company_x
    # only the two racing admins are admins of the company
    await User.filter(id=world.admin_x.id).update(role=Role.LEARNER)
    outcomes: list[str] = []
    for i in range(PAIRS):
        a = await make_user(f"a{i}@acme.example", company=company, role=Role.COMPANY_ADMIN)
        b = await make_user(f"b{i}@acme.example", company=company, role=Role.COMPANY_ADMIN)
        # when each, loaded as an admin, acts on the other at the same moment
        results = await asyncio.gather(first(a, b), second(b, a), return_exceptions=True)
        # then exactly one succeeded, the other was refused with a clear code
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], Conflict | Forbidden), errors[0]
        outcomes.append(type(errors[0]).__name__)
        # and the company has exactly one active admin left of the two
        assert await active_admins(company.id) == 1
        # clean up for the next pair: the survivor steps down in favour of nobody else
        await User.filter(id__in=[a.id, b.id]).update(role=Role.LEARNER)
    assert outcomes  # every pair ran


async def test_a_login_overlapping_a_deactivation_gets_no_session(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    emp = world.employee_x
    real_check = auth.check_password
    waited: list[bool] = []

    async def check_then_deactivate(user: User | None, password: str) -> bool:
        verdict = await real_check(user, password)
        if not waited:
            waited.append(True)
            await membership.deactivate_employee(world.admin_x, emp.id)
        return verdict

    monkeypatch.setattr(auth, "check_password", check_then_deactivate)
    # when the password is checked, then the person is deactivated, then the token
    with pytest.raises(AccountDeactivated):
        await auth.login(emp.email, PASSWORD, settings=settings, client_address="192.0.2.1")
    # then no session exists
    assert await AuthToken.filter(user_id=emp.id).count() == 0


async def test_logins_racing_a_deactivation_leave_no_session(
    world: World, settings: Settings
) -> None:
    # when several logins run while the person is deactivated
    emp = world.employee_x
    logins = [
        auth.login(emp.email, PASSWORD, settings=settings, client_address=f"192.0.2.{i}")
        for i in range(4)
    ]
    results = await asyncio.gather(
        *logins, membership.deactivate_employee(world.admin_x, emp.id), return_exceptions=True
    )
    # then whatever each login answered, no token survives: issued before the
    # deactivation, it was ended; after, it was refused
    assert not isinstance(results[-1], Exception), results[-1]
    assert await AuthToken.filter(user_id=emp.id).count() == 0
    for result in results[:-1]:
        if isinstance(result, auth.Issued):
            assert await auth.authenticate(result.token) is None
        else:
            assert isinstance(result, AccountDeactivated), result
