"""The audit log page: newest first by the time of the event (ties by id), keyset pages
that neither skip nor repeat, the names of the actor and of the person each row is
about (one lookup per page), and "(removed person)" for one who is gone."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import httpx

from llp_gql.domain import audit
from llp_gql.domain.audit_log import REMOVED_PERSON, audit_page
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuditEvent, User
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.api.test_query_counts import QueryLog
from tests.factories import World, make_user


async def _shuffled_events(world: World, clock: FakeClock, count: int) -> list[AuditEvent]:
    """Events whose ids are NOT in time order (as an import or a backdated write makes
    them), with some sharing the same instant."""
    base = clock()
    offsets = [minute // 2 for minute in range(count)]  # pairs share a time
    random.Random(17).shuffle(offsets)
    for number, offset in enumerate(offsets):
        await audit.record(
            audit.ASSIGNED,
            actor=world.admin_x,
            subject_type="enrollment",
            subject_id=number,
            company_id=world.company_x.id,
            at=base + timedelta(minutes=offset),
            details={"learner_id": world.employee_x.id, "course_title": f"C{number}"},
        )
    return list(await AuditEvent.filter(company_id=world.company_x.id))


async def test_pages_walk_the_log_newest_first_without_gap_or_repeat(
    world: World, clock: FakeClock
) -> None:
    # given 53 events written out of time order
    events = await _shuffled_events(world, clock, 53)
    expected = [e.id for e in sorted(events, key=lambda e: (e.at, e.id), reverse=True)]
    assert expected != sorted(expected, reverse=True), "the ids must disagree with the times"
    # when every page is read through the cursors
    seen: list[int] = []
    before = None
    for _ in range(10):
        page = await audit_page(world.admin_x, None, before, 10)
        assert page.total == 53
        assert page.first == (before is None)
        seen += [row.event.id for row in page.rows]
        before = page.older
        if before is None:
            break
    # then they come in (at desc, id desc), each exactly once
    assert seen == expected


async def test_a_cursor_of_another_company_or_garbage_shows_the_newest_page(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    _ = await _shuffled_events(world, clock, 3)
    await audit.record(
        audit.ASSIGNED,
        actor=world.admin_y,
        subject_type="enrollment",
        subject_id=1,
        company_id=world.company_y.id,
        details={"learner_email": "secret@globex.example"},
    )
    other = await AuditEvent.get(company_id=world.company_y.id)
    page = await audit_page(world.admin_x, None, other.id, 10)
    assert page.first
    assert len(page.rows) == 3
    _ = await log_in(client, world.admin_x, settings)
    for query in (f"before={other.id}", "before=abc", "before=-1", "before=99999999999999"):
        response = await client.get(f"/admin/audit?{query}")
        assert response.status_code == 200, query
        assert "secret@globex.example" not in response.text
        assert response.text.count('<td class="nowrap">') == 3


async def test_rows_name_the_actor_and_the_person_and_say_when_one_is_gone(
    client: httpx.AsyncClient, settings: Settings, world: World, clock: FakeClock
) -> None:
    leaver = await make_user("leaver@acme.example", company=world.company_x, name="Lea Ver")
    await audit.record(
        audit.EMPLOYEE_DEACTIVATED,
        actor=world.admin_x,
        subject_type="user",
        subject_id=world.employee_x.id,
        company_id=world.company_x.id,
        at=clock(),
    )
    await audit.record(
        audit.ASSIGNED,
        actor=leaver,
        subject_type="enrollment",
        subject_id=5,
        company_id=world.company_x.id,
        at=clock() + timedelta(minutes=1),
        details={"learner_id": leaver.id},
    )
    await audit.record(
        audit.COMPANY_CREATED,
        actor=None,
        subject_type="company",
        subject_id=world.company_x.id,
        company_id=world.company_x.id,
        at=clock() + timedelta(minutes=2),
    )
    await User.filter(id=leaver.id).delete()
    page = await audit_page(world.admin_x, None, None, 10)
    said = [(r.event.action, r.actor_name, r.person_name) for r in page.rows]
    assert said == [
        (audit.COMPANY_CREATED, None, None),
        (audit.ASSIGNED, REMOVED_PERSON, REMOVED_PERSON),
        (audit.EMPLOYEE_DEACTIVATED, world.admin_x.name, world.employee_x.name),
    ]
    _ = await log_in(client, world.admin_x, settings)
    html = (await client.get("/admin/audit")).text
    assert world.employee_x.name in html
    assert "Employee deactivated (left)" in html
    assert "(removed person)" in html
    assert "System" in html
    assert "Lea Ver" not in html
    assert "leaver@acme.example" not in html  # erased: not even the address the row keeps


async def test_a_page_costs_the_same_queries_for_3_rows_as_for_25(
    world: World, clock: FakeClock, queries: QueryLog
) -> None:
    people = [await make_user(f"p{n}@acme.example", company=world.company_x) for n in range(25)]

    async def counted(before: int | None) -> int:
        queries.statements.clear()
        queries.active = True
        try:
            _ = await audit_page(world.admin_x, None, before, 25)
        finally:
            queries.active = False
        return len(queries.statements)

    for person in people[:3]:
        await audit.record(
            audit.EMPLOYEE_INVITED,
            actor=world.admin_x,
            subject_type="user",
            subject_id=person.id,
            company_id=world.company_x.id,
            at=clock(),
        )
    few = await counted(None)
    for person in people[3:] * 2:
        await audit.record(
            audit.EMPLOYEE_INVITED,
            actor=person,
            subject_type="user",
            subject_id=person.id,
            company_id=world.company_x.id,
            at=clock(),
        )
    many = await counted(None)
    assert few == many, str(queries)
    assert many <= 4, str(queries)
    last = (await audit_page(world.admin_x, None, None, 25)).older
    assert last is not None
    assert await counted(last) == many + 1  # the cursor's row


def test_every_action_of_the_log_has_a_label() -> None:
    from admin_ui.company import ACTION_LABELS, _label

    actions = {
        value
        for name, value in vars(audit).items()
        if name.isupper() and isinstance(value, str) and "." in value
    }
    assert actions - set(ACTION_LABELS) == set()
    assert not re.search(r"[._]", _label("some.new_action"))
