"""10,000 rows in a bounded number of statements, and two admins applying at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from llp_gql.domain import invitations
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.imports import Outcome, apply_stored, import_csv, upload
from llp_gql.domain.imports import apply as apply_module
from llp_gql.errors import Conflict
from llp_gql.models import Enrollment, Job, User
from llp_gql.settings import Settings
from tests.api.test_query_counts import QueryLog, queries
from tests.conftest import ON_POSTGRES
from tests.factories import World
from tests.imports.helpers import csv_text

__all__ = ["queries"]  # the fixture, imported for these tests
pytestmark = pytest.mark.asyncio
ROWS = 10_000


def big_file(course_title: str) -> str:
    return csv_text(
        *(
            f"person{i}@acme.example,Person {i},Group {i % 20},{course_title},2026-06-30"
            for i in range(ROWS)
        )
    )


async def counted(log: QueryLog, work: Any) -> tuple[int, Any]:
    log.statements.clear()
    log.active = True
    try:
        result = await work
    finally:
        log.active = False
    return len(log.statements), result


async def test_ten_thousand_rows_take_batched_statements(
    world: World, clock: FakeClock, settings: Settings, queries: QueryLog
) -> None:
    text = big_file(world.course.course.title)
    chunks = ROWS // 500  # people and enrollments are looked up 500 at a time

    def run(dry_run: bool) -> Any:
        return import_csv(world.admin_x, text, dry_run=dry_run, settings=settings, clock=clock)

    n_preview, preview = await counted(queries, run(True))
    assert preview.totals.new == ROWS
    assert preview.totals.errors == 0
    n_apply, applied = await counted(queries, run(False))
    assert applied.totals.new_assignments == ROWS
    n_again, again = await counted(queries, run(True))
    assert again.totals.unchanged == ROWS
    assert again.totals.already_assigned == ROWS
    print(f"\nimport of {ROWS} rows: preview {n_preview}, apply {n_apply}, again {n_again}")
    # Not one statement per row: a few per 500 rows.
    assert n_preview <= 5 + chunks, queries
    assert n_again <= 5 + 2 * chunks, queries
    assert n_apply <= 20 + 12 * chunks, queries
    assert await User.filter(company=world.company_x).count() == ROWS + 3
    assert await Job.filter(kind=invitations.INVITE_JOB).count() == ROWS
    assert await Enrollment.filter(due_at__isnull=False).count() == ROWS


def _file(world: World) -> str:
    return csv_text(
        *(f"racer{i}@acme.example,Racer {i},Team,{world.course.course.title},"
          for i in range(50))
    )  # fmt: skip


async def _outcomes(*tasks: Any) -> list[object]:
    return list(await asyncio.gather(*tasks, return_exceptions=True))


async def _check_once(world: World) -> None:
    assert await User.filter(email__startswith="racer").count() == 50
    assert await Job.filter(kind=invitations.INVITE_JOB).count() == 50
    assert await Enrollment.filter(learner__email__startswith="racer").count() == 50


async def test_a_stored_upload_applies_once(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    import_id = await upload(
        world.admin_x, "people.csv", _file(world).encode(), settings=settings, clock=clock
    )
    first = await apply_stored(world.admin_x, import_id, settings=settings, clock=clock)
    assert first.preview.totals.new == 50
    with pytest.raises(Conflict, match="applied already"):
        _ = await apply_stored(world.admin_x, import_id, settings=settings, clock=clock)
    await _check_once(world)


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent transactions need PostgreSQL")
async def test_two_admins_apply_one_upload_at_once(
    world: World,
    clock: FakeClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both requests pass the applied_at check before either commits; the row lock of the
    claim lets one through, the other then finds it applied: CONFLICT."""
    admin_2 = await User.create(
        email="admin2@acme.example", name="Second Admin", password_hash="x",
        account_type=world.admin_x.account_type, role=world.admin_x.role,
        company=world.company_x,
    )  # fmt: skip
    import_id = await upload(
        world.admin_x, "people.csv", _file(world).encode(), settings=settings, clock=clock
    )
    real_plan = apply_module.plan

    async def slow_plan(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.3)  # the other request now waits on the claimed row
        return await real_plan(*args, **kwargs)

    monkeypatch.setattr(apply_module, "plan", slow_plan)
    results = await _outcomes(
        apply_stored(world.admin_x, import_id, settings=settings, clock=clock),
        apply_stored(admin_2, import_id, settings=settings, clock=clock),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1, results
    assert "applied already" in conflicts[0].message
    await _check_once(world)


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent transactions need PostgreSQL")
async def test_two_stateless_applies_of_one_file_at_once(
    world: World, clock: FakeClock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both plan the file as all NEW before either writes; the unique email lets one
    commit, the other rolls back whole with CONFLICT."""
    planned = 0
    both = asyncio.Event()
    real_plan = apply_module.plan

    async def plan_together(*args: Any, **kwargs: Any) -> Any:
        nonlocal planned
        result = await real_plan(*args, **kwargs)
        planned += 1
        if planned == 2:
            both.set()
        await asyncio.wait_for(both.wait(), 5)
        return result

    monkeypatch.setattr(apply_module, "plan", plan_together)
    text = _file(world)
    results = await _outcomes(
        *(
            import_csv(world.admin_x, text, dry_run=False, settings=settings, clock=clock)
            for _ in range(2)
        )
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1, results
    applied = [r for r in results if not isinstance(r, BaseException)]
    assert [row.outcome for row in applied[0].rows] == [Outcome.NEW] * 50
    await _check_once(world)


async def test_housekeeping_deletes_uploads_older_than_a_day(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    from llp_gql.domain import housekeeping
    from llp_gql.models import EmployeeImport

    old = await upload(
        world.admin_x, "old.csv", _file(world).encode(), settings=settings, clock=clock
    )
    clock.advance(86400 - 60)
    fresh = await upload(
        world.admin_x, "new.csv", _file(world).encode(), settings=settings, clock=clock
    )
    clock.advance(120)
    pruned = await housekeeping.prune_expired(clock=clock, settings=settings)
    assert pruned.imports == 1
    assert [i.id for i in await EmployeeImport.all()] == [fresh]
    with pytest.raises(Exception, match="EmployeeImport"):
        _ = await apply_stored(world.admin_x, old, settings=settings, clock=clock)
