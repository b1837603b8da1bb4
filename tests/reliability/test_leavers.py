"""R16 across processes: scripts/reliability/leavers.py against a real uvicorn with 2
workers on PostgreSQL: deactivations (API and admin UI) racing the person's token,
session and logins; export, reactivation, renames, removal; admins demoting or
deactivating each other at the same instant.

Skipped only when PostgreSQL is unreachable and LLP_REQUIRE_POSTGRES is unset (CI sets it).
"""

from __future__ import annotations

import pytest

from tests.reliability.processes import run_script


@pytest.mark.slow
@pytest.mark.processes
def test_leavers_keep_their_records_and_lose_every_session(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # when the R16 script runs against 2 workers
    result = run_script("leavers.py")
    lines = [line for line in result.stdout.splitlines() if line.startswith(("R16:", "  "))]
    with capsys.disabled():
        print("\n" + "\n".join(lines or [result.stdout[-2000:], result.stderr[-2000:]]))
    # then every certificate of a leaver is exported, no session outlives the
    # deactivation, every company keeps an admin, and the server logged no traceback
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert (
        "R16: certificates still exported after deactivation: 20 of 20; "
        "sessions alive after deactivation: 0; companies without an admin: 0" in lines
    )
