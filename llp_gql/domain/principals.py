"""Who acts on a request: a person, or an API key acting as its role.

A key acts as a Company Admin of its company (or as staff, for a platform key), so
that ``access.py`` decides for it exactly as for a person of that role. The request
carries an unsaved ``User`` standing for the key: no id (so it is never anybody's
learner, creator or own account), a label instead of an email (which the audit log
keeps as the actor), and the key row itself, which ``key_of`` returns and the scope
rules of ``access_keys.py`` read.
"""

from __future__ import annotations

from llp_gql.models import AccountType, ApiKey, Role, User

_KEY_ATTRIBUTE = "_llp_api_key"


def key_label(prefix: str) -> str:
    """How a key appears as an actor (audit log, logs): its public prefix, never its secret."""
    return f"api-key:{prefix}"


def key_principal(row: ApiKey) -> User:
    """The unsaved person-of-a-role that a key acts as; never saved."""
    staff = row.company_id is None
    user = User(
        email=key_label(row.prefix),
        name=f"API key {row.name}",
        password_hash="",
        account_type=AccountType.INDIVIDUAL if staff else AccountType.EMPLOYEE,
        role=Role.STAFF if staff else Role.COMPANY_ADMIN,
    )
    user.company_id = row.company_id
    user.group_id = None
    user.deactivated_at = None
    setattr(user, _KEY_ATTRIBUTE, row)
    return user


def key_of(viewer: User | None) -> ApiKey | None:
    """The API key behind ``viewer``, or None for a person (or nobody)."""
    row = getattr(viewer, _KEY_ATTRIBUTE, None)
    return row if isinstance(row, ApiKey) else None


def is_person(viewer: User | None) -> bool:
    """Someone signed in as themselves, not through an API key."""
    return viewer is not None and key_of(viewer) is None
