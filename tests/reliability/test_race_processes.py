"""R5 across processes: scripts/reliability/race.py against real uvicorn servers.

PostgreSQL with 2 workers and 200 racing requests, SQLite with 1 worker and 50. Skipped
only when PostgreSQL is unreachable and LLP_REQUIRE_POSTGRES is unset.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts" / "reliability"
sys.path.insert(0, str(SCRIPTS))

from _common import postgres_admin_url, postgres_reachable  # noqa: E402


@pytest.mark.slow
@pytest.mark.processes
def test_exactly_one_certificate_across_processes(capsys: pytest.CaptureFixture[str]) -> None:
    admin_url = postgres_admin_url()
    if not postgres_reachable(admin_url) and not os.environ.get("LLP_REQUIRE_POSTGRES"):
        pytest.skip(
            f"PostgreSQL is not reachable at {admin_url} (set LLP_REQUIRE_POSTGRES "
            "to make this a failure)"
        )
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "race.py")],
        cwd=REPO,
        env={**os.environ, "LLP_RACE_POSTGRES_URL": admin_url},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    figure = [line for line in result.stdout.splitlines() if line.startswith("R5:")]
    with capsys.disabled():
        print("\n" + "\n".join(figure or [result.stdout[-2000:], result.stderr[-2000:]]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert figure == ["R5: certificates issued: postgres K=200 → 1; sqlite K=50 → 1"]
