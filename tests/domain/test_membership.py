"""Leavers, admins and renames (DESIGN.md section 3 "Leaving is not removal"; issue 16)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from llp_gql import jobs
from llp_gql.domain import (
    audit,
    auth,
    enrollments,
    exports,
    membership,
    password_reset,
    progress,
    queue,
)
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import (
    AccountDeactivated,
    Conflict,
    Forbidden,
    InvalidResetToken,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from llp_gql.mail.compose import MAIL_JOB
from llp_gql.models import (
    AuditEvent,
    AuthToken,
    Certificate,
    Enrollment,
    Job,
    PasswordResetToken,
    Role,
    User,
)
from llp_gql.settings import Settings
from tests.factories import PASSWORD, World, make_user
from tests.reliability.conftest import finish_course

ADDRESS = "192.0.2.10"


async def fresh(user: User) -> User:
    return await User.get(id=user.id)


async def drain(settings: Settings, clock: FakeClock) -> None:
    """Run the queue until nothing is due (reset requests are handled there)."""
    handlers = jobs.handlers(settings, clock=clock)
    while await queue.run_one(handlers, settings=settings, clock=clock):
        pass


async def events(action: str, subject: User) -> int:
    return await AuditEvent.filter(action=action, subject_id=subject.id).count()


# -- deactivation --------------------------------------------------------------------------


async def test_deactivation_ends_every_session_and_link_at_once(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    # given an employee with a browser session, an API token and a pending reset link
    emp = world.employee_x
    _ = await auth.issue_token(emp, settings=settings, kind=auth.SESSION)
    api = await auth.issue_token(emp, settings=settings)
    await password_reset.request_reset(
        emp.email, settings=settings, client_address=None, clock=clock
    )
    await drain(settings, clock)
    assert await PasswordResetToken.filter(user_id=emp.id, used_at=None).count() == 1
    # when their admin deactivates them
    left = await membership.deactivate_employee(world.admin_x, emp.id, clock=clock)
    # then nothing of theirs opens a door any more, and it is audited once
    assert left.deactivated_at == clock()
    assert await AuthToken.filter(user_id=emp.id).count() == 0
    assert await PasswordResetToken.filter(user_id=emp.id, used_at=None).count() == 0
    assert await auth.authenticate(api.token) is None
    assert await events(audit.EMPLOYEE_DEACTIVATED, emp) == 1
    # and deactivating again answers the person and records nothing more
    again = await membership.deactivate_employee(world.admin_x, emp.id, clock=clock)
    assert again.deactivated_at == left.deactivated_at
    assert await events(audit.EMPLOYEE_DEACTIVATED, emp) == 1


async def test_a_surviving_token_of_a_deactivated_person_is_refused(
    world: World, settings: Settings
) -> None:
    # given a token that somehow outlived the deactivation (written straight to the row)
    emp = world.employee_x
    issued = await auth.issue_token(emp, settings=settings)
    await User.filter(id=emp.id).update(deactivated_at=emp.created_at)
    # then authentication refuses it
    assert await auth.authenticate(issued.token) is None


async def test_login_is_refused_with_a_clear_reason_only_after_the_right_password(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    emp = world.employee_x
    await membership.deactivate_employee(world.admin_x, emp.id, clock=clock)
    with pytest.raises(AccountDeactivated) as refused:
        await auth.login(emp.email, PASSWORD, settings=settings, client_address=ADDRESS)
    assert refused.value.extensions() == {"code": "FORBIDDEN", "reason": "ACCOUNT_DEACTIVATED"}
    assert "admin" in refused.value.message
    # a wrong password gets the usual answer: nothing to learn for a guesser
    with pytest.raises(Unauthenticated) as wrong:
        await auth.login(emp.email, "not the password!!", settings=settings, client_address=ADDRESS)
    assert wrong.value.message == auth.BAD_LOGIN
    assert await AuthToken.filter(user_id=emp.id).count() == 0


async def test_reactivation_restores_access_with_the_old_password(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    emp = world.employee_x
    await membership.deactivate_employee(world.admin_x, emp.id, clock=clock)
    back = await membership.reactivate_employee(world.admin_x, emp.id, clock=clock)
    assert back.deactivated_at is None
    issued = await auth.login(emp.email, PASSWORD, settings=settings, client_address=ADDRESS)
    assert issued.user.id == emp.id
    assert await events(audit.EMPLOYEE_REACTIVATED, emp) == 1
    # reactivating an active person records nothing
    await membership.reactivate_employee(world.admin_x, emp.id, clock=clock)
    assert await events(audit.EMPLOYEE_REACTIVATED, emp) == 1


async def test_a_deactivated_person_gets_no_reset_mail_and_no_link_works(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    emp = world.employee_x
    await password_reset.request_reset(
        emp.email, settings=settings, client_address=None, clock=clock
    )
    await drain(settings, clock)
    await membership.deactivate_employee(world.admin_x, emp.id, clock=clock)
    mails_before = await Job.filter(kind=MAIL_JOB).count()
    # the request is answered alike for everyone (a job), and the job mails nothing
    await password_reset.request_reset(
        emp.email, settings=settings, client_address=None, clock=clock
    )
    await drain(settings, clock)
    assert await Job.filter(kind=MAIL_JOB).count() == mails_before
    assert await PasswordResetToken.filter(user_id=emp.id, used_at=None).count() == 0


async def test_a_link_made_in_the_same_instant_opens_nothing(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    # given a link whose row escaped the spending (made right after it)
    emp = world.employee_x
    await membership.deactivate_employee(world.admin_x, emp.id, clock=clock)
    token = "t" * 43
    await PasswordResetToken.create(
        user_id=emp.id,
        token_hash=password_reset._digest(token),
        created_at=clock(),
        expires_at=clock() + timedelta(hours=1),
    )
    with pytest.raises(InvalidResetToken):
        await password_reset.reset_password(token, "a fine new passphrase 2026", settings=settings)


async def test_no_new_assignment_and_no_progress_for_a_leaver(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    course = world.course.course.id
    [e] = await enrollments.assign_course(world.admin_x, course, [world.employee_x.id])
    await membership.deactivate_employee(world.admin_x, world.employee_x.id, clock=clock)
    with pytest.raises(ValidationFailed) as refused:
        await enrollments.assign_course(
            world.admin_x, course, [world.employee_x2.id, world.employee_x.id]
        )
    assert refused.value.field == "userIds"
    assert "left the company" in refused.value.message
    assert not await Enrollment.filter(learner_id=world.employee_x2.id).exists()
    with pytest.raises(AccountDeactivated):
        await progress.complete_lesson(
            await fresh(world.employee_x),
            e.id,
            world.course.reading.id,
            settings=settings,
            clock=clock,
        )


async def test_records_stay_listed_exported_and_downloadable(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    # given an employee with a certificate
    emp = world.employee_x
    [e] = await enrollments.assign_course(world.admin_x, world.course.course.id, [emp.id])
    await finish_course(emp, e, world, clock=clock, settings=settings)
    certificate = await Certificate.get(enrollment_id=e.id)
    # when they leave
    await membership.deactivate_employee(world.admin_x, emp.id, clock=clock)
    # then the enrollment and the certificate stay, and the admin still exports it
    assert await Enrollment.exists(id=e.id)
    company = await exports.company_for_export(world.admin_x)
    assert await exports.selected_ids(company.id, exports.ExportFilter()) == [certificate.id]


async def test_who_may_deactivate(world: World, clock: FakeClock) -> None:
    emp = world.employee_x
    with pytest.raises(Forbidden):
        await membership.deactivate_employee(world.employee_x2, emp.id, clock=clock)
    with pytest.raises(Forbidden):
        await membership.deactivate_employee(world.staff, emp.id, clock=clock)
    with pytest.raises(NotFound):
        await membership.deactivate_employee(world.admin_y, emp.id, clock=clock)
    with pytest.raises(NotFound):
        await membership.deactivate_employee(world.admin_y, 987654, clock=clock)
    with pytest.raises(ValidationFailed):
        await membership.deactivate_employee(world.admin_x, world.admin_x.id, clock=clock)
    assert (await fresh(emp)).deactivated_at is None
    assert await AuditEvent.filter(action=audit.EMPLOYEE_DEACTIVATED).count() == 0


# -- admins --------------------------------------------------------------------------------


async def test_promote_and_demote(world: World, clock: FakeClock) -> None:
    emp = world.employee_x
    promoted = await membership.set_company_admin(world.admin_x, emp.id, True, clock=clock)
    assert promoted.role == Role.COMPANY_ADMIN
    assert await events(audit.ADMIN_GRANTED, emp) == 1
    # the new admin acts as one at once, and may demote the first admin
    demoted = await membership.set_company_admin(
        await fresh(emp), world.admin_x.id, False, clock=clock
    )
    assert demoted.role == Role.LEARNER
    assert await events(audit.ADMIN_REVOKED, world.admin_x) == 1
    # asking again for the same role records nothing
    await membership.set_company_admin(await fresh(emp), world.admin_x.id, False, clock=clock)
    assert await events(audit.ADMIN_REVOKED, world.admin_x) == 1


async def test_the_last_active_admin_stays(world: World, clock: FakeClock) -> None:
    # the only admin cannot demote themselves
    with pytest.raises(Conflict):
        await membership.set_company_admin(world.admin_x, world.admin_x.id, False, clock=clock)
    # and with a second admin who has left, the active one is still the last
    second = await make_user(
        "second@acme.example", company=world.company_x, role=Role.COMPANY_ADMIN
    )
    await membership.deactivate_employee(world.admin_x, second.id, clock=clock)
    with pytest.raises(Conflict):
        await membership.set_company_admin(world.admin_x, world.admin_x.id, False, clock=clock)
    assert (await fresh(world.admin_x)).role == Role.COMPANY_ADMIN


async def test_an_admin_demoted_meanwhile_cannot_act(world: World, clock: FakeClock) -> None:
    # given two admins, and the second's request started while still an admin
    second = await make_user(
        "second@acme.example", company=world.company_x, role=Role.COMPANY_ADMIN
    )
    stale_view = await fresh(second)
    await membership.set_company_admin(world.admin_x, second.id, False, clock=clock)
    # then their action, checked again under the company lock, is refused
    with pytest.raises(Forbidden):
        await membership.deactivate_employee(stale_view, world.admin_x.id, clock=clock)
    assert (await fresh(world.admin_x)).deactivated_at is None


async def test_deactivating_the_other_admin_leaves_one(world: World, clock: FakeClock) -> None:
    second = await make_user(
        "second@acme.example", company=world.company_x, role=Role.COMPANY_ADMIN
    )
    first_view, second_view = await fresh(world.admin_x), await fresh(second)
    await membership.deactivate_employee(first_view, second.id, clock=clock)
    # the deactivated admin's stale request cannot deactivate the remaining one
    with pytest.raises(Forbidden):
        await membership.deactivate_employee(second_view, world.admin_x.id, clock=clock)


async def test_a_leaver_cannot_be_promoted(world: World, clock: FakeClock) -> None:
    await membership.deactivate_employee(world.admin_x, world.employee_x.id, clock=clock)
    with pytest.raises(ValidationFailed):
        await membership.set_company_admin(world.admin_x, world.employee_x.id, True, clock=clock)


# -- renames -------------------------------------------------------------------------------


async def test_rename_keeps_issued_certificates_as_printed(
    world: World, settings: Settings, clock: FakeClock
) -> None:
    emp = world.employee_x
    [e] = await enrollments.assign_course(world.admin_x, world.course.course.id, [emp.id])
    await finish_course(emp, e, world, clock=clock, settings=settings)
    renamed = await membership.rename_user(world.admin_x, emp.id, "  Emma   Núñez-Smith ")
    assert renamed.name == "Emma Núñez-Smith"
    certificate = await Certificate.get(enrollment_id=e.id)
    assert certificate.learner_name == "Émma Núñez"
    event = await AuditEvent.get(action=audit.USER_RENAMED, subject_id=emp.id)
    assert "Émma" not in str(event.details)
    assert "Smith" not in str(event.details)
    # the same name again records nothing
    await membership.rename_user(world.admin_x, emp.id, "Emma Núñez-Smith")
    assert await events(audit.USER_RENAMED, emp) == 1


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("individual_a", "individual_a", True),
        ("employee_x", "employee_x", True),
        ("staff", "staff", True),
        ("admin_x", "employee_x", True),
        ("admin_x", "admin_x", True),
        ("individual_a", "individual_b", False),
        ("employee_x", "employee_x2", False),
        ("admin_x", "employee_y", False),
        ("admin_x", "individual_a", False),
        ("staff", "employee_x", False),
    ],
)
async def test_who_may_rename(world: World, actor: str, target: str, allowed: bool) -> None:
    users = world.users()
    if allowed:
        renamed = await membership.rename_user(users[actor], users[target].id, "New Name")
        assert renamed.name == "New Name"
    else:
        with pytest.raises(NotFound):
            await membership.rename_user(users[actor], users[target].id, "New Name")
        assert (await fresh(users[target])).name == users[target].name


async def test_rename_refuses_bad_names(world: World) -> None:
    for bad in ("   ", "x" * 201, "a\x01b"):
        with pytest.raises(ValidationFailed) as refused:
            await membership.rename_user(world.individual_a, world.individual_a.id, bad)
        assert refused.value.field == "name"
    assert await AuditEvent.filter(action=audit.USER_RENAMED).count() == 0
