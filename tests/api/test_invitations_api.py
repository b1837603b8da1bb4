"""inviteEmployee and resendInvitation (issue 16): the honest path from the API to a
first password, and every refusal with its code, storing nothing."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tortoise.context import TortoiseContext

from llp_gql import jobs
from llp_gql.domain import queue
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuditEvent, Group, Job, OutboxMail, PasswordResetToken, User
from llp_gql.settings import Settings
from tests.factories import World
from tests.gql import fails, gid, ok, token_for

INVITE = """mutation($e: String!, $n: String!, $g: ID) {
  inviteEmployee(email: $e, name: $n, groupId: $g) { id email invitationPending role }
}"""
RESEND = "mutation($u: ID!) { resendInvitation(userId: $u) { id invitationPending } }"
RESET = "mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) }"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
NEW_PASSWORD = "my own chosen passphrase"


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The suite's settings, with a test's changes (``indirect`` parametrisation)."""
    changes: dict[str, object] = getattr(request, "param", {})
    return settings.replace(**changes)


async def run_jobs(settings: Settings, clock: FakeClock) -> int:
    handlers = jobs.handlers(settings, clock=clock)
    count = 0
    while await queue.run_one(handlers, settings=settings, clock=clock):
        count += 1
    return count


def link_of(text: str) -> tuple[str, dict[str, list[str]]]:
    found = re.search(r"https://\S+", text)
    assert found is not None, text
    parts = urlsplit(found.group(0))
    assert parts.path == "/learn/reset"
    return parts.path, parse_qs(parts.query)


async def mailed_token(settings: Settings, clock: FakeClock, email: str) -> str:
    """Run the queue (invitation job, then mail to the outbox): the newest link's token."""
    await run_jobs(settings, clock)
    mail = await OutboxMail.filter(recipient=email).order_by("-id").first()
    assert mail is not None
    _, query = link_of(mail.text)
    assert query["kind"] == ["invite"]
    return query["token"][0]


async def test_an_invited_employee_chooses_their_password_through_the_mail(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
) -> None:
    admin = await token_for(world.admin_x, settings)
    # when the admin invites someone
    data = await ok(client, INVITE, {"e": " New@Acme.example ", "n": "Nia  New"}, admin)
    invited = data["inviteEmployee"]
    assert invited["email"] == "new@acme.example"
    assert invited["invitationPending"] is True
    assert invited["role"] == "LEARNER"
    user = await User.get(email="new@acme.example")
    assert user.company_id == world.company_x.id
    assert user.password_hash == ""
    # then the invitation job is queued with the person (nothing sent inside the request)
    [job] = await Job.all()
    assert job.kind == "invitation.send"
    assert await OutboxMail.all().count() == 0
    # and audited
    event = await AuditEvent.get(action="account.employee_invited")
    assert (event.actor_id, event.subject_id) == (world.admin_x.id, user.id)
    # they cannot sign in yet, the refusal is a wrong password's
    await fails(client, "UNAUTHENTICATED", LOGIN, {"e": user.email, "p": ""})
    # when the mailed link sets their password
    token = await mailed_token(settings, clock, user.email)
    assert (await ok(client, RESET, {"t": token, "p": NEW_PASSWORD}))["setPassword"] is True
    # then they sign in, and are no longer pending
    await ok(client, LOGIN, {"e": user.email, "p": NEW_PASSWORD})
    await user.refresh_from_db()
    assert user.password_hash != ""
    # and a resend is refused now
    body = await fails(client, "VALIDATION", RESEND, {"u": gid("User", user.id)}, admin)
    assert body["errors"][0]["extensions"]["field"] == "userId"


async def test_an_invitation_puts_the_person_in_a_group_of_the_company_only(
    db: TortoiseContext, client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    admin = await token_for(world.admin_x, settings)
    own = await Group.create(company_id=world.company_x.id, name="Sales")
    other = await Group.create(company_id=world.company_y.id, name="Sales")
    await fails(
        client,
        "NOT_FOUND",
        INVITE,
        {"e": "g1@acme.example", "n": "G One", "g": gid("Group", other.id)},
        admin,
    )
    await fails(
        client, "NOT_FOUND", INVITE, {"e": "g1@acme.example", "n": "G One", "g": "nonsense"}, admin
    )
    # nothing was stored by the refusals
    assert not await User.exists(email="g1@acme.example")
    assert await Job.all().count() == 0
    await ok(
        client, INVITE, {"e": "g1@acme.example", "n": "G One", "g": gid("Group", own.id)}, admin
    )
    assert (await User.get(email="g1@acme.example")).group_id == own.id


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"e": "employee.x@mail.example", "n": "Taken"}, "CONFLICT"),
        ({"e": "not an email", "n": "Bad"}, "VALIDATION"),
        ({"e": "fine@acme.example", "n": "   "}, "VALIDATION"),
    ],
)
async def test_bad_input_stores_nothing(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    variables: dict[str, str],
    code: str,
) -> None:
    if code == "CONFLICT":
        variables = {**variables, "e": world.employee_x.email}
    people = await User.all().count()
    await fails(client, code, INVITE, variables, await token_for(world.admin_x, settings))
    assert await User.all().count() == people
    assert await Job.all().count() == 0
    assert not await AuditEvent.exists(action="account.employee_invited")


@pytest.mark.parametrize("who", ["employee_x", "individual_a", "staff", None])
async def test_only_company_admins_invite(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    who: str | None,
) -> None:
    token = await token_for(getattr(world, who), settings) if who else None
    code = "FORBIDDEN" if who else "UNAUTHENTICATED"
    await fails(client, code, INVITE, {"e": "sneaky@mail.example", "n": "Sneaky"}, token)
    assert not await User.exists(email="sneaky@mail.example")
    assert await Job.all().count() == 0


async def test_a_resend_mails_a_fresh_link_and_another_company_cannot_resend(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
) -> None:
    admin = await token_for(world.admin_x, settings)
    data = await ok(client, INVITE, {"e": "again@acme.example", "n": "Again"}, admin)
    user_id = data["inviteEmployee"]["id"]
    first = await mailed_token(settings, clock, "again@acme.example")
    # another company's admin, and a learner of the same company: as if nobody were there
    other = await token_for(world.admin_y, settings)
    await fails(client, "NOT_FOUND", RESEND, {"u": user_id}, other)
    await fails(client, "NOT_FOUND", RESEND, {"u": gid("User", 999_999)}, other)
    learner = await token_for(world.employee_x, settings)
    await fails(client, "NOT_FOUND", RESEND, {"u": user_id}, learner)
    assert await Job.filter(kind="invitation.send").count() == 1
    # the admin resends: a second, different link arrives
    assert (await ok(client, RESEND, {"u": user_id}, admin))["resendInvitation"][
        "invitationPending"
    ] is True
    second = await mailed_token(settings, clock, "again@acme.example")
    assert second != first
    assert await AuditEvent.filter(action="account.invitation_resent").count() == 1
    # using one link spends the other
    await ok(client, RESET, {"t": second, "p": NEW_PASSWORD})
    body = await fails(client, "VALIDATION", RESET, {"t": first, "p": NEW_PASSWORD + "!"})
    assert body["errors"][0]["extensions"]["reason"] == "USED"


@pytest.mark.parametrize(
    "settings",
    [{"invitations_per_admin_per_hour": 4, "invitation_resends_per_person_per_hour": 2}],
    indirect=True,
)
async def test_resends_are_throttled_per_person_and_invitations_per_admin(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
) -> None:
    admin = await token_for(world.admin_x, settings)
    data = await ok(client, INVITE, {"e": "flood@acme.example", "n": "Flood"}, admin)
    user_id = data["inviteEmployee"]["id"]
    for _ in range(2):
        await ok(client, RESEND, {"u": user_id}, admin)
    body = await fails(client, "RATE_LIMITED", RESEND, {"u": user_id}, admin)
    assert body["errors"][0]["extensions"]["limit"] == "INVITATION_RESENDS_PER_PERSON"
    # 1 invitation + 2 resends = 3 of the admin's 4 an hour: one more invitation, then no
    await ok(client, INVITE, {"e": "fourth@acme.example", "n": "Fourth"}, admin)
    body = await fails(client, "RATE_LIMITED", INVITE, {"e": "fifth@acme.example", "n": "F"}, admin)
    assert body["errors"][0]["extensions"]["limit"] == "INVITATIONS_PER_ADMIN"
    assert not await User.exists(email="fifth@acme.example")
    # an hour on, both work again
    clock.advance(3601)
    await ok(client, INVITE, {"e": "fifth@acme.example", "n": "Fifth"}, admin)
    await ok(client, RESEND, {"u": user_id}, admin)


async def test_a_person_deactivated_after_the_invitation_gets_no_mail_and_no_password(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
) -> None:
    admin = await token_for(world.admin_x, settings)
    # given one person deactivated before their invitation went out
    await ok(client, INVITE, {"e": "early@acme.example", "n": "Early"}, admin)
    await User.filter(email="early@acme.example").update(deactivated_at=clock())
    await run_jobs(settings, clock)
    assert not await OutboxMail.exists(recipient="early@acme.example")
    # and one deactivated after they had their link
    await ok(client, INVITE, {"e": "late@acme.example", "n": "Late"}, admin)
    token = await mailed_token(settings, clock, "late@acme.example")
    late = await User.get(email="late@acme.example")
    await User.filter(id=late.id).update(deactivated_at=clock())
    # then the link is refused, and nothing changes
    body = await fails(client, "VALIDATION", RESET, {"t": token, "p": NEW_PASSWORD})
    assert body["errors"][0]["extensions"]["reason"] == "DEACTIVATED"
    assert (await User.get(id=late.id)).password_hash == ""
    assert await PasswordResetToken.filter(used_at=None).count() == 1
    # and no resend either
    await fails(client, "VALIDATION", RESEND, {"u": gid("User", late.id)}, admin)


@pytest.mark.parametrize(
    ("case", "reason"), [("unknown", "UNKNOWN"), ("used", "USED"), ("expired", "EXPIRED")]
)
async def test_an_unusable_invitation_link_says_so_in_invitation_words(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
    case: str,
    reason: str,
) -> None:
    admin = await token_for(world.admin_x, settings)
    await ok(client, INVITE, {"e": "link@acme.example", "n": "Link"}, admin)
    token = await mailed_token(settings, clock, "link@acme.example")
    if case == "unknown":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif case == "used":
        await ok(client, RESET, {"t": token, "p": NEW_PASSWORD})
    else:
        clock.advance(settings.invitation_ttl_seconds)
    body = await fails(client, "VALIDATION", RESET, {"t": token, "p": "another fine phrase"})
    [error] = body["errors"]
    assert error["extensions"] == {"code": "VALIDATION", "field": "token", "reason": reason}
    if case != "unknown":  # an unknown token has no purpose to word it by (the page has the hint)
        assert "invitation" in error["message"]


async def test_staff_create_a_company_whose_first_admin_is_invited(
    db: TortoiseContext,
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
) -> None:
    staff = await token_for(world.staff, settings)
    create = """mutation($n: String!, $e: String!, $a: String!, $p: String) {
      createCompany(name: $n, adminEmail: $e, adminName: $a, adminPassword: $p) { id }
    }"""
    await ok(client, create, {"n": "Newco", "e": "boss@newco.example", "a": "Bo Ss"}, staff)
    boss = await User.get(email="boss@newco.example")
    assert boss.password_hash == ""
    token = await mailed_token(settings, clock, boss.email)
    await ok(client, RESET, {"t": token, "p": NEW_PASSWORD})
    await ok(client, LOGIN, {"e": boss.email, "p": NEW_PASSWORD})
    # with a password, as API clients did before: no invitation
    await ok(
        client,
        create,
        {"n": "Oldco", "e": "boss@oldco.example", "a": "Old Boss", "p": NEW_PASSWORD},
        staff,
    )
    await run_jobs(settings, clock)
    assert not await OutboxMail.exists(recipient="boss@oldco.example")
    await ok(client, LOGIN, {"e": "boss@oldco.example", "p": NEW_PASSWORD})
