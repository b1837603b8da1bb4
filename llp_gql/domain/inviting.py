"""Company Admins invite employees, and resend invitations (DESIGN.md section 2).

An invited person is created at once, with no password (``invitations.PENDING``),
and their invitation mail is queued in the same transaction
(``invitations.enqueue_invitations``); the link lets them choose their password.
Nobody but the person ever chooses or sees it.

Two throttles, each with its setting and its ``RATE_LIMITED`` limit name:

- ``LLP_INVITATIONS_PER_ADMIN_PER_HOUR`` (INVITATIONS_PER_ADMIN): people an admin
  invited or re-invited within the last hour;
- ``LLP_INVITATION_RESENDS_PER_PERSON_PER_HOUR`` (INVITATION_RESENDS_PER_PERSON):
  resends to one person within the last hour, so nobody's inbox can be flooded.

Both count the audit log (a sliding hour, exact), inside the transaction that adds
the new audit row, with the admin's (and the person's) row locked on PostgreSQL:
two requests racing at the limit are serialised and only one gets through.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit, invitations
from llp_gql.domain.accounts import clean_email, clean_name
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.groups import company_group
from llp_gql.domain.locks import lock_company
from llp_gql.domain.principals import key_of
from llp_gql.errors import Conflict, RateLimited, ValidationFailed
from llp_gql.models import AccountType, AuditEvent, Role, User
from llp_gql.settings import Settings

_EMAIL_TAKEN = "An account with this email already exists."
_SENT = (audit.EMPLOYEE_INVITED, audit.INVITATION_RESENT)


async def _lock(user_id: int, connection: BaseDBAsyncClient) -> User | None:
    """The person's row, locked until the transaction ends (PostgreSQL; SQLite has one
    writer at a time anyway)."""
    return await User.filter(id=user_id).select_for_update().using_db(connection).first()


async def _recent(connection: BaseDBAsyncClient, since: datetime, **where: object) -> int:
    count: int = (
        await AuditEvent.filter(action__in=_SENT, at__gt=since, **where)
        .using_db(connection)
        .count()
    )
    return count


async def _throttle_admin(
    admin: User, connection: BaseDBAsyncClient, *, settings: Settings, now: datetime
) -> None:
    key = key_of(admin)
    if key is not None:
        # An API key has no row and no id: it is counted by its own label, and its
        # company's row is the lock (never all keys together, as actor_id NULL would).
        assert admin.company_id is not None
        await lock_company(admin.company_id, connection)
        who: dict[str, object] = {"actor_email": admin.email}
    else:
        _ = await _lock(admin.id, connection)
        who = {"actor_id": admin.id}
    limit = settings.invitations_per_admin_per_hour
    if await _recent(connection, now - timedelta(hours=1), **who) >= limit:
        raise RateLimited(
            f"You have sent {limit} invitations within the last hour; wait a while.",
            limit="INVITATIONS_PER_ADMIN",
        )


async def invite_employee(
    viewer: access.Viewer,
    email: str,
    name: str,
    group_id: int | None = None,
    *,
    settings: Settings,
    clock: Clock = utcnow,
) -> User:
    """Create an employee (a learner) of the admin's company with no password yet, in
    ``group_id`` when given (NOT_FOUND for another company's group), and queue their
    invitation. CONFLICT when the email has an account."""
    admin = access.require_user(viewer)
    company = await access.access_own_company(admin)
    email = clean_email(email)
    name = clean_name(name)
    if group_id is not None:
        _ = await company_group(company.id, group_id)
    if await User.exists(email=email):
        raise Conflict(_EMAIL_TAKEN, field="email")
    now = clock()
    async with in_transaction() as connection:
        await _throttle_admin(admin, connection, settings=settings, now=now)
        try:
            user = await User.create(
                email=email,
                name=name,
                password_hash=invitations.PENDING,
                account_type=AccountType.EMPLOYEE,
                role=Role.LEARNER,
                company_id=company.id,
                group_id=group_id,
                using_db=connection,
            )
        except IntegrityError:
            raise Conflict(_EMAIL_TAKEN, field="email") from None
        await audit.record(
            audit.EMPLOYEE_INVITED,
            actor=admin,
            subject_type="user",
            subject_id=user.id,
            company_id=company.id,
            at=now,
            details={"email": user.email, "name": user.name, "group_id": group_id},
        )
        await invitations.enqueue_invitations(
            [user.id], invited_by=admin.id, connection=connection, clock=clock
        )
    return user


async def resend_invitation(
    viewer: access.Viewer, user_id: int, *, settings: Settings, clock: Clock = utcnow
) -> User:
    """Mail a fresh invitation link to an employee of the admin's company who has not
    set a password yet and is active. Earlier links keep working until they expire;
    using any one spends them all. NOT_FOUND for anyone not of the admin's company;
    VALIDATION when there is no pending invitation."""
    admin = access.require_user(viewer)
    person = await access.access_employee(admin, user_id)
    now = clock()
    async with in_transaction() as connection:
        await _throttle_admin(admin, connection, settings=settings, now=now)
        current = await _lock(person.id, connection)
        if current is None:  # removed meanwhile
            raise ValidationFailed("This person has no pending invitation.", field="userId")
        if not invitations.is_pending(current) or current.deactivated_at is not None:
            raise ValidationFailed(
                "This person has no pending invitation: they have set their password "
                "or been deactivated.",
                field="userId",
            )
        limit = settings.invitation_resends_per_person_per_hour
        resent = await _recent(
            connection,
            now - timedelta(hours=1),
            action=audit.INVITATION_RESENT,
            subject_id=person.id,
        )
        if resent >= limit:
            raise RateLimited(
                f"The invitation was sent again {limit} times within the last hour; wait "
                "a while before sending it again.",
                limit="INVITATION_RESENDS_PER_PERSON",
            )
        await audit.record(
            audit.INVITATION_RESENT,
            actor=admin,
            subject_type="user",
            subject_id=current.id,
            company_id=current.company_id,
            at=now,
            details={"email": current.email},
        )
        await invitations.enqueue_invitations(
            [current.id], invited_by=admin.id, connection=connection, clock=clock
        )
    return current
