"""The enrollment-status rule exists once (llp_gql.domain.state): in Python on rows
(``compute_state``) and in SQL on a query (``with_status``), with the same answer."""

from __future__ import annotations

import pytest

from llp_gql.domain import progress
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.state import EnrollmentStatus, status_of, with_status
from llp_gql.models import Enrollment
from llp_gql.settings import Settings
from tests.domain import assign, finish_before
from tests.factories import World


@pytest.mark.parametrize(
    ("completed", "has_progress", "expected"),
    [
        (False, False, EnrollmentStatus.NOT_STARTED),
        (False, True, EnrollmentStatus.IN_PROGRESS),
        (True, True, EnrollmentStatus.COMPLETED),
        (True, False, EnrollmentStatus.COMPLETED),
    ],
)
def test_the_status_of_each_case(completed: bool, has_progress: bool, expected: str) -> None:
    # given whether an enrollment is completed and has progress; then its status
    assert status_of(completed=completed, has_progress=has_progress) == expected


async def test_sql_and_python_agree_on_every_status(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given one enrollment not started, one in progress and one completed
    fresh = await assign(world, world.employee_x)
    started = await assign(world, world.employee_x2)
    finished = await assign(world, world.admin_x)
    await finish_before(world.employee_x2, started, 2, clock=clock, settings=settings)
    await finish_before(world.admin_x, finished, 99, clock=clock, settings=settings)
    everyone = Enrollment.filter(company_id=world.company_x.id)
    # when each status is computed in Python and selected in SQL
    states = await progress.load_states(await everyone)
    by_python = {status: set[int]() for status in EnrollmentStatus}
    for enrollment_id, state in states.items():
        by_python[state.status].add(enrollment_id)
    by_sql = {
        status: {e.id for e in await with_status(everyone, status)} for status in EnrollmentStatus
    }
    # then both put each enrollment under the same status, one row each
    assert (
        by_python
        == by_sql
        == {
            EnrollmentStatus.NOT_STARTED: {fresh.id},
            EnrollmentStatus.IN_PROGRESS: {started.id},
            EnrollmentStatus.COMPLETED: {finished.id},
        }
    )
