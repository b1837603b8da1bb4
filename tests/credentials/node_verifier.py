"""The independent verifier (tests/js): Digital Bazaar's VC libraries, installed from the
npm registry with ``npm ci`` from the committed package-lock.json into a cache folder
outside the checkout (keyed by the lock file's hash), once per machine.

Without npm or node the tests skip, unless LLP_REQUIRE_BROWSER is set (CI sets it for
every test that needs a tool from outside Python), where they fail instead.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).resolve().parents[1] / "js"
FILES = ("package.json", "package-lock.json", "verify-credential.mjs")


def _cache_dir() -> Path:
    digest = hashlib.sha256(b"".join((JS / name).read_bytes() for name in FILES)).hexdigest()
    root = os.environ.get("XDG_CACHE_HOME") or str(Path(tempfile.gettempdir()) / "llp-cache")
    return Path(root) / f"credential-verifier-{digest[:16]}"


def _missing(tool: str) -> None:
    message = f"{tool} is needed to run the independent credential verifier (tests/js)"
    if os.environ.get("LLP_REQUIRE_BROWSER") or os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@cache
def verifier_dir() -> Path:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        _missing("npm" if npm is None else "node")
    target = _cache_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Two pytest-xdist workers may get here at once: one installs, the other waits.
    with (target.parent / f"{target.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "node_modules" / ".installed").exists():
            target.mkdir(exist_ok=True)
            for name in FILES:
                shutil.copy(JS / name, target / name)
            subprocess.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                cwd=target,
                check=True,
                capture_output=True,
                timeout=600,
            )
            (target / "node_modules" / ".installed").write_text("ok")
    return target


def node_verify(
    credential: dict[str, Any], did_document: dict[str, Any], status_lists: dict[str, Any]
) -> dict[str, Any]:
    """Run the node verifier on one credential; its one-line JSON answer."""
    directory = verifier_dir()
    node = shutil.which("node")
    assert node is not None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as bundle:
        json.dump(
            {"credential": credential, "didDocument": did_document, "statusLists": status_lists},
            bundle,
        )
    try:
        done = subprocess.run(
            [node, "verify-credential.mjs", bundle.name],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.unlink(bundle.name)
    assert done.stdout, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert (done.returncode == 0) == (answer["verified"] and answer["revoked"] is False)
    return answer
