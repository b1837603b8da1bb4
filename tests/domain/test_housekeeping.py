"""R18 housekeeping: after a simulated week nothing past its expiry is left, and
nothing alive is lost; the background loop survives a database that is away."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from llp_gql.db import migrate, tortoise_config
from llp_gql.domain import auth, housekeeping, ratelimit
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuthToken, RateCounter
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.factories import make_user

HOURS_IN_A_WEEK = 7 * 24


async def test_a_simulated_week_leaves_no_row_past_its_expiry(
    db: TortoiseContext, settings: Settings, clock: FakeClock
) -> None:
    # given a week of traffic: every hour an API login, an admin session and throttled requests
    user = await make_user("busy@mail.example")
    for _ in range(HOURS_IN_A_WEEK):
        await auth.issue_token(user, settings=settings, clock=clock)
        await auth.issue_token(user, settings=settings, kind=auth.SESSION, clock=clock)
        for address in ("a", "b"):
            await ratelimit.hit(f"login-ip:{address}", limit=100, now=clock(), message="")
        clock.advance(3600)
    # and this minute's counter, and a token issued just now
    await ratelimit.hit("login-ip:a", limit=100, now=clock(), message="")
    fresh = await auth.issue_token(user, settings=settings, kind=auth.SESSION, clock=clock)
    before = await AuthToken.all().count(), await RateCounter.all().count()
    assert before == (2 * HOURS_IN_A_WEEK + 1, 2 * HOURS_IN_A_WEEK + 1)

    # when the week is pruned
    pruned = await housekeeping.prune_expired(clock=clock)

    # then no row is past its expiry
    now = clock()
    assert await AuthToken.filter(expires_at__lte=now).count() == 0
    assert await RateCounter.filter(window_start__lt=now - ratelimit.WINDOW).count() == 0
    # and every live row is kept: API tokens of the last 7 days (the first one expired just
    # now), sessions of the last 8 hours, the current rate window
    api_alive = HOURS_IN_A_WEEK - 1
    sessions_alive = settings.session_ttl_seconds // 3600  # the last 7 hours' and the fresh one
    assert await AuthToken.filter(kind=auth.API).count() == api_alive
    assert await AuthToken.filter(kind=auth.SESSION).count() == sessions_alive
    assert await RateCounter.all().count() == 1
    assert pruned == housekeeping.Pruned(
        tokens=before[0] - api_alive - sessions_alive, rate_counters=before[1] - 1
    )
    assert await auth.authenticate(fresh.token, clock=clock) is not None
    # and a second round, as another worker would run it at the same time, finds nothing
    again = await asyncio.gather(*(housekeeping.prune_expired(clock=clock) for _ in range(2)))
    assert [p.total for p in again] == [0, 0]


async def test_the_loop_logs_a_failed_round_and_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    rounds: list[str] = []

    async def prune(**_: object) -> housekeeping.Pruned:
        rounds.append("tried")
        if len(rounds) == 1:
            raise ConnectionRefusedError("the database is away")
        return housekeeping.Pruned(tokens=2, rate_counters=3)

    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 3:
            raise asyncio.CancelledError  # the app shuts down

    with (
        caplog.at_level(logging.INFO, logger="llp_gql.housekeeping"),
        pytest.raises(asyncio.CancelledError),
    ):
        await housekeeping.run_periodically(600, prune=prune, sleep=sleep)
    assert rounds == ["tried"] * 3
    assert pauses == [600, 600, 600]
    messages = [r.getMessage() for r in caplog.records]
    assert "housekeeping round failed; next try in 600 s" in messages
    assert messages.count("housekeeping: " + housekeeping.Pruned(2, 3).describe()) == 2


async def test_the_running_app_prunes_in_the_background(tmp_path: Path, clock: FakeClock) -> None:
    # given a database with an expired session and a live API token
    url = f"sqlite://{tmp_path / 'prune.sqlite3'}"
    await migrate(url)
    settings = Settings(
        mode="dev", database_url=url, secret_key="k" * 40, prune_interval_seconds=3600
    )
    await Tortoise.init(config=tortoise_config(url))
    try:
        user = await make_user("old@mail.example")
        await auth.issue_token(user, settings=settings, kind=auth.SESSION, clock=clock)
        clock.advance(settings.session_ttl_seconds + 1)
        await auth.issue_token(user, settings=settings, clock=clock)
    finally:
        await Tortoise.close_connections()

    # when the app starts (its lifespan, as uvicorn runs it)
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        for _ in range(500):
            if await AuthToken.all().count() == 1:
                break
            await asyncio.sleep(0.01)
        # then the expired session is gone at once, the live token stays
        assert await AuthToken.filter(kind=auth.API).count() == 1
        assert await AuthToken.all().count() == 1
