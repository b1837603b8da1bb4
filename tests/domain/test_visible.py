"""The ``visible_*`` queries of llp_gql.domain.access say in SQL what its predicates
say in Python: for every role, the rows a listing shows are the rows the predicate
admits (and the admin UI's listings are built on these queries)."""

from __future__ import annotations

import pytest

from llp_gql.domain import access, access_company
from llp_gql.domain.clock import FakeClock
from llp_gql.domain.paging import fetch_page
from llp_gql.models import AuditEvent, Company, Course, User
from tests.factories import World

ROLES = [
    "staff",
    "admin_x",
    "employee_x",
    "employee_x2",
    "admin_y",
    "employee_y",
    "individual_a",
    "individual_b",
]


@pytest.mark.parametrize("role", ROLES)
async def test_visible_users_are_the_users_the_viewer_may_view(world: World, role: str) -> None:
    # given a viewer of each role and everyone in the world
    viewer = world.users()[role]
    everyone = await User.all()
    # when the query lists the people the viewer sees
    listed = {u.id for u in await access.visible_users(viewer)}
    # then it lists exactly those the predicate admits
    assert listed == {u.id for u in everyone if access.may_view_user(viewer, u)}


@pytest.mark.parametrize("role", ROLES)
async def test_visible_courses_are_the_courses_the_viewer_may_view(world: World, role: str) -> None:
    # given a viewer of each role, a published and a draft course
    viewer = world.users()[role]
    # when the query lists the courses the viewer sees
    listed = {c.id for c in await access.visible_courses(viewer)}
    # then it lists exactly those the predicate admits
    assert listed == {c.id for c in await Course.all() if access.may_view_course(viewer, c)}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", {"Acme Corp", "Globex"}),
        ("admin_x", {"Acme Corp"}),
        ("admin_y", {"Globex"}),
        ("employee_x", set()),
        ("individual_a", set()),
    ],
)
async def test_visible_companies(world: World, role: str, expected: set[str]) -> None:
    # given a viewer of each role; when the query lists companies; then only these
    listed = await access.visible_companies(world.users()[role])
    assert {c.name for c in listed} == expected


@pytest.mark.parametrize(("role", "expected"), [("admin_x", 1), ("staff", 0), ("employee_x", 0)])
async def test_the_audit_log_is_its_company_admins(
    world: World, clock: FakeClock, role: str, expected: int
) -> None:
    # given one event of company X and one of company Y
    for company in (world.company_x, world.company_y):
        await AuditEvent.create(
            at=clock(), action="test", subject_type="company", company_id=company.id
        )
    # when a viewer lists the audit log; then only company X's admin sees X's event
    events = await access_company.visible_audit_events(world.users()[role])
    assert [e.company_id for e in events] == [world.company_x.id] * expected


@pytest.mark.parametrize(
    ("requested", "number", "names"),
    [(1, 1, ["A", "B"]), (2, 2, ["C"]), (9, 2, ["C"]), (0, 1, ["A", "B"])],
)
async def test_a_page_is_cut_in_sql_and_clamped(
    world: World, requested: int, number: int, names: list[str]
) -> None:
    # given three companies A, B, C (besides the world's)
    for name in ("A", "B", "C"):
        await Company.create(name=name)
    query = Company.filter(name__in=["A", "B", "C"])
    # when a page of two is asked for
    page = await fetch_page(query, requested, 2, order_by=("name",))
    # then it holds its part of the rows, a number within range and the total
    assert ([c.name for c in page.items], page.number, page.total, page.pages) == (
        names,
        number,
        3,
        2,
    )
