"""What the suites that start their own servers share: the PostgreSQL they need, and
running one of scripts/reliability/ as a subprocess.

They skip only when PostgreSQL is unreachable and LLP_REQUIRE_POSTGRES is unset
(CI sets it, so there a missing server is a failure, never a skip).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts" / "reliability"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from _common import postgres_admin_url, postgres_reachable  # noqa: E402


def require_postgres() -> str:
    """The admin URL of the PostgreSQL server; skips the test when there is none."""
    admin_url = postgres_admin_url()
    if not postgres_reachable(admin_url) and not os.environ.get("LLP_REQUIRE_POSTGRES"):
        pytest.skip(
            f"PostgreSQL is not reachable at {admin_url} (set LLP_REQUIRE_POSTGRES "
            "to make this a failure)"
        )
    return admin_url


def run_script(name: str, *, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run scripts/reliability/<name> against the PostgreSQL server; its output."""
    admin_url = require_postgres()
    return subprocess.run(
        [sys.executable, str(SCRIPTS / name)],
        cwd=REPO,
        env={**os.environ, "LLP_RACE_POSTGRES_URL": admin_url},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
