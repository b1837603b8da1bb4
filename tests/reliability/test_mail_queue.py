"""R17 across processes: scripts/reliability/mail_queue.py against two real servers.

SMTP down for 5 s here (30 s by hand: ``--down 30``), two servers' workers draining,
one restarted (SIGTERM) mid-send: no mail lost, none sent twice.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.reliability.processes import REPO, SCRIPTS, require_postgres


@pytest.mark.slow
@pytest.mark.processes
def test_no_mail_lost_or_sent_twice(capsys: pytest.CaptureFixture[str]) -> None:
    admin_url = require_postgres()
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "mail_queue.py"), "--down", "5", "--mails", "30"],
        cwd=REPO,
        env={**os.environ, "LLP_RACE_POSTGRES_URL": admin_url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    figure = [line for line in result.stdout.splitlines() if line.startswith("R17:")]
    with capsys.disabled():
        print("\n" + "\n".join(figure or [result.stdout[-2000:], result.stderr[-2000:]]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(figure) == 1
    assert figure[0].startswith("R17: mails lost: 0; mails sent twice: 0 (30 mails, SMTP down 5 s")
