"""The access rules for a company's own records: its groups, its audit log and its
employee imports. Part of the one policy (``access.py``, whose role predicates these
use); split from it only to keep each module readable."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from llp_gql.domain.access import Viewer, is_company_admin, may_manage_company, require_user
from llp_gql.errors import Forbidden, NotFound
from llp_gql.models import AuditEvent, EmployeeImport, Group


async def access_employee_import(viewer: Viewer, import_id: int) -> EmployeeImport:
    """An uploaded employee CSV of the company the viewer administers; NOT_FOUND alike
    for missing ones and other companies' (and for anyone who is not their admin)."""
    upload = await EmployeeImport.get_or_none(id=import_id)
    if upload is None or not may_manage_company(viewer, upload.company_id):
        raise NotFound("EmployeeImport")
    return upload


def visible_audit_events(viewer: Viewer) -> QuerySet[AuditEvent]:
    """The audit log of the company the viewer administers; nothing for anyone else
    (staff read the log in the database, not in the admin UI)."""
    if viewer is not None and viewer.company_id is not None and is_company_admin(viewer):
        return AuditEvent.filter(company_id=viewer.company_id)
    return AuditEvent.filter(id__in=[])


def visible_groups(viewer: Viewer) -> QuerySet[Group]:
    """The groups of the company the viewer administers; none for anyone else."""
    if viewer is not None and viewer.company_id is not None and is_company_admin(viewer):
        return Group.filter(company_id=viewer.company_id)
    return Group.filter(id__in=[])


async def access_group(viewer: Viewer, group_id: int) -> Group:
    """A group of the admin's own company: FORBIDDEN for anyone but a company admin,
    NOT_FOUND alike for a missing group and another company's."""
    admin = require_user(viewer)
    if not is_company_admin(admin):
        raise Forbidden("Only company admins can do this.")
    group = await visible_groups(admin).get_or_none(id=group_id)
    if group is None:
        raise NotFound("Group")
    return group
