"""The wheel carries everything the commands need from a non-editable install:
migrations, fonts, GraphiQL assets, admin templates and static files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.skipif(ON_POSTGRES, reason="packaging does not depend on the database")
def test_wheel_ships_data_files(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("llp_gql-*.whl")
    names = zipfile.ZipFile(wheel).namelist()

    def has(prefix: str, suffix: str = "") -> bool:
        return any(n.startswith(prefix) and n.endswith(suffix) for n in names)

    assert has("llp_gql/_migrations/sqlite/models/", ".py")
    assert has("llp_gql/_migrations/postgres/models/", ".py")
    assert has("llp_gql/certs/fonts/", ".ttf")
    assert has("llp_gql/certs/fonts/", ".txt")  # the licences travel with the fonts
    assert has("llp_gql/transport/graphiql_static/", ".js")
    assert has("admin_ui/templates/", ".html")
    assert has("admin_ui/static/", ".js")
    assert has("llp_portal/", ".py")  # the assembly, the CLI and asgi
    assert has("learner_ui/templates/", ".html")
    assert has("learner_ui/static/", ".js")
    assert has("learner_ui/static/media/", ".webm")  # the demo's videos
    assert has("llp_gql/mail/templates/")
    assert not has("tests/")
