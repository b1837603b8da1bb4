"""The admin UI of leavers, admins and renames (issue 16): what each page says and does.
Who may open each page is in test_permissions; CSRF in test_csrf."""

from __future__ import annotations

import httpx

from llp_gql.domain import auth, membership
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuthToken, Certificate, Role, User
from llp_gql.settings import Settings
from tests.admin_ui import Scene, log_in
from tests.factories import PASSWORD, World, make_user


async def test_deactivating_from_the_employee_page_keeps_the_records(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    world = scene.world
    emp = world.employee_x
    token = await log_in(client, world.admin_x, settings)
    _ = await auth.issue_token(emp, settings=settings, kind=auth.SESSION)
    page = (await client.get(f"/admin/employees/{emp.id}")).text
    assert f'href="/admin/employees/{emp.id}/deactivate"' in page
    confirm = (await client.get(f"/admin/employees/{emp.id}/deactivate")).text
    assert "stay" in confirm
    assert "Nothing is withdrawn" in confirm
    # when the admin confirms
    response = await client.post(
        f"/admin/employees/{emp.id}/deactivate", data={"csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/employees/{emp.id}?done=employee-deactivated"
    # then the person has no session, the page says they left and offers reactivation
    assert await AuthToken.filter(user_id=emp.id).count() == 0
    page = (await client.get(response.headers["location"])).text
    assert "Left the company on" in page
    assert f'action="/admin/employees/{emp.id}/reactivate"' in page
    assert "/admin/assign?employee=" not in page  # no new course reaches them
    # and the matrix still lists them with their certificate, marked as left
    matrix = (await client.get("/admin/progress")).text
    assert '<span class="badge left"' in matrix
    assert emp.email in matrix
    left_only = (await client.get("/admin/progress?people=left")).text
    assert emp.email in left_only
    assert world.employee_x2.email not in left_only
    active_only = (await client.get("/admin/employees?people=active")).text
    assert emp.email not in active_only
    assert await Certificate.exists(id=scene.certificate_x.id)
    # and the assign form does not offer them
    assign = (await client.get(f"/admin/assign?course={world.course.course.id}")).text
    assert emp.email not in assign
    # when reactivated
    response = await client.post(
        f"/admin/employees/{emp.id}/reactivate", data={"csrf_token": token}
    )
    assert response.headers["location"].endswith("done=employee-reactivated")
    assert (await User.get(id=emp.id)).deactivated_at is None


async def test_a_deactivated_session_is_refused_on_the_next_page(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    # given a second admin signed in
    world = scene.world
    second = await User.get(id=world.employee_x2.id)
    await membership.set_company_admin(world.admin_x, second.id, True, clock=clock)
    await log_in(client, second, settings)
    assert (await client.get("/admin/employees")).status_code == 200
    # when the first admin deactivates them
    await membership.deactivate_employee(world.admin_x, second.id, clock=clock)
    # then their next page is the login page
    response = await client.get("/admin/employees")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")


async def test_a_demoted_admin_loses_the_admin_pages_at_once(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    world = scene.world
    second = world.employee_x2
    await membership.set_company_admin(world.admin_x, second.id, True, clock=clock)
    await log_in(client, await User.get(id=second.id), settings)
    assert (await client.get("/admin/progress")).status_code == 200
    await membership.set_company_admin(world.admin_x, second.id, False, clock=clock)
    assert (await client.get("/admin/progress")).status_code == 403


async def test_the_admin_role_pages_and_the_last_admin(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    world = scene.world
    token = await log_in(client, world.admin_x, settings)
    me = world.admin_x.id
    # the only admin giving up the role is told why not, and stays admin
    page = (await client.get(f"/admin/employees/{me}/admin?make=0")).text
    assert "Give up your admin role?" in page
    response = await client.post(
        f"/admin/employees/{me}/admin", data={"is_admin": "0", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "at least one active admin" in response.text
    assert (await User.get(id=me)).role == Role.COMPANY_ADMIN
    # promoting someone works, and then the first may step down (and leaves the area)
    emp = world.employee_x.id
    response = await client.post(
        f"/admin/employees/{emp}/admin", data={"is_admin": "1", "csrf_token": token}
    )
    assert response.headers["location"].endswith("done=admin-granted")
    response = await client.post(
        f"/admin/employees/{me}/admin", data={"is_admin": "0", "csrf_token": token}
    )
    assert response.headers["location"] == "/admin/"
    assert (await User.get(id=me)).role == Role.LEARNER


async def test_removal_states_the_certificates_and_offers_deactivation_first(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    world = scene.world
    await log_in(client, world.admin_x, settings)
    page = (await client.get(f"/admin/employees/{world.employee_x.id}/remove")).text
    assert "1 certificate will be withdrawn" in page
    assert "withdraw 1 certificate" in page
    instead = page.index("Deactivate instead")
    assert instead < page.index("Remove for good")
    assert f'href="/admin/employees/{world.employee_x.id}/deactivate"' in page
    none = (await client.get(f"/admin/employees/{world.employee_x2.id}/remove")).text
    assert "0 certificates will be withdrawn" in none


async def test_renaming_an_employee_and_oneself(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    world = scene.world
    token = await log_in(client, world.admin_x, settings)
    emp = world.employee_x
    response = await client.post(
        f"/admin/employees/{emp.id}/rename", data={"name": "  ", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "cannot be empty" in response.text
    response = await client.post(
        f"/admin/employees/{emp.id}/rename", data={"name": "Emma Nuñez", "csrf_token": token}
    )
    assert response.headers["location"].endswith("done=renamed")
    assert (await User.get(id=emp.id)).name == "Emma Nuñez"
    # the issued certificate keeps the printed name
    certificate = await Certificate.get(id=scene.certificate_x.id)
    assert certificate.learner_name == emp.name
    # other company's person: not found
    other = await client.post(
        f"/admin/employees/{world.employee_y.id}/rename", data={"name": "X", "csrf_token": token}
    )
    assert other.status_code == 404
    # one's own name on the account page
    response = await client.post(
        "/admin/account/name", data={"name": "Ada Admin", "csrf_token": token}
    )
    assert response.headers["location"] == "/admin/account?done=renamed"
    assert (await User.get(id=world.admin_x.id)).name == "Ada Admin"


async def test_a_deactivated_admin_is_told_why_at_login_only_with_the_right_password(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    from tests.admin_ui.test_login import _submit

    second = await make_user(
        "second@acme.example", company=world.company_x, role=Role.COMPANY_ADMIN
    )
    await membership.deactivate_employee(world.admin_x, second.id, clock=clock)
    refused = await _submit(client, second.email, PASSWORD)
    assert refused.status_code == 403
    assert "deactivated" in refused.text
    wrong = await _submit(client, second.email, "not the right password")
    assert wrong.status_code == 400
    assert "deactivated" not in wrong.text
    assert await AuthToken.filter(user_id=second.id).count() == 0
