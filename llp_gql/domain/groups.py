"""Groups (departments) of a company, as far as inviting needs them.

Group management (create, rename, delete, assign by group) is its own piece of work;
this module only lists a company's groups and checks that one is the company's.
"""

from __future__ import annotations

from llp_gql.domain import access
from llp_gql.errors import NotFound
from llp_gql.models import Group


async def list_groups(viewer: access.Viewer) -> list[Group]:
    """The groups of the company the viewer administers, by name; [] for anyone else."""
    if viewer is None or viewer.company_id is None or not access.is_company_admin(viewer):
        return []
    return list(await Group.filter(company_id=viewer.company_id).order_by("name", "id"))


async def company_group(company_id: int, group_id: int) -> Group:
    """The group ``group_id`` of ``company_id``; NOT_FOUND alike for a group that does not
    exist and for another company's."""
    group = await Group.get_or_none(id=group_id, company_id=company_id)
    if group is None:
        raise NotFound("Group")
    return group
