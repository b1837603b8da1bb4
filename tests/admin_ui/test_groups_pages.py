"""The Groups page, the employee's group select, the group and overdue filters, and the
Assign page's groups, due date and kept selection."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from llp_gql.domain import groups
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuditEvent, Enrollment, Group, User
from llp_gql.settings import Settings
from tests.admin_ui import Scene, log_in


async def _group(scene: Scene, name: str, *members: User) -> Group:
    group = await groups.create_group(scene.world.admin_x, name, max_groups=100)
    await User.filter(id__in=[m.id for m in members]).update(group_id=group.id)
    return group


async def test_groups_page_creates_renames_and_deletes_after_confirming(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    # create (and a duplicate in another case is refused next to the field)
    created = await client.post("/admin/groups", data={"name": "Sales", "csrf_token": token})
    assert created.status_code == 303
    dup = await client.post("/admin/groups", data={"name": "sALES", "csrf_token": token})
    assert dup.status_code == 422
    assert "already a group called" in dup.text
    assert 'aria-invalid="true"' in dup.text
    sales = await Group.get(name="Sales")
    await User.filter(id=scene.world.employee_x.id).update(group_id=sales.id)
    page = await client.get("/admin/groups")
    assert re.search(r"Sales</strong></a>.*?<td class=\"num\">1</td>", page.text, re.S)
    # rename
    renamed = await client.post(
        f"/admin/groups/{sales.id}/rename", data={"name": "Sales EU", "csrf_token": token}
    )
    assert renamed.status_code == 303
    assert (await Group.get(id=sales.id)).name == "Sales EU"
    # delete asks first, naming the member count, then deletes; the member stays
    confirm = await client.get(f"/admin/groups/{sales.id}/delete")
    assert "1 member</strong>" in confirm.text
    assert await Group.exists(id=sales.id)
    deleted = await client.post(f"/admin/groups/{sales.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert not await Group.exists(id=sales.id)
    assert (await User.get(id=scene.world.employee_x.id)).group_id is None
    assert await AuditEvent.filter(action="group.deleted").count() == 1


async def test_another_companys_group_is_a_404_on_every_page(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    theirs = await groups.create_group(scene.world.admin_y, "Globex", max_groups=100)
    token = await log_in(client, scene.world.admin_x, settings)
    for url in (
        f"/admin/groups/{theirs.id}/delete",
        f"/admin/employees?group={theirs.id}",
        f"/admin/progress?group={theirs.id}",
        f"/admin/assign?group={theirs.id}",
        f"/admin/export?group={theirs.id}",
    ):
        assert (await client.get(url)).status_code == 404, url
    for url, data in (
        (f"/admin/groups/{theirs.id}/delete", {}),
        (f"/admin/groups/{theirs.id}/rename", {"name": "Mine"}),
        (f"/admin/employees/{scene.world.employee_x.id}/group", {"group": str(theirs.id)}),
    ):
        response = await client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 404, url
    assert (await Group.get(id=theirs.id)).name == "Globex"


async def test_a_learner_cannot_open_the_groups_page(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    await log_in(client, scene.world.employee_x, settings)
    response = await client.get("/admin/groups")
    assert response.status_code in {302, 303, 403}


async def test_employee_page_sets_the_group_and_lists_filter_by_it(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    ops = await _group(scene, "Operations")
    token = await log_in(client, scene.world.admin_x, settings)
    person = scene.world.employee_x
    response = await client.post(
        f"/admin/employees/{person.id}/group", data={"group": str(ops.id), "csrf_token": token}
    )
    assert response.status_code == 303
    assert (await User.get(id=person.id)).group_id == ops.id
    listed = await client.get(f"/admin/employees?group={ops.id}")
    assert person.email in listed.text
    assert scene.world.employee_x2.email not in listed.text
    # and back to no group
    await client.post(
        f"/admin/employees/{person.id}/group", data={"group": "", "csrf_token": token}
    )
    assert (await User.get(id=person.id)).group_id is None


async def test_matrix_shows_due_dates_overdue_in_words_and_filters(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    sales = await _group(scene, "Sales", scene.world.employee_x2)
    await Enrollment.filter(learner_id=scene.world.employee_x2.id).delete()
    await Enrollment.create(
        learner=scene.world.employee_x2,
        course=scene.world.course.course,
        source="ASSIGNED",
        assigned_by=scene.world.admin_x,
        company=scene.world.company_x,
        due_at=clock.now - timedelta(days=1),
    )
    await log_in(client, scene.world.admin_x, settings)
    page = await client.get("/admin/progress")
    assert "Overdue</span>" in page.text
    assert f"<span>{scene.world.employee_x.email}</span>" in page.text
    overdue = await client.get("/admin/progress?overdue=1")
    assert f"<span>{scene.world.employee_x2.email}</span>" in overdue.text
    assert f"<span>{scene.world.employee_x.email}</span>" not in overdue.text
    grouped = await client.get(f"/admin/progress?group={sales.id}")
    assert f"<span>{scene.world.employee_x2.email}</span>" in grouped.text
    assert f"<span>{scene.world.employee_x.email}</span>" not in grouped.text


async def test_assign_to_a_group_with_a_due_date(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock
) -> None:
    newbie = await User.create(
        email="nina@acme.example",
        name="Nina",
        password_hash="",
        account_type="EMPLOYEE",
        company=scene.world.company_x,
    )
    sales = await _group(scene, "Sales", newbie)
    token = await log_in(client, scene.world.admin_x, settings)
    due = (clock.now + timedelta(days=10)).date().isoformat()
    response = await client.post(
        "/admin/assign",
        data={
            "course": str(scene.world.course.course.id),
            "groups": [str(sales.id)],
            "due": due,
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    enrollment = await Enrollment.get(learner_id=newbie.id)
    assert enrollment.due_at is not None
    assert enrollment.due_at.date().isoformat() == due
    # a date in the past is refused next to its field, storing nothing
    past = (clock.now - timedelta(days=1)).date().isoformat()
    other = await _group(scene, "Other", scene.world.employee_x)
    before = await Enrollment.all().count()
    refused = await client.post(
        "/admin/assign",
        data={
            "course": str(scene.world.course.course.id),
            "groups": [str(other.id)],
            "due": past,
            "csrf_token": token,
        },
    )
    assert refused.status_code == 422
    assert "The due date must be in the future." in refused.text
    assert 'id="f-due" name="due" type="date" value="' + past in refused.text
    assert await Enrollment.all().count() == before


async def test_ticked_people_survive_a_filter_change(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    """The defect: ticking Emma, then filtering for Ed, lost Emma on submit."""
    token = await log_in(client, scene.world.admin_x, settings)
    emma, ed = scene.world.employee_x, scene.world.employee_x2
    course = str(scene.world.course.course.id)
    # given Emma ticked, when the list is filtered to Ed (the no-JS Filter button)
    filtered = await client.post(
        "/admin/assign",
        data={"course": course, "q": "ed@", "employees": [str(emma.id)], "op": "filter",
              "csrf_token": token},
    )  # fmt: skip
    assert filtered.status_code == 200
    html = filtered.text
    # then Emma is not listed but still selected (hidden), and the page says so
    assert emma.email not in html
    assert f'<input type="hidden" name="employees" value="{emma.id}">' in html
    assert "1 person selected, 1 of them not in this list" in html
    # and the htmx refresh (a GET with the ticked boxes) keeps her the same way
    refreshed = await client.get(f"/admin/assign?q=ed@&employees={emma.id}&course={course}")
    assert f'<input type="hidden" name="employees" value="{emma.id}">' in refreshed.text
    # when Ed is ticked too and the form is sent as the browser would send it
    await Enrollment.filter(course_id=scene.world.course.course.id).delete()
    sent = await client.post(
        "/admin/assign",
        data={"course": course, "q": "ed@", "employees": [str(emma.id), str(ed.id)],
              "csrf_token": token},
    )  # fmt: skip
    assert sent.status_code == 303
    # then both are assigned
    assigned = await Enrollment.filter(course_id=scene.world.course.course.id).values_list(
        "learner_id", flat=True
    )
    assert sorted(assigned) == sorted([emma.id, ed.id])
