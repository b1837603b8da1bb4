"""axe-core in the test browser: fetched once from the npm registry, served locally.

The package is fetched with ``npm pack`` (the registry's ordinary client) into a
cache folder outside the checkout; Playwright then answers the test page's request
for ``/__axe__/axe.min.js`` with it. The script comes from the page's own origin,
so the pages' Content-Security-Policy (``script-src 'self'``) need not be relaxed.

Without npm the browser tests skip, unless LLP_REQUIRE_BROWSER is set (CI), where
they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE_VERSION = "4.14.1"
AXE_PATH = "/__axe__/axe.min.js"
BAD_IMPACTS = ("serious", "critical")


def _cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path(tempfile.gettempdir()) / "llp-cache")
    return Path(root) / f"axe-core-{AXE_VERSION}"


@cache
def axe_source() -> str:
    target = _cache_dir() / "axe.min.js"
    if not target.exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("LLP_REQUIRE_BROWSER"):
                pytest.fail("npm is needed to fetch axe-core for the accessibility checks")
            pytest.skip("npm is not installed: no axe-core")
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(
                [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", scratch],
                check=True,
                capture_output=True,
                timeout=300,
            )
            with tarfile.open(Path(scratch) / f"axe-core-{AXE_VERSION}.tgz") as archive:
                member = archive.extractfile("package/axe.min.js")
                assert member is not None
                partial = target.with_suffix(".part")
                partial.write_bytes(member.read())
                partial.replace(target)
    return target.read_text(encoding="utf-8")


def serve_axe(page: Any, base_url: str) -> None:
    """Let the page load axe-core from its own origin (see the module docstring)."""
    source = axe_source()
    page.route(
        f"{base_url}{AXE_PATH}",
        lambda route: route.fulfill(status=200, body=source, content_type="application/javascript"),
    )


def serious_violations(page: Any, base_url: str) -> list[str]:
    """Run axe-core on the page as it is; the serious and critical violations, in words."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(url=f"{base_url}{AXE_PATH}")
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in results["violations"]:
        if violation.get("impact") in BAD_IMPACTS:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found
