"""Groups (departments), assigning to groups, due dates and overdue over GraphQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from llp_gql.domain import enrollments, groups
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import TooMany
from llp_gql.models import AuditEvent, Enrollment, Group, User
from llp_gql.settings import Settings
from tests.factories import World, make_user
from tests.gql import fails, gid, ok, post, token_for

CREATE = "mutation($n: String!) { createGroup(name: $n) { id name memberCount } }"
RENAME = "mutation($g: ID!, $n: String!) { renameGroup(groupId: $g, name: $n) { id name } }"
DELETE = "mutation($g: ID!) { deleteGroup(groupId: $g) }"
SET = "mutation($u: ID!, $g: ID) { setEmployeeGroup(userId: $u, groupId: $g) { group { name } } }"
GROUPS = "{ company { groups { id name memberCount } } }"
ASSIGN = """mutation($c: ID!, $u: [ID!]! = [], $g: [ID!]! = [], $d: DateTime) {
  assignCourse(courseId: $c, userIds: $u, groupIds: $g, dueAt: $d) {
    id dueAt isOverdue learner { email } } }"""
SET_DUE = "mutation($e: ID!, $d: DateTime) { setDueDate(enrollmentId: $e, dueAt: $d) { dueAt } }"
ENROLLMENTS = """query($g: ID, $o: Boolean) { company { enrollments(first: 100, groupId: $g,
  overdue: $o) { totalCount edges { node { learner { email } dueAt isOverdue } } } } }"""


async def _tokens(world: World, settings: Settings) -> dict[str, str]:
    return {name: await token_for(user, settings) for name, user in world.users().items()}


async def _group(client: httpx.AsyncClient, token: str, name: str) -> str:
    data = await ok(client, CREATE, {"n": name}, token)
    return str(data["createGroup"]["id"])


def _in(clock: FakeClock, days: float) -> str:
    return (clock.now + timedelta(days=days)).isoformat()


async def test_an_admin_creates_renames_fills_and_deletes_a_group(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    t = await _tokens(world, settings)
    # given an admin who creates two groups (names cleaned like person names)
    created = (await ok(client, CREATE, {"n": "  Sales   team "}, t["admin_x"]))["createGroup"]
    assert created["name"] == "Sales team"
    assert created["memberCount"] == 0
    ops = await _group(client, t["admin_x"], "Operations")
    sales = created["id"]
    # when they put two employees in Sales and rename it
    for person in (world.employee_x, world.employee_x2):
        data = await ok(client, SET, {"u": gid("User", person.id), "g": sales}, t["admin_x"])
        assert data["setEmployeeGroup"]["group"] == {"name": "Sales team"}
    await ok(client, RENAME, {"g": sales, "n": "Sales"}, t["admin_x"])
    # then the list is by name with member counts, and the employee sees their group
    groups = (await ok(client, GROUPS, token=t["admin_x"]))["company"]["groups"]
    assert [(g["name"], g["memberCount"]) for g in groups] == [("Operations", 0), ("Sales", 2)]
    me = await ok(client, "{ me { group { name } } }", token=t["employee_x"])
    assert me["me"]["group"] == {"name": "Sales"}
    # and the employee list filters by group
    query = "query($g: ID) { company { employees(groupId: $g) { totalCount } } }"
    data = await ok(client, query, {"g": sales}, t["admin_x"])
    assert data["company"]["employees"]["totalCount"] == 2
    data = await ok(client, query, {"g": ops}, t["admin_x"])
    assert data["company"]["employees"]["totalCount"] == 0
    # when the group is deleted, its members stay, ungrouped
    await ok(client, DELETE, {"g": sales}, t["admin_x"])
    assert await User.filter(id=world.employee_x.id, group_id=None).exists()
    assert await Group.filter(company_id=world.company_x.id).count() == 1
    # and every step is audited
    actions = [e.action for e in await AuditEvent.filter(company_id=world.company_x.id)]
    for action in ("group.created", "group.renamed", "group.deleted", "account.group_set"):
        assert action in actions
    # setting no group takes one out
    await ok(client, SET, {"u": gid("User", world.employee_x2.id), "g": ops}, t["admin_x"])
    data = await ok(client, SET, {"u": gid("User", world.employee_x2.id), "g": None}, t["admin_x"])
    assert data["setEmployeeGroup"]["group"] is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("sales", "CONFLICT"),
        ("SALES ", "CONFLICT"),
        ("", "VALIDATION"),
        ("   ", "VALIDATION"),
        ("x" * 101, "VALIDATION"),
        ("bad\x07name", "VALIDATION"),
    ],
)
async def test_bad_or_taken_names_are_refused_and_store_nothing(
    client: httpx.AsyncClient, world: World, settings: Settings, name: str, code: str
) -> None:
    t = await _tokens(world, settings)
    other = await _group(client, t["admin_x"], "Support")
    await _group(client, t["admin_x"], "Sales")
    await fails(client, code, CREATE, {"n": name}, t["admin_x"])
    await fails(client, code, RENAME, {"g": other, "n": name}, t["admin_x"])
    assert sorted(g.name for g in await Group.all()) == ["Sales", "Support"]


async def test_the_same_name_in_another_company_is_fine(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    t = await _tokens(world, settings)
    await _group(client, t["admin_x"], "Sales")
    await _group(client, t["admin_y"], "Sales")
    # and renaming to its own name (another case) is not a conflict with itself
    g = await _group(client, t["admin_x"], "Ops")
    data = await ok(client, RENAME, {"g": g, "n": "OPS"}, t["admin_x"])
    assert data["renameGroup"]["name"] == "OPS"


async def test_the_number_of_groups_has_a_limit(world: World) -> None:
    # (the setting reaches the domain as max_groups; the API passes LLP_MAX_GROUPS_PER_COMPANY)
    await groups.create_group(world.admin_x, "A", max_groups=2)
    await groups.create_group(world.admin_x, "B", max_groups=2)
    with pytest.raises(TooMany) as refused:
        await groups.create_group(world.admin_x, "C", max_groups=2)
    assert refused.value.extensions()["limit"] == "GROUPS_PER_COMPANY"
    assert refused.value.code == "VALIDATION"
    assert await Group.filter(company_id=world.company_x.id).count() == 2


async def test_another_companys_group_is_not_found_everywhere(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    t = await _tokens(world, settings)
    theirs = await _group(client, t["admin_y"], "Globex sales")
    mine = await _group(client, t["admin_x"], "Acme sales")
    x = t["admin_x"]
    employee = gid("User", world.employee_x.id)
    course = gid("Course", world.course.course.id)
    await fails(client, "NOT_FOUND", RENAME, {"g": theirs, "n": "Mine now"}, x)
    await fails(client, "NOT_FOUND", DELETE, {"g": theirs}, x)
    await fails(client, "NOT_FOUND", SET, {"u": employee, "g": theirs}, x)
    await fails(client, "NOT_FOUND", ASSIGN, {"c": course, "g": [theirs]}, x)
    await fails(client, "NOT_FOUND", ASSIGN, {"c": course, "g": [mine, theirs]}, x)
    await fails(client, "NOT_FOUND", ENROLLMENTS, {"g": theirs}, x)
    employees = "query($g: ID) { company { employees(groupId: $g) { totalCount } } }"
    await fails(client, "NOT_FOUND", employees, {"g": theirs}, x)
    # another company's person, and a malformed ID, alike
    await fails(client, "NOT_FOUND", SET, {"u": gid("User", world.employee_y.id), "g": mine}, x)
    await fails(client, "NOT_FOUND", DELETE, {"g": "not-an-id"}, x)
    await fails(client, "NOT_FOUND", DELETE, {"g": gid("Group", 999999)}, x)
    # and nothing changed
    assert (await Group.get(name="Globex sales")).company_id == world.company_y.id
    assert await Enrollment.all().count() == 0
    assert (await User.get(id=world.employee_x.id)).group_id is None


@pytest.mark.parametrize("role", ["employee_x", "individual_a", "staff"])
async def test_only_company_admins_manage_groups(
    client: httpx.AsyncClient, world: World, settings: Settings, role: str
) -> None:
    t = await _tokens(world, settings)
    g = await _group(client, t["admin_x"], "Sales")
    employee = gid("User", world.employee_x.id)
    await fails(client, "FORBIDDEN", CREATE, {"n": "Mine"}, t[role])
    await fails(client, "FORBIDDEN", RENAME, {"g": g, "n": "Mine"}, t[role])
    await fails(client, "FORBIDDEN", DELETE, {"g": g}, t[role])
    await fails(client, "FORBIDDEN", SET, {"u": employee, "g": g}, t[role])
    await fails(client, "UNAUTHENTICATED", CREATE, {"n": "Mine"})
    assert [x.name for x in await Group.all()] == ["Sales"]


async def test_a_learner_sees_their_group_but_not_its_member_count(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    t = await _tokens(world, settings)
    g = await _group(client, t["admin_x"], "Sales")
    await ok(client, SET, {"u": gid("User", world.employee_x.id), "g": g}, t["admin_x"])
    await fails(client, "FORBIDDEN", "{ me { group { memberCount } } }", token=t["employee_x"])
    data = await ok(client, "{ me { group { memberCount } } }", token=t["admin_x"])
    assert data["me"]["group"] is None  # the admin is in no group


# -- assigning to groups, with due dates ----------------------------------------------------


async def test_assigning_to_a_group_reaches_its_active_members_now(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    t = await _tokens(world, settings)
    g = await _group(client, t["admin_x"], "Sales")
    leaver = await make_user("leaver@acme.example", company=world.company_x)
    for person in (world.employee_x, world.employee_x2, leaver):
        await ok(client, SET, {"u": gid("User", person.id), "g": g}, t["admin_x"])
    await User.filter(id=leaver.id).update(deactivated_at=clock.now)
    due = _in(clock, 14)
    # when the admin assigns the course to the group and to themselves, due in 14 days
    data = await ok(
        client,
        ASSIGN,
        {
            "c": gid("Course", world.course.course.id),
            "u": [gid("User", world.admin_x.id)],
            "g": [g, g],
            "d": due,
        },
        t["admin_x"],
    )
    rows = data["assignCourse"]
    # then the named person comes first, then the active members by name; not the leaver
    assert [r["learner"]["email"] for r in rows] == [
        "admin@acme.example",
        "ed@acme.example",
        "emma@acme.example",
    ]
    assert all(r["dueAt"] is not None and r["isOverdue"] is False for r in rows)
    # someone who joins the group later is not assigned by it
    newcomer = await make_user("new@acme.example", company=world.company_x)
    await ok(client, SET, {"u": gid("User", newcomer.id), "g": g}, t["admin_x"])
    assert not await Enrollment.filter(learner_id=newcomer.id).exists()
    audit = await AuditEvent.filter(action="enrollment.assigned").first()
    assert audit is not None
    assert audit.details["due_at"] is not None


async def test_existing_callers_with_user_ids_only_still_work(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    t = await _tokens(world, settings)
    query = "mutation($c: ID!, $u: [ID!]!) { assignCourse(courseId: $c, userIds: $u) { dueAt } }"
    data = await ok(
        client,
        query,
        {"c": gid("Course", world.course.course.id), "u": [gid("User", world.employee_x.id)]},
        t["admin_x"],
    )
    assert data["assignCourse"] == [{"dueAt": None}]
    # and nobody at all is still VALIDATION
    body = await fails(
        client, "VALIDATION", ASSIGN, {"c": gid("Course", world.course.course.id)}, t["admin_x"]
    )
    assert body["errors"][0]["extensions"]["field"] == "userIds"


async def test_a_due_date_in_the_past_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    t = await _tokens(world, settings)
    variables: dict[str, Any] = {
        "c": gid("Course", world.course.course.id),
        "u": [gid("User", world.employee_x.id)],
    }
    for when in (_in(clock, -1), clock.now.isoformat()):
        body = await fails(client, "VALIDATION", ASSIGN, {**variables, "d": when}, t["admin_x"])
        assert body["errors"][0]["extensions"]["field"] == "dueAt"
    await fails(client, "BAD_USER_INPUT", ASSIGN, {**variables, "d": "not a date"}, t["admin_x"])
    assert await Enrollment.all().count() == 0


async def test_assigning_again_with_a_due_date_moves_it_unless_completed(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    t = await _tokens(world, settings)
    course = gid("Course", world.course.course.id)
    both = [gid("User", world.employee_x.id), gid("User", world.employee_x2.id)]
    await ok(client, ASSIGN, {"c": course, "u": both, "d": _in(clock, 7)}, t["admin_x"])
    await Enrollment.filter(learner_id=world.employee_x2.id).update(completed_at=clock.now)
    # when assigned again without a due date: nothing moves
    rows = (await ok(client, ASSIGN, {"c": course, "u": both}, t["admin_x"]))["assignCourse"]
    assert rows[0]["dueAt"] == rows[1]["dueAt"] == _in(clock, 7)
    # when assigned again with a later one: the open one moves, the completed one keeps its
    rows = (await ok(client, ASSIGN, {"c": course, "u": both, "d": _in(clock, 30)}, t["admin_x"]))[
        "assignCourse"
    ]
    assert [r["dueAt"] for r in rows] == [_in(clock, 30), _in(clock, 7)]
    assert await AuditEvent.filter(action="enrollment.due_date_set").count() == 1


async def test_too_many_people_through_groups_is_refused(world: World) -> None:
    group = await groups.create_group(world.admin_x, "Sales", max_groups=10)
    await User.filter(id__in=[world.employee_x.id, world.employee_x2.id]).update(group_id=group.id)
    course = world.course.course.id
    with pytest.raises(TooMany) as refused:
        await enrollments.assign_course(
            world.admin_x, course, [], group_ids=[group.id], max_total=1
        )
    assert refused.value.extensions()["limit"] == "ASSIGN_TOTAL"
    with pytest.raises(TooMany) as refused:
        await enrollments.assign_course(
            world.admin_x, course, [world.employee_x.id, world.employee_x2.id], max_users=1
        )
    assert refused.value.extensions()["limit"] == "ASSIGN_USERS"
    assert await Enrollment.all().count() == 0
    # at the limit it works
    rows = await enrollments.assign_course(
        world.admin_x, course, [], group_ids=[group.id], max_total=2
    )
    assert len(rows) == 2


async def test_overdue_follows_the_clock_and_filters_agree(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    t = await _tokens(world, settings)
    g = await _group(client, t["admin_x"], "Sales")
    await ok(client, SET, {"u": gid("User", world.employee_x.id), "g": g}, t["admin_x"])
    course = gid("Course", world.course.course.id)
    await ok(client, ASSIGN, {"c": course, "g": [g], "d": _in(clock, 1)}, t["admin_x"])
    await ok(client, ASSIGN, {"c": course, "u": [gid("User", world.employee_x2.id)]}, t["admin_x"])
    await ok(
        client,
        ASSIGN,
        {"c": course, "u": [gid("User", world.admin_x.id)], "d": _in(clock, 1)},
        t["admin_x"],
    )
    await Enrollment.filter(learner_id=world.admin_x.id).update(completed_at=clock.now)

    async def emails(**filters: Any) -> list[str]:
        data = await ok(client, ENROLLMENTS, filters, t["admin_x"])
        edges = data["company"]["enrollments"]["edges"]
        # the field and the filter say the same of every row
        if "o" in filters:
            assert all(e["node"]["isOverdue"] is filters["o"] for e in edges)
        return sorted(e["node"]["learner"]["email"] for e in edges)

    assert await emails(o=True) == []
    clock.advance(2 * 86400)
    # then only the open enrollment past its date is overdue (not the completed one)
    assert await emails(o=True) == ["emma@acme.example"]
    assert await emails(o=False) == ["admin@acme.example", "ed@acme.example"]
    assert await emails(g=g) == ["emma@acme.example"]
    assert await emails(g=g, o=False) == []


async def test_set_due_date_rules(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    t = await _tokens(world, settings)
    course = gid("Course", world.course.course.id)
    rows = (
        await ok(
            client,
            ASSIGN,
            {"c": course, "u": [gid("User", p.id) for p in (world.employee_x, world.employee_x2)]},
            t["admin_x"],
        )
    )["assignCourse"]
    e, done = rows[0]["id"], rows[1]["id"]
    data = await ok(client, SET_DUE, {"e": e, "d": _in(clock, 3)}, t["admin_x"])
    assert data["setDueDate"]["dueAt"] == _in(clock, 3)
    # the learner sees it but may not change it; another company's admin cannot see it
    await fails(client, "FORBIDDEN", SET_DUE, {"e": e, "d": _in(clock, 9)}, t["employee_x"])
    await fails(client, "NOT_FOUND", SET_DUE, {"e": e, "d": _in(clock, 9)}, t["admin_y"])
    await fails(client, "NOT_FOUND", SET_DUE, {"e": e, "d": _in(clock, 9)}, t["employee_x2"])
    await fails(client, "VALIDATION", SET_DUE, {"e": e, "d": _in(clock, -1)}, t["admin_x"])
    await Enrollment.filter(learner_id=world.employee_x2.id).update(completed_at=clock.now)
    await fails(client, "VALIDATION", SET_DUE, {"e": done, "d": _in(clock, 9)}, t["admin_x"])
    stored = await Enrollment.get(learner_id=world.employee_x.id)
    assert stored.due_at == clock.now + timedelta(days=3)
    # null removes it
    data = await ok(client, SET_DUE, {"e": e, "d": None}, t["admin_x"])
    assert data["setDueDate"]["dueAt"] is None
    assert await AuditEvent.filter(action="enrollment.due_date_set").count() == 2


async def test_a_self_enrollment_has_no_due_date_to_set(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    t = await _tokens(world, settings)
    mine = await post(
        client,
        "mutation($c: ID!) { enroll(courseId: $c) { id dueAt isOverdue } }",
        {"c": gid("Course", world.course.course.id)},
        t["individual_a"],
    )
    enrollment = mine["data"]["enroll"]
    assert enrollment["dueAt"] is None
    assert enrollment["isOverdue"] is False
    await fails(client, "FORBIDDEN", SET_DUE, {"e": enrollment["id"]}, t["individual_a"])
