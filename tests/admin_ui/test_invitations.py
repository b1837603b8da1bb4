"""Admin UI: "Invite employee" (with a group when the company has some), the pending
badge and "Resend invitation" on the list and the person's page."""

from __future__ import annotations

import httpx

from llp_gql.domain import inviting
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuditEvent, Group, Job, User
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.factories import World


async def test_the_invite_form_offers_the_companys_groups_only(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await log_in(client, world.admin_x, settings)
    # without groups: no group field
    page = await client.get("/admin/employees/new")
    assert "Invite an employee" in page.text
    assert 'name="group"' not in page.text
    assert 'type="password"' not in page.text
    own = await Group.create(company_id=world.company_x.id, name="Warehouse")
    other = await Group.create(company_id=world.company_y.id, name="Secret Lab")
    page = await client.get("/admin/employees/new")
    assert "Warehouse" in page.text
    assert "Secret Lab" not in page.text
    # another company's group, posted by hand: refused at the field, nothing stored
    refused = await client.post(
        "/admin/employees/new",
        data={
            "name": "Gil",
            "email": "gil@acme.example",
            "group": str(other.id),
            "csrf_token": token,
        },
    )
    assert refused.status_code == 422
    assert 'id="f-group-err"' in refused.text
    assert not await User.exists(email="gil@acme.example")
    assert await Job.all().count() == 0
    # their own group
    done = await client.post(
        "/admin/employees/new",
        data={
            "name": "Gil",
            "email": "gil@acme.example",
            "group": str(own.id),
            "csrf_token": token,
        },
    )
    assert done.status_code == 303
    assert (await User.get(email="gil@acme.example")).group_id == own.id


async def test_pending_people_show_it_and_can_be_sent_a_new_link(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    person = await inviting.invite_employee(
        world.admin_x, "pat@acme.example", "Pat Pending", settings=settings, clock=clock
    )
    token = await log_in(client, world.admin_x, settings)
    listing = await client.get("/admin/employees")
    row = listing.text.split("Pat Pending", 1)[1].split("</tr>", 1)[0]
    assert "Invitation pending" in row
    assert f'action="/admin/employees/{person.id}/invitation"' in row
    # people with a password have no such button
    other = listing.text.split(world.employee_x.name, 1)[1].split("</tr>", 1)[0]
    assert "Invitation pending" not in other
    # resend from the list: back to the list
    sent = await client.post(
        f"/admin/employees/{person.id}/invitation", data={"csrf_token": token, "back": "list"}
    )
    assert sent.headers["location"] == "/admin/employees?done=invitation-resent"
    # and from the person's page: back there
    page = await client.get(f"/admin/employees/{person.id}")
    assert "Resend invitation" in page.text
    sent = await client.post(f"/admin/employees/{person.id}/invitation", data={"csrf_token": token})
    assert sent.headers["location"] == f"/admin/employees/{person.id}?done=invitation-resent"
    assert await AuditEvent.filter(action="account.invitation_resent").count() == 2
    assert await Job.filter(kind="invitation.send").count() == 3


async def test_a_resend_without_the_form_token_or_for_another_company_does_nothing(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    person = await inviting.invite_employee(
        world.admin_x, "pat@acme.example", "Pat Pending", settings=settings, clock=clock
    )
    token = await log_in(client, world.admin_y, settings)
    forged = await client.post(f"/admin/employees/{person.id}/invitation", data={})
    assert forged.status_code == 403
    hidden = await client.post(
        f"/admin/employees/{person.id}/invitation", data={"csrf_token": token}
    )
    assert hidden.status_code == 404
    assert await Job.filter(kind="invitation.send").count() == 1


async def test_a_refused_resend_says_why_on_the_persons_page(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # the employee has a password: nothing pending
    token = await log_in(client, world.admin_x, settings)
    page = await client.get(f"/admin/employees/{world.employee_x.id}")
    assert "Resend invitation" not in page.text
    refused = await client.post(
        f"/admin/employees/{world.employee_x.id}/invitation", data={"csrf_token": token}
    )
    assert refused.status_code == 400
    assert "no pending invitation" in refused.text
    assert await Job.all().count() == 0
