"""GraphiQL loads and runs a query in a real browser with no internet (issue 4).

Every request the page makes to a host other than the server is blocked and
recorded: the page must not need any.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from llp_gql.db import migrate
from llp_gql.settings import Settings
from llp_portal.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("LLP_REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed (CI installs it and requires it)",
    ),
]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Recorded from the first script on: what the Content-Security-Policy blocked.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    """The real app under uvicorn, in a thread, on a migrated SQLite file."""
    settings = Settings(
        mode="dev",
        database_url=f"sqlite://{tmp_path / 'graphiql.sqlite3'}",
        secret_key="browser-test-secret-key-0123456789abcdef",
    )
    asyncio.run(migrate(settings.database_url))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_graphiql_runs_a_query_offline(server_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    outside: list[str] = []

    def only_local(route: Route) -> None:
        if route.request.url.startswith(server_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.add_init_script(RECORD_CSP_VIOLATIONS)
            page.route("**/*", only_local)
            response = page.goto(f"{server_url}/graphql", wait_until="networkidle")
            assert response is not None
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            # given the editor has loaded (not stuck on "Loading...")
            editor = page.locator(".graphiql-query-editor .CodeMirror").first
            editor.wait_for(timeout=20_000)
            # when a query is typed and run
            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("{ courses { totalCount } }")
            page.locator(".graphiql-execute-button").click()
            # then the result pane shows the answer from our server
            result = page.locator(".graphiql-response")
            result.get_by_text('"totalCount": 0').wait_for(timeout=10_000)
            # and the headers editor is there to paste a bearer token into
            assert page.get_by_text("Headers").count() >= 1
            page.screenshot(
                path=str(os.environ.get("LLP_SCREENSHOT_DIR", tmp_path)) + "/graphiql.png"
            )
            # and the page's Content-Security-Policy blocked nothing it needs
            assert page.evaluate("window.__cspViolations") == []
        finally:
            browser.close()
    assert outside == [], f"GraphiQL asked for outside resources: {outside}"


def test_verify_page_is_styled_under_its_policy(server_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.add_init_script(RECORD_CSP_VIOLATIONS)
            response = page.goto(f"{server_url}/verify/nosuchcode", wait_until="load")
            assert response is not None
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            # the inline style (allowed by its hash) applies: the text column is narrow
            width = page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth")
            assert width == "640px"
            assert page.evaluate("window.__cspViolations") == []
        finally:
            browser.close()
