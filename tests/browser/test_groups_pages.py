"""Groups, the Assign page with groups and due dates, and the overdue matrix in a real
browser: keyboard and mouse, axe-core, and screenshots at 1280 and 390 px."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from llp_gql.domain import groups
from llp_gql.domain.clock import utcnow
from llp_gql.models import Enrollment, Role, User
from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import log_in

pytestmark = pytest.mark.browser


async def _seed() -> None:
    admin = await User.get(email="admin@acme.example")
    people = await User.filter(company_id=admin.company_id, role=Role.LEARNER).order_by("id")
    sales = await groups.create_group(admin, "Sales", max_groups=100)
    await groups.create_group(admin, "Operations", max_groups=100)
    await groups.create_group(admin, "Customer support (EMEA)", max_groups=100)
    for person in people[: max(1, len(people) // 2)]:
        await User.filter(id=person.id).update(group_id=sales.id)
    first = await Enrollment.filter(company_id=admin.company_id, completed_at=None).first()
    if first is not None:
        await Enrollment.filter(id=first.id).update(due_at=utcnow() - timedelta(days=2))
    await Enrollment.filter(company_id=admin.company_id, due_at=None, completed_at=None).update(
        due_at=utcnow() + timedelta(days=20)
    )


def _check(page: Any, server: LiveServer, name: str) -> None:
    page.wait_for_load_state("networkidle")
    assert serious_violations(page, server.base_url) == [], f"{name}: {page.url}"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_groups_assign_and_overdue_pages(page: Any, live_server: LiveServer) -> None:
    live_server.run(_seed)
    serve_axe(page, live_server.base_url)
    log_in(page, live_server, "admin@acme.example")

    page.goto(f"{live_server.base_url}/admin/groups")
    assert page.get_by_role("heading", name="Groups").is_visible()
    _check(page, live_server, "admin-groups")
    # a duplicate name in another case is refused next to the field
    page.get_by_label("New group").fill("sales")
    page.get_by_role("button", name="Create group").click()
    assert page.get_by_text("There is already a group called").is_visible()
    _check(page, live_server, "admin-groups-error")
    # deleting asks first
    page.goto(f"{live_server.base_url}/admin/groups")
    page.get_by_role("link", name="Delete Operations").click()
    assert page.get_by_role("heading", name="Delete the group “Operations”?").is_visible()
    _check(page, live_server, "admin-groups-delete")

    # the Assign page: tick someone, filter by a group they are not in, they stay selected
    page.goto(f"{live_server.base_url}/admin/assign")
    boxes = page.locator("#people input[type=checkbox]")
    last = boxes.nth(boxes.count() - 1)
    last.check()
    page.get_by_label("In group").select_option(label="Sales")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("networkidle")
    assert "selected" in page.locator("#selected-count").inner_text()
    page.get_by_label("Customer support (EMEA)").check()
    _check(page, live_server, "admin-assign")

    page.goto(f"{live_server.base_url}/admin/progress")
    assert page.get_by_text("Overdue", exact=True).first.is_visible()
    _check(page, live_server, "admin-progress-overdue")
