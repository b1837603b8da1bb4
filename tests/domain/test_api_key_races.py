"""Races around API keys: a flood of concurrent creations against the limits, and a
key used while it is revoked.

On PostgreSQL the calls run on separate connections at the same moment; on SQLite
the single writer serialises them, and the same outcomes must hold.
"""

from __future__ import annotations

import asyncio

from llp_gql.domain import api_keys
from llp_gql.errors import RateLimited, TooMany
from llp_gql.models import ApiKey, AuditEvent, Role, User
from llp_gql.settings import Settings
from tests.factories import World, make_user


async def test_concurrent_creations_never_pass_the_active_key_limit(world: World) -> None:
    # given two admins of one company and a limit of 3 active keys
    admin_2 = await make_user(
        "admin2@acme.example", company=world.company_x, role=Role.COMPANY_ADMIN
    )
    limits = Settings().replace(max_api_keys_per_company=3, api_keys_per_admin_per_hour=100)
    # when both make 6 keys each at the same moment
    results = await asyncio.gather(
        *(
            api_keys.create_key(admin, f"k{i}", ["read"], settings=limits)
            for i in range(6)
            for admin in (world.admin_x, admin_2)
        ),
        return_exceptions=True,
    )
    # then exactly 3 keys exist and every other call was refused with the limit (no 500)
    made = [r for r in results if isinstance(r, api_keys.NewKey)]
    refused = [r for r in results if isinstance(r, TooMany)]
    assert (len(made), len(refused)) == (3, 9), results
    assert await ApiKey.filter(company_id=world.company_x.id).count() == 3
    assert await AuditEvent.filter(action="api_key.created").count() == 3


async def test_concurrent_creations_never_pass_the_hourly_limit(world: World) -> None:
    limits = Settings().replace(max_api_keys_per_company=100, api_keys_per_admin_per_hour=4)
    results = await asyncio.gather(
        *(api_keys.create_key(world.staff, f"k{i}", ["read"], settings=limits) for i in range(12)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, api_keys.NewKey)]
    refused = [r for r in results if isinstance(r, RateLimited)]
    assert (len(made), len(refused)) == (4, 8), results
    assert await ApiKey.filter(company_id=None).count() == 4


async def test_a_key_used_while_revoked_is_refused_once_the_revocation_committed(
    world: World,
) -> None:
    for attempt in range(5):
        made = await api_keys.create_key(
            world.admin_x, f"k{attempt}", ["read"], settings=Settings()
        )
        # when it is used and revoked at the same moment
        used, revoked = await asyncio.gather(
            api_keys.authenticate_key(made.key),
            api_keys.revoke_key(world.admin_x, made.row.id),
        )
        # then the use either came first or was refused, and every use after is refused
        assert used is None or isinstance(used, User)
        assert revoked.revoked_at is not None
        assert await api_keys.authenticate_key(made.key) is None, attempt
