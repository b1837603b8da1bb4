"""Groups (departments): create, rename, delete, and who is in which."""

from __future__ import annotations

from typing import Annotated

import strawberry

from llp_gql.domain import groups
from llp_gql.schema.accounts import UserType
from llp_gql.schema.context import Info
from llp_gql.schema.groups import GroupType
from llp_gql.schema.ids import decode_id

GroupName = Annotated[
    str,
    strawberry.argument(
        description="The group's name: 1 to 100 characters, runs of spaces collapsed; unique "
        "in your company whatever the case, else CONFLICT."
    ),
]
GroupId = Annotated[strawberry.ID, strawberry.argument(description="The group (Group.id).")]


async def create_group(info: Info, name: GroupName) -> GroupType:
    context = info.context
    row = await groups.create_group(
        context.viewer, name, max_groups=context.settings.max_groups_per_company
    )
    return GroupType.from_model(row, members=0)


async def rename_group(info: Info, group_id: GroupId, name: GroupName) -> GroupType:
    row = await groups.rename_group(info.context.viewer, decode_id("Group", group_id), name)
    return GroupType.from_model(row)


async def delete_group(info: Info, group_id: GroupId) -> bool:
    _ = await groups.delete_group(info.context.viewer, decode_id("Group", group_id))
    return True


async def set_employee_group(
    info: Info,
    user_id: Annotated[
        strawberry.ID, strawberry.argument(description="An employee of your company (User.id).")
    ],
    group_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="A group of your company (Group.id); null for none."),
    ] = None,
) -> UserType:
    viewer = info.context.viewer
    target = decode_id("Group", group_id) if group_id is not None else None
    row = await groups.set_employee_group(viewer, decode_id("User", user_id), target)
    return UserType.from_model(row)
