"""Membership of a company: leavers (deactivate, reactivate), admins, and renames.

Leaving is not removal (DESIGN.md section 3): a deactivated person cannot sign in
(every session and API token ends at once, pending password and invitation links
are spent), gets no new assignment and makes no progress, while their
enrollments, progress and certificates stay with the company. Reactivation gives
access back with the old password.

A company always keeps at least one active admin. Who the admins are is decided
under the company's row lock (``locks.lock_company``, ``SELECT ... FOR UPDATE`` on
PostgreSQL): two admins demoting or deactivating each other at the same moment
are serialised, and the second one counts what the first left. The actor's own
authority is re-read under that lock too: an admin demoted a moment ago cannot
act on the strength of the role they had when their request started.

Who may do what is ``access``'s (``access_employee_to_manage``,
``access_user_to_rename``); this module holds the rules of the changes.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit, event_data, events
from llp_gql.domain.accounts import clean_name
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.locks import lock_company, lock_user
from llp_gql.domain.principals import key_of
from llp_gql.errors import Conflict, Forbidden, NotFound, ValidationFailed
from llp_gql.models import AuthToken, PasswordResetToken, Role, User

LAST_ADMIN = "A company needs at least one active admin: make someone else an admin first."


async def _locked(actor: User, user: User, connection: BaseDBAsyncClient) -> tuple[User, User]:
    """Lock the company, then read the actor and the person afresh under the lock.

    The actor must still be an active admin of that company (FORBIDDEN otherwise, as
    for any non-admin); a person removed meanwhile is NOT_FOUND."""
    assert user.company_id is not None  # access_employee admits company members only
    await lock_company(user.company_id, connection)
    current = await lock_user(user.id, connection)
    if current is None:
        raise NotFound("User")
    if key_of(actor) is not None:
        # An API key has no row to re-read; it was checked (not revoked) for this request.
        current_actor: User | None = actor
    elif actor.id == user.id:
        current_actor = current
    else:
        current_actor = await lock_user(actor.id, connection)
    if current_actor is None or not access.is_company_admin(current_actor, user.company_id):
        raise Forbidden("Only company admins can do this.")
    return current_actor, current


async def _record(
    action: str,
    actor: User,
    person: User,
    *,
    at: datetime,
    details: dict[str, object] | None = None,
) -> None:
    """The audit event of a change to a person (no names: the log outlives erasure)."""
    await audit.record(
        action,
        actor=actor,
        subject_type="user",
        subject_id=person.id,
        company_id=person.company_id,
        at=at,
        details=details,
    )


async def _other_active_admins(user: User, connection: BaseDBAsyncClient) -> int:
    """Active admins of the person's company other than them (call under the company lock)."""
    count: int = await (
        User.filter(
            company_id=user.company_id, role=Role.COMPANY_ADMIN, deactivated_at__isnull=True
        )
        .exclude(id=user.id)
        .using_db(connection)
        .count()
    )
    return count


async def end_access(user: User, connection: BaseDBAsyncClient, *, now: datetime) -> int:
    """End every session and API token of the person and spend their pending password
    and invitation links, inside the caller's transaction; how many sessions ended."""
    ended: int = await AuthToken.filter(user_id=user.id).using_db(connection).delete()
    _ = await (
        PasswordResetToken.filter(user_id=user.id, used_at__isnull=True)
        .using_db(connection)
        .update(used_at=now)
    )
    return ended


async def deactivate_employee(
    viewer: access.Viewer, user_id: int, *, clock: Clock = utcnow
) -> User:
    """A company admin deactivates a person of their company who left.

    Not oneself (VALIDATION: ask another admin), never the last active admin
    (CONFLICT). Deactivating a deactivated person changes nothing and records
    nothing; the person is answered as they are."""
    admin = access.require_user(viewer)
    user = await access.access_employee_to_manage(admin, user_id)
    if user.id == admin.id:
        raise ValidationFailed("You cannot deactivate yourself; ask another admin.")
    now = clock()
    async with in_transaction() as connection:
        actor, current = await _locked(admin, user, connection)
        if not access.is_active(current):
            return current
        if (
            current.role == Role.COMPANY_ADMIN
            and await _other_active_admins(current, connection) == 0
        ):
            raise Conflict(LAST_ADMIN)
        current.deactivated_at = now
        await current.save(update_fields=["deactivated_at"], using_db=connection)
        ended = await end_access(current, connection, now=now)
        await _record(
            audit.EMPLOYEE_DEACTIVATED, actor, current, at=now, details={"sessions_ended": ended}
        )
        _ = await events.emit(
            events.EMPLOYEE_DEACTIVATED,
            company_id=current.company_id,
            data={
                "user": event_data.person(current.id, current.email, current.name),
                "deactivatedAt": event_data.timestamp(now),
            },
            ordering_key=event_data.person_key(current.id),
            connection=connection,
            clock=clock,
        )
    return current


async def reactivate_employee(
    viewer: access.Viewer, user_id: int, *, clock: Clock = utcnow
) -> User:
    """A company admin gives a deactivated person of their company access again (their
    old password works; their role is what it was). Reactivating an active person
    changes nothing and records nothing."""
    admin = access.require_user(viewer)
    user = await access.access_employee_to_manage(admin, user_id)
    now = clock()
    async with in_transaction() as connection:
        actor, current = await _locked(admin, user, connection)
        if access.is_active(current):
            return current
        current.deactivated_at = None
        await current.save(update_fields=["deactivated_at"], using_db=connection)
        await _record(audit.EMPLOYEE_REACTIVATED, actor, current, at=now)
    return current


async def set_company_admin(
    viewer: access.Viewer, user_id: int, is_admin: bool, *, clock: Clock = utcnow
) -> User:
    """Make an active person of the admin's company a Company Admin, or take the role
    away (oneself included, while another active admin remains).

    VALIDATION to promote a deactivated person (reactivate them first); CONFLICT to
    demote the last active admin. Asking for the role a person already has changes
    nothing and records nothing. The role is read on every request, so a demoted
    admin's next request already finds no admin page and no admin field."""
    admin = access.require_user(viewer)
    user = await access.access_employee_to_manage(admin, user_id)
    now = clock()
    async with in_transaction() as connection:
        actor, current = await _locked(admin, user, connection)
        wanted = Role.COMPANY_ADMIN if is_admin else Role.LEARNER
        if current.role == wanted:
            return current
        if is_admin and not access.is_active(current):
            raise ValidationFailed(
                "This person has left the company (deactivated); reactivate them first.",
                field="userId",
            )
        if (
            not is_admin
            and access.is_active(current)
            and await _other_active_admins(current, connection) == 0
        ):
            raise Conflict(LAST_ADMIN)
        current.role = wanted
        await current.save(update_fields=["role"], using_db=connection)
        await _record(
            audit.ADMIN_GRANTED if is_admin else audit.ADMIN_REVOKED, actor, current, at=now
        )
    return current


async def rename_user(
    viewer: access.Viewer, user_id: int, name: str, *, clock: Clock = utcnow
) -> User:
    """Change a person's name (the rules of sign-up): oneself, or, for a company admin,
    a person of their company. Certificates already issued keep the name printed on
    them (their snapshot); new ones carry the new name.

    Audited without the names: the log outlives the person (erasure), and who
    renamed whom and when is what it needs; the name itself lives on the person's
    row and on their certificates. The same name again records nothing."""
    actor = access.require_user(viewer)
    user = await access.access_user_to_rename(actor, user_id)
    cleaned = clean_name(name)
    if cleaned == user.name:
        return user
    async with in_transaction() as connection:
        current = await lock_user(user.id, connection)
        if current is None:
            raise NotFound("User")
        current.name = cleaned
        await current.save(update_fields=["name"], using_db=connection)
        await _record(audit.USER_RENAMED, actor, current, at=clock())
    if actor.id == current.id:
        actor.name = cleaned  # the viewer object of this request shows the new name
    return current
