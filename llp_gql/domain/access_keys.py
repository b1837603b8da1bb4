"""The access policy for API keys: what a key's scopes open, and who manages keys.

Split from ``access.py`` (one policy, two modules): a key acts as its role (a
Company Admin of its company, or staff for a platform key; see ``principals.py``)
and ``access.py`` decides every object-level question for it exactly as for a
person of that role. What this module adds only narrows that:

- a key's scopes open operations: ``read`` opens queries; each mutation a key may
  run at all needs the one scope named in ``MUTATION_SCOPES``; every other
  mutation (passwords, sessions, learning, authoring, companies, admins, keys)
  is refused to every key, whatever its scopes (FORBIDDEN, reason API_KEY_SCOPE);
- keys are created, listed and revoked by people only: a company's active admins
  for their company, staff for the platform's keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tortoise.queryset import QuerySet

from llp_gql.domain import access
from llp_gql.domain.principals import is_person, key_of
from llp_gql.errors import Forbidden, NotFound, ValidationFailed
from llp_gql.models import ApiKey

READ = "read"
MANAGE_PEOPLE = "manage-people"
ASSIGN = "assign"
COMPANY_SCOPES = (READ, MANAGE_PEOPLE, ASSIGN)
# Staff keys read (the support view); staff's writes (authoring, companies) need a person.
STAFF_SCOPES = (READ,)

# The only mutations a key may run, each with the scope it needs.
MUTATION_SCOPES: dict[str, str] = {
    **dict.fromkeys(
        (
            "createEmployee",
            "inviteEmployee",
            "resendInvitation",
            "removeEmployee",
            "deactivateEmployee",
            "reactivateEmployee",
            "renameUser",
            "createGroup",
            "renameGroup",
            "deleteGroup",
            "setEmployeeGroup",
        ),
        MANAGE_PEOPLE,
    ),
    **dict.fromkeys(
        ("assignCourse", "setDueDate", "removeEnrollment", "grantQuizAttempts"), ASSIGN
    ),
}
SCOPE_REFUSED = "API_KEY_SCOPE"


class ScopeRefused(Forbidden):
    """FORBIDDEN with reason API_KEY_SCOPE: the key's scopes do not open this operation."""

    def extensions(self) -> dict[str, object]:
        return {**super().extensions(), "reason": SCOPE_REFUSED}


def scopes_of(row: ApiKey) -> frozenset[str]:
    return frozenset(row.scopes.split())


def check_operation(viewer: access.Viewer, operation: str, root_fields: Iterable[str]) -> None:
    """Raise ``ScopeRefused`` unless the viewer's key (if any) may run this operation
    (``query`` or ``mutation``) with these root fields. People pass untouched."""
    row = key_of(viewer)
    if row is None:
        return
    scopes = scopes_of(row)
    if operation == "query":
        if READ not in scopes:
            raise ScopeRefused("This API key has no read scope.")
        return
    if operation != "mutation":
        raise ScopeRefused("API keys send queries and mutations only.")
    for name in root_fields:
        needed = MUTATION_SCOPES.get(name)
        if needed is None:
            raise ScopeRefused(f"API keys cannot use {name}.")
        if needed not in scopes:
            raise ScopeRefused(f"{name} needs an API key with the {needed} scope.")


def clean_scopes(scopes: Sequence[str], *, staff: bool) -> str:
    """The scopes as stored (space-separated, in canonical order); VALIDATION for an
    unknown scope, none at all, or a company scope on a staff key."""
    allowed = STAFF_SCOPES if staff else COMPANY_SCOPES
    wanted = {s.strip().lower() for s in scopes}
    unknown = sorted(wanted - set(allowed))
    if unknown or not wanted:
        raise ValidationFailed(
            f"Scopes must be some of {', '.join(allowed)}"
            + (f"; not {', '.join(unknown)[:100]}." if unknown else "."),
            field="scopes",
        )
    return " ".join(s for s in allowed if s in wanted)


def require_person(viewer: access.Viewer, message: str) -> None:
    """FORBIDDEN (reason API_KEY_SCOPE) for an API key: for what only people do outside
    GraphQL (the certificate export)."""
    if key_of(viewer) is not None:
        raise ScopeRefused(message)


# -- managing keys: people only ------------------------------------------------------


def may_manage_api_keys(viewer: access.Viewer, company_id: int | None) -> bool:
    """A company's keys: its active admins; the platform's keys (no company): staff.
    Never a key: a key cannot make, see or revoke keys."""
    if not is_person(viewer):
        return False
    if company_id is None:
        return access.is_staff(viewer)
    return access.is_company_admin(viewer, company_id)


def company_for_new_key(viewer: access.Viewer) -> int | None:
    """The company a new key of the viewer belongs to (None: a staff key); FORBIDDEN
    for anyone who may not make keys."""
    user = access.require_user(viewer)
    company_id = None if access.is_staff(user) else user.company_id
    if not may_manage_api_keys(user, company_id):
        raise Forbidden("Only company admins and staff can manage API keys.")
    return company_id


def visible_api_keys(viewer: access.Viewer) -> QuerySet[ApiKey]:
    """The keys the viewer manages: their company's, or the platform's for staff."""
    if not is_person(viewer) or viewer is None:
        return ApiKey.filter(id__in=[])
    if access.is_staff(viewer):
        return ApiKey.filter(company_id__isnull=True)
    if viewer.company_id is not None and access.is_company_admin(viewer, viewer.company_id):
        return ApiKey.filter(company_id=viewer.company_id)
    return ApiKey.filter(id__in=[])


async def access_api_key(viewer: access.Viewer, key_id: int) -> ApiKey:
    """A key the viewer manages; NOT_FOUND alike for a missing one and another's."""
    _ = access.require_user(viewer)
    row = await visible_api_keys(viewer).get_or_none(id=key_id)
    if row is None:
        raise NotFound("ApiKey")
    return row
