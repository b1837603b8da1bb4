"""Races around groups: two creates of one name, deleting a group while assigning to it.

On PostgreSQL the calls run on separate connections at the same moment; on SQLite
the single writer serialises them, and the same outcomes must hold.
"""

from __future__ import annotations

import asyncio

import pytest

from llp_gql.domain import enrollments, groups
from llp_gql.errors import Conflict, NotFound
from llp_gql.models import Enrollment, Group, User
from tests.factories import World, make_user


@pytest.mark.parametrize("second", ["Sales", "sales", " SALES "])
async def test_two_creates_of_one_name_make_one_group_and_one_conflict(
    world: World, second: str
) -> None:
    admin_2 = await make_user(
        "admin2@acme.example", company=world.company_x, role=world.admin_x.role
    )
    for attempt in range(5):
        await Group.all().delete()
        # when two admins create the same name (in any case) at the same moment
        results = await asyncio.gather(
            groups.create_group(world.admin_x, "Sales", max_groups=100),
            groups.create_group(admin_2, second, max_groups=100),
            return_exceptions=True,
        )
        # then exactly one group exists and the other call answers CONFLICT (not a 500)
        made = [r for r in results if isinstance(r, Group)]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert (len(made), len(refused)) == (1, 1), (attempt, results)
        assert await Group.filter(company_id=world.company_x.id).count() == 1


async def test_deleting_a_group_while_assigning_to_it_is_all_or_nothing(world: World) -> None:
    course = world.course.course.id
    for attempt in range(5):
        await Enrollment.all().delete()
        group = await groups.create_group(world.admin_x, f"Sales {attempt}", max_groups=100)
        await User.filter(id__in=[world.employee_x.id, world.employee_x2.id]).update(
            group_id=group.id
        )
        # when the group is assigned and deleted at the same moment
        assigned, deleted = await asyncio.gather(
            enrollments.assign_course(world.admin_x, course, [], group_ids=[group.id]),
            groups.delete_group(world.admin_x, group.id),
            return_exceptions=True,
        )
        # then the deletion happened, and the assignment either reached every member the
        # group had or refused with NOT_FOUND and stored nothing
        assert deleted == 2, (attempt, deleted)
        count = await Enrollment.all().count()
        if isinstance(assigned, NotFound):
            assert count == 0
        else:
            assert isinstance(assigned, list), assigned
            assert count == len(assigned) == 2
        assert not await Group.filter(id=group.id).exists()
        assert await User.filter(group_id=None, company_id=world.company_x.id).count() == 3


async def test_putting_someone_in_a_group_being_deleted_never_fails_badly(world: World) -> None:
    for attempt in range(5):
        group = await groups.create_group(world.admin_x, f"Ops {attempt}", max_groups=100)
        moved, deleted = await asyncio.gather(
            groups.set_employee_group(world.admin_x, world.employee_x.id, group.id),
            groups.delete_group(world.admin_x, group.id),
            return_exceptions=True,
        )
        assert isinstance(deleted, int), deleted
        assert isinstance(moved, (User, NotFound)), moved
        # whichever went first, nobody points at a deleted group
        assert (await User.get(id=world.employee_x.id)).group_id is None
