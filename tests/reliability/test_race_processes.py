"""R5 across processes: scripts/reliability/race.py against real uvicorn servers.

PostgreSQL with 2 workers and 200 racing requests, SQLite with 1 worker and 50. Skipped
only when PostgreSQL is unreachable and LLP_REQUIRE_POSTGRES is unset.
"""

from __future__ import annotations

import pytest

from tests.reliability.processes import run_script


@pytest.mark.slow
@pytest.mark.processes
def test_exactly_one_certificate_across_processes(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_script("race.py")
    figure = [line for line in result.stdout.splitlines() if line.startswith("R5:")]
    with capsys.disabled():
        print("\n" + "\n".join(figure or [result.stdout[-2000:], result.stderr[-2000:]]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert figure == ["R5: certificates issued: postgres K=200 → 1; sqlite K=50 → 1"]
