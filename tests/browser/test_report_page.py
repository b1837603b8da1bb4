"""The compliance report in a real browser: reached from Progress by keyboard, filtered
without JS, the CSV downloaded, at 1280 and 390 px, with axe-core.
Screenshots: admin-report-*."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from llp_gql.models import Company, Enrollment
from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import WIDER_THAN_SCREEN, log_in

pytestmark = pytest.mark.browser


def test_an_admin_opens_filters_and_downloads_the_report(
    page: Any, live_server: LiveServer
) -> None:
    async def one_overdue() -> None:
        # an open Acme assignment whose due date passed a week ago
        company = await Company.get(name="Acme Corp")
        late = await Enrollment.filter(company_id=company.id, completed_at__isnull=True).first()
        assert late is not None
        late.due_at = datetime.now(UTC) - timedelta(days=7)
        await late.save(update_fields=["due_at"])

    live_server.run(one_overdue)
    serve_axe(page, live_server.base_url)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.base_url}/admin/progress")
    link = page.get_by_role("link", name="Compliance report")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Compliance report", level=1).is_visible()
    table = page.locator("#report table")
    assert table.count() == 1
    body = page.locator("#report tbody").inner_text()
    assert "Not started" in body or "In progress" in body
    assert not any(code in body for code in ("NOT_STARTED", "IN_PROGRESS"))  # words, not codes
    page.evaluate("document.fonts.ready")
    assert serious_violations(page, live_server.base_url) == []
    screenshot(page, "admin-report-1280")

    # the filters work as a plain form: tick "Overdue only" and submit by keyboard
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Show").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "overdue=1" in page.url
    rows = page.locator("#report tbody tr")
    assert rows.count() >= 1
    assert all("Overdue" in rows.nth(i).inner_text() for i in range(rows.count()))
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbfName,Email,Membership,Group,Course,Status")
    assert content.count(b"\r\n") == rows.count() + 1  # the header and every overdue row

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.base_url}/admin/reports/compliance")
    page.evaluate("document.fonts.ready")
    assert page.evaluate(WIDER_THAN_SCREEN) == []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    assert serious_violations(page, live_server.base_url) == []
    screenshot(page, "admin-report-390")

    # a hand-edited bad value: a 400 page that says which filter, still accessible
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(f"{live_server.base_url}/admin/reports/compliance?people=everyone")
    assert response is not None
    assert response.status == 400
    assert "`people` must be one of" in page.locator("main").inner_text()
    assert serious_violations(page, live_server.base_url) == []
    screenshot(page, "admin-report-error-1280")
