"""Accounts: sign-up, companies and their employees, and removal of people."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from llp_gql.domain import access, audit, ratelimit
from llp_gql.domain.certificates import WITHDRAWN_PERSON_REMOVED, withdraw_for_enrollments
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.invitations import PENDING, enqueue_invitations
from llp_gql.domain.locks import lock_enrollments
from llp_gql.domain.passwords import (
    check_password_rules,
    hash_password_async,
    verify_password_async,
)
from llp_gql.errors import Conflict, Forbidden, ValidationFailed
from llp_gql.models import AccountType, Company, Enrollment, Role, User
from llp_gql.settings import Settings

# Deliberately loose: the only real check of an address is a mail that arrives.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MAX_NAME_LENGTH = 200


def has_control_characters(text: str) -> bool:
    """NUL and other C0 controls: never meaningful in our text, and PostgreSQL
    refuses NUL outright, so they are stopped at the door."""
    return any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text)


def clean_email(email: str) -> str:
    cleaned = email.strip().lower()
    if len(cleaned) > 254 or has_control_characters(cleaned) or not _EMAIL.match(cleaned):
        raise ValidationFailed("Enter a valid email address.", field="email")
    return cleaned


def clean_name(name: str, field: str = "name") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed("The name cannot be empty.", field=field)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationFailed(
            f"The name may have at most {MAX_NAME_LENGTH} characters.", field=field
        )
    if any(ord(ch) < 32 for ch in cleaned):
        raise ValidationFailed("The name contains control characters.", field=field)
    return cleaned


async def check_password(user: User | None, password: str) -> bool:
    """Same work whether or not the user exists (see passwords.verify_password), in the
    process's bounded hashing pool. An invited person who has not set a password yet
    (``invitations.PENDING``) is checked like an unknown email: against the dummy hash,
    so a login is refused with the same words, code and cost as a wrong password."""
    known = user is not None and user.password_hash != PENDING
    return await verify_password_async(user.password_hash if known and user else None, password)


@dataclass(frozen=True, slots=True)
class _NewPerson:
    email: str
    name: str
    password_hash: str


_EMAIL_TAKEN = "An account with this email already exists."


async def _new_person(email: str, name: str, password: str) -> _NewPerson:
    """Validate, refuse a taken email, then hash: all before any transaction opens, so
    no connection is held while a hash waits for the pool. The cheap refusals come
    first and never cost a hash."""
    email = clean_email(email)
    name = clean_name(name)
    check_password_rules(password)
    if await User.exists(email=email):
        raise Conflict(_EMAIL_TAKEN, field="email")
    return _NewPerson(email, name, await hash_password_async(password))


async def _insert_user(
    person: _NewPerson, *, account_type: AccountType, role: Role, company_id: int | None
) -> User:
    """The unique constraint on the email decides between racing requests: exactly one
    row, and CONFLICT for every other."""
    try:
        return await User.create(
            email=person.email,
            name=person.name,
            password_hash=person.password_hash,
            account_type=account_type,
            role=role,
            company_id=company_id,
        )
    except IntegrityError:
        raise Conflict(_EMAIL_TAKEN, field="email") from None


async def sign_up(
    email: str,
    password: str,
    name: str,
    *,
    settings: Settings,
    client_address: str | None,
    clock: Clock = utcnow,
) -> User:
    """Anyone may open an individual account; ``client_address`` throttles it
    (``LLP_SIGNUPS_PER_ADDRESS`` a minute). None is for trusted callers only: the demo
    seed and scripts, never a request.

    A taken email is answered without hashing the new password, yet at the cost of a
    hash: a dummy verification runs in the same pool (argon2 verifying recomputes a
    hash with the same parameters), so both answers take the same time and queue
    alike. Why not skip that work, since CONFLICT already says the account exists?
    Because it is the timing of every other path that must not drift apart the day
    sign-up answers "check your email" instead; and skipping it would make the taken
    email the cheap, fast probe. Hashing first (the old order) cost the same but spent
    the 64 MiB before the answer was even known.
    """
    if client_address is not None:
        await ratelimit.hit(
            f"signup-ip:{client_address[:64]}",
            limit=settings.sign_ups_per_address,
            now=clock(),
            message="Too many sign-ups from this address; wait a minute.",
        )
    email = clean_email(email)
    name = clean_name(name)
    check_password_rules(password)
    if await User.exists(email=email):
        _ = await verify_password_async(None, password)
        raise Conflict(_EMAIL_TAKEN, field="email")
    person = _NewPerson(email, name, await hash_password_async(password))
    return await _insert_user(
        person, account_type=AccountType.INDIVIDUAL, role=Role.LEARNER, company_id=None
    )


async def create_staff(email: str, name: str, password: str) -> User:
    """Only from the command line (`llp-gql create-staff`)."""
    person = await _new_person(email, name, password)
    return await _insert_user(
        person, account_type=AccountType.INDIVIDUAL, role=Role.STAFF, company_id=None
    )


async def create_company(
    viewer: access.Viewer,
    name: str,
    admin_email: str,
    admin_name: str,
    admin_password: str | None = None,
    *,
    clock: Clock = utcnow,
) -> Company:
    """Staff create a company together with its first admin, who is invited (no
    password: they choose it through the mailed link) unless ``admin_password`` is given
    (API clients that hand a password over themselves)."""
    actor = access.require_user(viewer)
    if not access.may_create_companies(actor):
        raise Forbidden("Only staff can create companies.")
    company_name = clean_name(name)
    if await Company.exists(name=company_name):
        raise Conflict("A company with this name already exists.", field="name")
    if admin_password is None:
        email, admin_name = clean_email(admin_email), clean_name(admin_name)
        if await User.exists(email=email):
            raise Conflict(_EMAIL_TAKEN, field="email")
        person = _NewPerson(email, admin_name, PENDING)
    else:
        person = await _new_person(admin_email, admin_name, admin_password)
    async with in_transaction() as connection:
        try:
            company = await Company.create(name=company_name)
        except IntegrityError:
            raise Conflict("A company with this name already exists.", field="name") from None
        admin = await _insert_user(
            person,
            account_type=AccountType.EMPLOYEE,
            role=Role.COMPANY_ADMIN,
            company_id=company.id,
        )
        invited = admin_password is None
        await audit.record(
            audit.COMPANY_CREATED,
            actor=actor,
            subject_type="company",
            subject_id=company.id,
            company_id=company.id,
            details={"name": company.name, "admin_email": admin.email, "invited": invited},
        )
        if invited:
            await audit.record(
                audit.EMPLOYEE_INVITED,
                actor=actor,
                subject_type="user",
                subject_id=admin.id,
                company_id=company.id,
                details={"email": admin.email, "name": admin.name, "role": "COMPANY_ADMIN"},
            )
            await enqueue_invitations(
                [admin.id], invited_by=actor.id, connection=connection, clock=clock
            )
    return company


async def create_employee(viewer: access.Viewer, email: str, name: str, password: str) -> User:
    """A company admin adds an employee to their own company."""
    admin = access.require_user(viewer)
    company = await access.access_own_company(admin)
    person = await _new_person(email, name, password)
    async with in_transaction():
        user = await _insert_user(
            person, account_type=AccountType.EMPLOYEE, role=Role.LEARNER, company_id=company.id
        )
        await audit.record(
            audit.EMPLOYEE_CREATED,
            actor=admin,
            subject_type="user",
            subject_id=user.id,
            company_id=company.id,
            details={"email": user.email, "name": user.name},
        )
    return user


async def _delete_user(
    user: User, connection: BaseDBAsyncClient, *, clock: Clock, settings: Settings | None
) -> int:
    """Delete a person with their enrollments, progress, attempts, certificates and tokens,
    inside the caller's transaction.

    Their enrollments are locked first (``locks``), so a completion racing this
    removal either committed before (its certificate gets a tombstone here) or
    finds its enrollment gone. Certificates leave tombstones; the cascade of the
    foreign keys does the rest.
    """
    enrollment_ids: list[int] = await (
        Enrollment.filter(learner_id=user.id).using_db(connection).values_list("id", flat=True)
    )  # type: ignore[assignment]  # values_list(flat=True) is typed as tuples
    locked = await lock_enrollments(enrollment_ids, connection)
    withdrawn = await withdraw_for_enrollments(
        [e.id for e in locked],
        clock=clock,
        connection=connection,
        settings=settings,
        cause=WITHDRAWN_PERSON_REMOVED,
    )
    await user.delete()
    return withdrawn


async def remove_employee(
    viewer: access.Viewer,
    user_id: int,
    *,
    clock: Clock = utcnow,
    settings: Settings | None = None,
) -> None:
    """An admin removes an employee of their own company (not themselves)."""
    admin = access.require_user(viewer)
    user = await access.access_employee(admin, user_id)
    if user.id == admin.id:
        raise ValidationFailed("You cannot remove yourself; ask another admin.")
    async with in_transaction() as connection:
        withdrawn = await _delete_user(user, connection, clock=clock, settings=settings)
        await audit.record(
            audit.EMPLOYEE_REMOVED,
            actor=admin,
            subject_type="user",
            subject_id=user.id,
            company_id=user.company_id,
            at=clock(),
            details={"email": user.email, "certificates_withdrawn": withdrawn},
        )


async def delete_my_account(
    viewer: access.Viewer,
    password: str,
    *,
    clock: Clock = utcnow,
    settings: Settings | None = None,
) -> None:
    """An individual deletes their own account after confirming the password."""
    user = access.require_user(viewer)
    if not access.may_delete_own_account(user):
        raise Forbidden("Employee accounts are removed by the company admin.")
    if not await check_password(user, password):
        raise ValidationFailed("The password is not correct.", field="password")
    async with in_transaction() as connection:
        withdrawn = await _delete_user(user, connection, clock=clock, settings=settings)
        await audit.record(
            audit.ACCOUNT_DELETED,
            actor=None,
            subject_type="user",
            subject_id=user.id,
            at=clock(),
            details={"email": user.email, "certificates_withdrawn": withdrawn},
        )


async def find_people(viewer: access.Viewer, email_part: str, limit: int) -> list[User]:
    """Up to ``limit`` people the viewer may see whose email contains ``email_part``, by
    email (staff find anyone: learner support)."""
    query = access.visible_users(viewer).filter(email__icontains=email_part)
    return list(await query.order_by("email").limit(limit))
