"""The API keys page in a real browser: make a key (shown once, selectable, with a copy
button), use it, revoke it after a confirmation; keyboard, axe-core, 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import log_in

pytestmark = pytest.mark.browser


def _check(page: Any, server: LiveServer, name: str) -> None:
    page.evaluate("() => document.fonts.ready")
    page.wait_for_load_state("networkidle")
    assert serious_violations(page, server.base_url) == [], f"{name}: {page.url}"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} scrolls sideways by {overflow} px at {width}"
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_make_use_and_revoke_a_key(page: Any, live_server: LiveServer) -> None:
    serve_axe(page, live_server.base_url)
    log_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.base_url}/admin/api-keys")
    assert page.get_by_role("heading", name="API keys", exact=True).is_visible()
    _check(page, live_server, "admin-api-keys-empty")

    # a key without a scope is refused next to the scopes, by keyboard alone
    page.get_by_label("Name").fill("Workday sync")
    page.get_by_label("Name").press("Enter")
    assert page.locator("#f-scopes-err").is_visible()
    page.get_by_label("Read: see what an admin sees").check()
    page.get_by_label("Assign: assign courses").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Make key").click()
    page.wait_for_load_state("networkidle")

    # the key is shown once, as selectable text, and the copy button appears with JS
    value = page.get_by_label("Key", exact=True).input_value()
    assert value.startswith("llp_")
    copy = page.get_by_role("button", name="Copy")
    assert copy.is_visible()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy.click()
    page.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == value
    _check(page, live_server, "admin-api-keys-made")

    # it works
    query = {"query": "{ company { name } }"}
    headers = {"Authorization": f"Bearer {value}"}
    answer = httpx.post(f"{live_server.base_url}/graphql", json=query, headers=headers)
    assert answer.json()["data"] == {"company": {"name": "Acme Corp"}}

    # the list never shows it again
    page.goto(f"{live_server.base_url}/admin/api-keys")
    assert value not in page.content()
    assert value.split("_")[1] in page.content()  # the prefix is

    # revoking asks first, then the key is refused
    page.get_by_role("link", name="Revoke Workday sync").click()
    assert page.get_by_role("heading", name="Revoke the key “Workday sync”?").is_visible()
    _check(page, live_server, "admin-api-keys-revoke")
    page.get_by_role("button", name="Yes, revoke Workday sync").click()
    page.wait_for_load_state("networkidle")
    assert "revoked" in page.get_by_role("status").inner_text()
    answer = httpx.post(f"{live_server.base_url}/graphql", json=query, headers=headers)
    assert answer.json()["data"] == {"company": None}
    _check(page, live_server, "admin-api-keys-list")
