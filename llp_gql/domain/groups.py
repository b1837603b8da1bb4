"""Groups (departments) of a company: create, rename, delete, who is in which.

A person is in at most one group of their company. Deleting a group leaves its
members ungrouped (the foreign key is SET NULL): nobody loses an enrollment.

Names are cleaned like person names and unique per company regardless of case.
The database's unique constraint is on the exact name only, so create and rename
take the company's row lock first: two admins creating "Sales" and "sales" at
the same moment are ordered, and the second gets CONFLICT. The constraint stays
the backstop (an IntegrityError is CONFLICT too, never a 500).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from llp_gql.domain import access, access_company, audit
from llp_gql.domain.accounts import clean_name
from llp_gql.errors import Conflict, NotFound, TooMany, ValidationFailed
from llp_gql.models import Company, User
from llp_gql.models import Group as Group  # re-exported: the rows pages are handed

MAX_GROUP_NAME_LENGTH = 100


def clean_group_name(name: str) -> str:
    """Spaces collapsed and trimmed, 1 to 100 characters, no control characters."""
    cleaned = clean_name(name)
    if len(cleaned) > MAX_GROUP_NAME_LENGTH:
        raise ValidationFailed(
            f"A group name may have at most {MAX_GROUP_NAME_LENGTH} characters.", field="name"
        )
    return cleaned


async def list_groups(viewer: access.Viewer) -> list[Group]:
    """The groups of the company the viewer administers, by name (none for others)."""
    return list(await access_company.visible_groups(viewer).order_by("name", "id"))


@dataclass(frozen=True, slots=True)
class GroupRow:
    group: Group
    members: int


async def groups_with_counts(viewer: access.Viewer) -> list[GroupRow]:
    """The viewer's company's groups by name, each with its member count; one query."""
    _ = await access.access_own_company(viewer)
    rows = (
        await access_company.visible_groups(viewer)
        .annotate(member_count=Count("members"))
        .order_by("name", "id")
    )
    return [GroupRow(g, int(getattr(g, "member_count", 0))) for g in rows]


async def member_counts(group_ids: Sequence[int]) -> dict[int, int]:
    """Members per group, for groups already access-checked; one query for any number."""
    counts = dict.fromkeys(group_ids, 0)
    rows = (
        await User.filter(group_id__in=list(group_ids))
        .annotate(n=Count("id"))
        .group_by("group_id")
        .values("group_id", "n")
    )
    for row in rows:
        counts[row["group_id"]] = int(row["n"])
    return counts


async def _lock_company(company_id: int, connection: BaseDBAsyncClient) -> None:
    """Order the group changes of one company (see the module's docstring)."""
    _ = await Company.select_for_update().using_db(connection).get(id=company_id)


async def _check_unique(
    company_id: int, name: str, connection: BaseDBAsyncClient, *, except_id: int | None = None
) -> None:
    names = await Group.filter(company_id=company_id).using_db(connection).values_list("id", "name")
    wanted = name.casefold()
    for group_id, existing in names:
        if group_id != except_id and str(existing).casefold() == wanted:
            raise Conflict(f"There is already a group called “{existing}”.", field="name")


async def create_group(viewer: access.Viewer, name: str, *, max_groups: int) -> Group:
    """A new, empty group in the admin's company. CONFLICT for a name taken (in any
    case); VALIDATION for a bad name or past ``max_groups`` groups."""
    admin = access.require_user(viewer)
    company = await access.access_own_company(admin)
    cleaned = clean_group_name(name)
    try:
        async with in_transaction() as connection:
            await _lock_company(company.id, connection)
            await _check_unique(company.id, cleaned, connection)
            if await Group.filter(company_id=company.id).using_db(connection).count() >= max_groups:
                raise TooMany(
                    f"A company may have at most {max_groups} groups.",
                    field="name",
                    limit="GROUPS_PER_COMPANY",
                )
            group = await Group.create(using_db=connection, company_id=company.id, name=cleaned)
            await audit.record(
                audit.GROUP_CREATED,
                actor=admin,
                subject_type="group",
                subject_id=group.id,
                company_id=company.id,
                details={"name": cleaned},
            )
    except IntegrityError:
        raise Conflict("There is already a group with this name.", field="name") from None
    return group


async def rename_group(viewer: access.Viewer, group_id: int, name: str) -> Group:
    """Rename a group of the admin's company; renaming to its own name changes nothing."""
    admin = access.require_user(viewer)
    group = await access_company.access_group(admin, group_id)
    cleaned = clean_group_name(name)
    if cleaned == group.name:
        return group
    try:
        async with in_transaction() as connection:
            await _lock_company(group.company_id, connection)
            await _check_unique(group.company_id, cleaned, connection, except_id=group.id)
            updated = await Group.filter(id=group.id).using_db(connection).update(name=cleaned)
            if not updated:  # deleted since we looked
                raise NotFound("Group")
            await audit.record(
                audit.GROUP_RENAMED,
                actor=admin,
                subject_type="group",
                subject_id=group.id,
                company_id=group.company_id,
                details={"from": group.name, "to": cleaned},
            )
    except IntegrityError:
        raise Conflict("There is already a group with this name.", field="name") from None
    group.name = cleaned
    return group


async def delete_group(viewer: access.Viewer, group_id: int) -> int:
    """Delete a group of the admin's company; its members stay, ungrouped. Answers how
    many members it had."""
    admin = access.require_user(viewer)
    group = await access_company.access_group(admin, group_id)
    async with in_transaction() as connection:
        # The row lock orders a deletion after an assignment to this group that holds it.
        locked = await Group.select_for_update().using_db(connection).filter(id=group.id).first()
        if locked is None:
            raise NotFound("Group")
        members = await User.filter(group_id=group.id).using_db(connection).count()
        await audit.record(
            audit.GROUP_DELETED,
            actor=admin,
            subject_type="group",
            subject_id=group.id,
            company_id=group.company_id,
            details={"name": group.name, "members": members},
        )
        await locked.delete(using_db=connection)
    return members


async def set_employee_group(viewer: access.Viewer, user_id: int, group_id: int | None) -> User:
    """Put an employee of the admin's company in a group of that company, or in none."""
    admin = access.require_user(viewer)
    _ = await access.access_own_company(admin)  # FORBIDDEN for all but company admins
    person = await access.access_employee(admin, user_id)
    group = await access_company.access_group(admin, group_id) if group_id is not None else None
    new_id = group.id if group else None
    if person.group_id == new_id:
        return person
    async with in_transaction() as connection:
        if group is not None:
            # Held until commit, so the group cannot be deleted under the new member.
            still = await Group.select_for_update().using_db(connection).filter(id=group.id).first()
            if still is None:
                raise NotFound("Group")
        await User.filter(id=person.id).using_db(connection).update(group_id=new_id)
        await audit.record(
            audit.EMPLOYEE_GROUP_SET,
            actor=admin,
            subject_type="user",
            subject_id=person.id,
            company_id=person.company_id,
            details={
                "email": person.email,
                "from_group_id": person.group_id,
                "to_group_id": new_id,
                "to_group": group.name if group else None,
            },
        )
    person.group_id = new_id
    return person


async def group_of(viewer: access.Viewer, group_id: int | None) -> Group | None:
    """The group a filter names (a page's ``group`` parameter, an API's ``groupId``):
    None for none; NOT_FOUND for another company's or a missing one."""
    return None if group_id is None else await access_company.access_group(viewer, group_id)


async def company_group(company_id: int, group_id: int) -> Group:
    """The group ``group_id`` of ``company_id``; NOT_FOUND alike for a group that does not
    exist and for another company's (inviting checks the group it puts a person in)."""
    group = await Group.get_or_none(id=group_id, company_id=company_id)
    if group is None:
        raise NotFound("Group")
    return group
