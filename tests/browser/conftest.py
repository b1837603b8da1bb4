"""A real server for the browser tests, and Debian's chromium driven by Playwright.

The app runs in a uvicorn subprocess on a free 127.0.0.1 port against a temporary
SQLite file, migrated and seeded first. The tests change the data through the
browser, and make learner progress through the domain in this process, against
the same file.

The tests skip only when /usr/bin/chromium is missing *and* LLP_REQUIRE_BROWSER is
not set; CI sets it, so there a missing browser is a failure, not a silent skip.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
import pytest
from tortoise import Tortoise

from llp_gql.db import migrate, tortoise_config
from llp_gql.settings import Settings
from tests.browser.seed import seed_showcase
from tests.smtp_server import Inbox, smtp_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SECRET = "browser-test-secret-0123456789-abcdefghijklmnop"

T = TypeVar("T")


def _require_browser() -> None:
    if not os.path.exists(CHROMIUM) and not os.environ.get("LLP_REQUIRE_BROWSER"):
        pytest.skip(f"{CHROMIUM} is not installed (set LLP_REQUIRE_BROWSER to make this fail)")


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    # What the server's mail (sent by its queue worker) reaches: a real SMTP server.
    inbox: Inbox

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run domain code against the server's database, in a short Tortoise context."""

        async def wrapped() -> T:
            await Tortoise.init(config=tortoise_config(self.settings.database_url))
            try:
                return await work()
            finally:
                await Tortoise.close_connections()

        # In a thread of its own: Playwright's sync API keeps an event loop running here.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, wrapped()).result()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_browser()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite://{tmp_path_factory.mktemp('browser')}/llp.sqlite3"
    settings = Settings(
        mode="dev", database_url=database_url, secret_key=SECRET, public_base_url=base_url
    )
    _ = asyncio.run(migrate(database_url))
    with smtp_server() as (inbox, smtp_port):
        server = LiveServer(base_url, settings, inbox)
        server.run(lambda: seed_showcase(settings))
        env = {
            **os.environ,
            "LLP_ENV": "dev",
            "LLP_DATABASE_URL": database_url,
            "LLP_SECRET_KEY": SECRET,
            "LLP_PUBLIC_BASE_URL": base_url,
            "LLP_SMTP_HOST": "127.0.0.1",
            "LLP_SMTP_PORT": str(smtp_port),
            "LLP_SMTP_TLS": "none",
            "LLP_QUEUE_POLL_INTERVAL_SECONDS": "0.2",
            "PYTHONPATH": str(ROOT),
        }
        yield from _serve(server, port, env)


def _serve(server: LiveServer, port: int, env: dict[str, str]) -> Iterator[LiveServer]:
    # The server's output goes to a file, never to a pipe: nobody reads a pipe while the
    # tests run, and once its buffer (64 KiB) is full the server blocks on its next log
    # line and every page times out (seen when the every-page sweep grew).
    with tempfile.TemporaryFile() as log:
        yield from _serve_logging_to(server, port, env, log)


def _serve_logging_to(
    server: LiveServer, port: int, env: dict[str, str], log: IO[bytes]
) -> Iterator[LiveServer]:
    base_url = server.base_url
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "llp_portal.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                output = log.read().decode(errors="replace")
                pytest.fail(f"the server did not start:\n{output}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1366, "height": 860}, accept_downloads=True, locale="en-GB"
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Every run takes its screenshots; they land in LLP_SCREENSHOT_DIR when set (to
    refresh the README's: LLP_SCREENSHOT_DIR=docs/screenshots), else in a temporary
    folder, so a test run leaves the checkout clean."""
    folder = Path(os.environ.get("LLP_SCREENSHOT_DIR") or _scratch())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _scratch() -> Path:
    return Path(tempfile.gettempdir()) / "llp-admin-screenshots"
