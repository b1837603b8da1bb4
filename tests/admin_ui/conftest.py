"""Fixtures of the admin UI tests (the app, client, world and clock come from tests/conftest.py)."""

from __future__ import annotations

import pytest_asyncio

from llp_gql.domain.clock import FakeClock
from tests.admin_ui import Scene, build_scene
from tests.api.test_query_counts import queries as queries  # the SQL-counting fixture
from tests.factories import World


@pytest_asyncio.fixture
async def scene(world: World, clock: FakeClock) -> Scene:
    return await build_scene(world, clock)
