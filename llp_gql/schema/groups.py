"""Group: a department of a company."""

from __future__ import annotations

import strawberry

from llp_gql.models import Group
from llp_gql.schema.context import Info
from llp_gql.schema.ids import encode_id
from llp_gql.schema.permissions import CanManageGroup


@strawberry.type(
    name="Group",
    description="A department of a company; every employee is in at most one. Seen by the "
    "company's admins (Company.groups) and, as User.group, by whoever sees the person.",
)
class GroupType:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the group.")
    name: str = strawberry.field(
        description="The group's name: 1 to 100 characters, unique in its company whatever "
        "the case."
    )
    pk: strawberry.Private[int]
    company_pk: strawberry.Private[int]
    known_count: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: Group, *, members: int | None = None) -> GroupType:
        return cls(
            id=strawberry.ID(encode_id("Group", row.id)),
            name=row.name,
            pk=row.id,
            company_pk=row.company_id,
            known_count=members,
        )

    @strawberry.field(
        permission_classes=[CanManageGroup],
        description="How many people are in the group, deactivated ones included. For the "
        "company's admins; FORBIDDEN for everyone else.",
    )
    async def member_count(self, info: Info) -> int:
        if self.known_count is not None:
            return self.known_count
        return await info.context.loaders.group_member_count.load(self.pk)
