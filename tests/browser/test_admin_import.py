"""The employee CSV import in a real browser: upload, preview with errors, apply by
keyboard, at 1280 and 390 px, with axe-core. Screenshots: admin-import-*."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import WIDER_THAN_SCREEN, log_in

pytestmark = pytest.mark.browser

MIXED = (
    "email,name,group,courses,due_date\n"
    "nora@acme.example,Nora Okafor,Sales,Leading Teams,2031-03-31\n"
    "omar@acme.example,Omar Haddad,Sales,Leading Teams; Feedback That Lands,\n"
    "pia@acme.example,Pia Schmidt,Support,,\n"
    "aiko@acme.example,Aiko Tanaka,Engineering,,\n"
    "gus@globex.example,Gus,,,\n"
    "not-an-email,Somebody,,,\n"
    'quinn@acme.example,=HYPERLINK("http://x"),,,\n'
    "rosa@acme.example,Rosa Diaz,,Underwater Basket Weaving,\n"
    "nora@acme.example,Nora again,,,\n"
)
GOOD = (
    "email,name,group,courses,due_date\n"
    "sam@acme.example,Sam Lee,Sales,Leading Teams,2031-03-31\n"
    "tess@acme.example,Tess Moreau,Sales,,\n"
)


def upload(page: Any, server: LiveServer, text: str) -> None:
    page.goto(f"{server.base_url}/admin/employees")
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state("networkidle")


def test_an_admin_previews_a_file_with_errors_then_applies_a_good_one(
    page: Any, live_server: LiveServer
) -> None:
    serve_axe(page, live_server.base_url)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "admin@acme.example")
    upload(page, live_server, MIXED)
    assert page.get_by_role("heading", name="Preview of people.csv").is_visible()
    body = page.locator("main").inner_text()
    assert "is not an email" in body
    assert "run as a formula" in body
    assert "outside your company" in body
    assert "Globex" not in body
    assert page.get_by_role("button", name="Apply this file").count() == 0
    assert serious_violations(page, live_server.base_url) == []
    screenshot(page, "admin-import-preview-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wide = page.evaluate(WIDER_THAN_SCREEN)
    assert wide == []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    assert serious_violations(page, live_server.base_url) == []
    screenshot(page, "admin-import-preview-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    upload(page, live_server, GOOD)
    button = page.get_by_role("button", name="Apply this file")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Import applied").is_visible()
    assert "2 added" in page.get_by_role("status").inner_text()
    assert serious_violations(page, live_server.base_url) == []
    screenshot(page, "admin-import-applied-1280")
    page.goto(f"{live_server.base_url}/admin/employees?q=tess")
    assert "Tess Moreau" in page.locator("main").inner_text()
