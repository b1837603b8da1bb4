"""The llp-gql command: refusals that protect data, and commands that work anywhere."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from llp_gql.certs.links import download_url
from llp_gql.schema import schema_sdl
from llp_gql.settings import Settings
from llp_portal import cli
from llp_portal.cli import main

ROOT = Path(__file__).resolve().parent.parent
STRONG = "k3Jd9-x_Qw7Lm2Pz8Rt5Vb1Nc6Hy4Gf0Sa"
NO_BASE_URL = "LLP_PUBLIC_BASE_URL is not set"


def test_serve_refuses_several_workers_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLP_ENV", "dev")
    monkeypatch.setenv("LLP_DATABASE_URL", "sqlite://x.sqlite3")
    with pytest.raises(SystemExit, match="one worker only"):
        main(["serve", "--workers", "2"])


def test_serve_refuses_a_weak_secret_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLP_ENV", raising=False)
    monkeypatch.setenv("LLP_SECRET_KEY", "short")
    with pytest.raises(SystemExit, match="LLP_SECRET_KEY is too short"):
        main(["serve"])


def test_committed_schema_matches_the_code() -> None:
    assert (ROOT / "schema.graphql").read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is stale: run `llp-gql export-schema --out schema.graphql`"
    )


def test_migrate_and_create_staff_from_another_directory(tmp_path: Path) -> None:
    # given a fresh directory and a SQLite URL, when the commands run there
    env = {
        **os.environ,
        "LLP_ENV": "dev",
        "LLP_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
        "LLP_STAFF_PASSWORD": "a-long-enough-password",
        "PYTHONPATH": str(ROOT),
    }
    run = [sys.executable, "-m", "llp_portal.cli"]
    migrate = subprocess.run(
        [*run, "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert migrate.returncode == 0, migrate.stderr
    staff = subprocess.run(
        [*run, "create-staff", "--email", "Ops@LLP.example", "--name", "Ops"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then both succeed, and the email is stored normalised
    assert staff.returncode == 0, staff.stderr
    assert "ops@llp.example" in staff.stdout
    again = subprocess.run(
        [*run, "create-staff", "--email", "ops@llp.example", "--name", "Ops"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode != 0
    assert "already exists" in again.stderr


def test_demo_seed_is_idempotent_and_exports_certificates(tmp_path: Path) -> None:
    # given a migrated database seeded twice with the demo world (as `llp-gql demo` does)
    env = {
        **os.environ,
        "LLP_ENV": "dev",
        "LLP_DATABASE_URL": f"sqlite://{tmp_path / 'demo.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    seed = (
        "import asyncio; from llp_gql.db import migrate; from llp_gql.demo import seed_demo;"
        "from llp_gql.settings import Settings; s = Settings.from_env();"
        "asyncio.run(migrate(s.database_url)); asyncio.run(seed_demo(s)); asyncio.run(seed_demo(s))"
    )
    done = subprocess.run(
        [sys.executable, "-c", seed],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    # when the company's certificates are exported from the command line
    out = tmp_path / "acme.zip"
    export = subprocess.run(
        [
            sys.executable,
            "-m",
            "llp_portal.cli",
            "export-certificates",
            "--company",
            "Acme Corp",
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then the seeded certificates are there once each (the second seed added nothing)
    assert export.returncode == 0, export.stderr
    import zipfile

    archive = zipfile.ZipFile(out)
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) >= 10
    assert "manifest.csv" in names
    # once each: the manifest has a row per PDF, no more
    manifest = archive.read("manifest.csv").decode("utf-8-sig").strip().splitlines()
    assert len(manifest) == 1 + len(pdfs)
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "llp_portal.cli",
            "export-certificates",
            "--company",
            "Nope",
            "--out",
            str(tmp_path / "x.zip"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize(
    ("command", "env", "message"),
    [
        (["migrate"], {"LLP_DATABASE_URL": "mysql://u@h/db"}, "must start with sqlite://"),
        (["serve"], {"LLP_DATABASE_URL": "mysql://u@h/db"}, "must start with sqlite://"),
        (["migrate"], {"LLP_DATABASE_URL": "postgres://u:pw@127.0.0.1:1/x"}, "cannot use the"),
        (["serve"], {"LLP_DATABASE_URL": "postgres://u:pw@127.0.0.1:1/x"}, "cannot use the"),
        (["migrate"], {"LLP_DATABASE_URL": "sqlite:///no/such/dir/x.db"}, "does not exist"),
        (["serve", "--workers", "2"], {"LLP_DATABASE_URL": "sqlite://x.db"}, "one worker only"),
        (["serve"], {"LLP_ENV": "production", "LLP_SECRET_KEY": "weak"}, "too short"),
        (["serve"], {"LLP_ENV": "production", "LLP_SECRET_KEY": STRONG}, NO_BASE_URL),
        (
            ["serve"],
            {"LLP_ENV": "production", "LLP_SECRET_KEY": STRONG, "LLP_PUBLIC_BASE_URL": ""},
            NO_BASE_URL,
        ),
        (["serve"], {"LLP_TRUSTED_PROXIES": "everyone"}, "LLP_TRUSTED_PROXIES"),
    ],
)
def test_bad_configuration_ends_with_one_clear_line(
    tmp_path: Path, command: list[str], env: dict[str, str], message: str
) -> None:
    full_env = {**os.environ, "LLP_ENV": "dev", "PYTHONPATH": str(ROOT), **env}
    if "LLP_PUBLIC_BASE_URL" not in env:
        full_env.pop("LLP_PUBLIC_BASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "llp_portal.cli", *command],
        cwd=tmp_path,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("llp-gql: ")
    assert message in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert "pw@" not in lines[0]  # the password stays out of the message


def test_asgi_app_without_public_base_url_ends_with_one_line(tmp_path: Path) -> None:
    # given production settings without LLP_PUBLIC_BASE_URL, when a plain ASGI server
    # imports llp_portal.asgi, then it stops with the same one line as `llp-gql serve`
    env = {**os.environ, "LLP_ENV": "production", "LLP_SECRET_KEY": STRONG, "PYTHONPATH": str(ROOT)}
    env.pop("LLP_PUBLIC_BASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "import llp_portal.asgi"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"llp-gql: {NO_BASE_URL}")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["demo", "--port", "9000"], {}, "http://127.0.0.1:9000"),
        (["demo", "--host", "0.0.0.0", "--port", "9001"], {}, "http://127.0.0.1:9001"),  # noqa: S104
        (["demo", "--host", "::1", "--port", "9002"], {}, "http://[::1]:9002"),
        (
            ["demo", "--port", "9000"],
            {"LLP_PUBLIC_BASE_URL": "https://demo.example/"},
            "https://demo.example",
        ),
        (["serve", "--port", "9003"], {"LLP_ENV": "dev"}, "http://127.0.0.1:9003"),
    ],
)
def test_demo_and_dev_link_to_where_they_listen(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: list[str],
    env: dict[str, str],
    expected: str,
) -> None:
    # given no public base URL (or an explicit one), and the server and database stubbed
    served: list[Settings] = []

    def run_db(settings: Settings, action: object) -> list[tuple[str, str]]:
        getattr(action, "close", lambda: None)()
        return []

    monkeypatch.setattr(cli, "_run_db", run_db)
    monkeypatch.setattr(cli, "_serve", lambda settings, *args: served.append(settings))
    monkeypatch.delenv("LLP_PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("LLP_ENV", raising=False)
    monkeypatch.setenv("LLP_DATABASE_URL", f"sqlite://{tmp_path / 'demo.sqlite3'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # when the command starts
    main(argv)
    # then its certificate links point where it listens (or where it was told)
    [settings] = served
    assert settings.public_base_url == expected
    link = download_url(settings, certificate_id=1, user_id=2, now=datetime.now(UTC))
    assert link.startswith(expected + "/certificates/1/download?token=")


def test_prune_prints_what_it_removed(tmp_path: Path) -> None:
    # given a database with a session and a rate counter from long ago, and a live token
    env = {
        **os.environ,
        "LLP_ENV": "dev",
        "LLP_DATABASE_URL": f"sqlite://{tmp_path / 'prune.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    seed = (
        "import asyncio, datetime; from tortoise import Tortoise;"
        "from llp_gql.db import migrate, tortoise_config; from llp_gql.domain import auth,"
        " ratelimit; from llp_gql.settings import Settings; from tests.factories import make_user\n"
        "async def main():\n"
        "    s = Settings.from_env(); await migrate(s.database_url)\n"
        "    await Tortoise.init(config=tortoise_config(s.database_url))\n"
        "    u = await make_user('old@mail.example')\n"
        "    then = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)\n"
        "    await auth.issue_token(u, settings=s, kind=auth.SESSION, clock=lambda: then)\n"
        "    await ratelimit.hit('login-ip:x', limit=9, now=then, message='')\n"
        "    await auth.issue_token(u, settings=s)\n"
        "    await Tortoise.close_connections()\n"
        "asyncio.run(main())"
    )
    done = subprocess.run(
        [sys.executable, "-c", seed], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr

    def prune() -> str:
        run = subprocess.run(
            [sys.executable, "-m", "llp_portal.cli", "prune"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    # when pruned twice, then the first run says what it removed and the second finds nothing
    assert prune() == ("Removed 1 expired session(s) and API token(s) and 1 rate-limit counter(s).")
    assert prune() == ("Removed 0 expired session(s) and API token(s) and 0 rate-limit counter(s).")


def test_create_staff_refuses_a_common_password(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LLP_ENV": "dev",
        "LLP_DATABASE_URL": f"sqlite://{tmp_path / 'weak.sqlite3'}",
        "LLP_STAFF_PASSWORD": "Password1234",
        "PYTHONPATH": str(ROOT),
    }
    run = [sys.executable, "-m", "llp_portal.cli"]
    migrate = subprocess.run(
        [*run, "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert migrate.returncode == 0, migrate.stderr
    staff = subprocess.run(
        [*run, "create-staff", "--email", "ops@llp.example", "--name", "Ops"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert staff.returncode == 1
    assert staff.stderr.startswith("llp-gql: This password is on the list of the most common")
    assert "Traceback" not in staff.stderr


def test_demo_prints_the_learner_app_and_who_signs_in_where(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the demo's logins, with the server and database stubbed
    logins = [("company admin", "admin@acme.example"), ("individual", "sam@mail.example")]

    def run_db(settings: Settings, action: object) -> list[tuple[str, str]]:
        getattr(action, "close", lambda: None)()
        return logins

    monkeypatch.setattr(cli, "_run_db", run_db)
    monkeypatch.setattr(cli, "_serve", lambda settings, *args: None)
    monkeypatch.delenv("LLP_PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("LLP_DATABASE_URL", f"sqlite://{tmp_path / 'demo.sqlite3'}")
    # when the demo starts
    main(["demo", "--port", "9004"])
    # then it prints the learner app's address, and where each login signs in
    out = capsys.readouterr().out
    assert "Learner app:       http://127.0.0.1:9004/learn" in out
    assert "sam@mail.example" in out
    assert "at http://127.0.0.1:9004/learn" in out.split("sam@mail.example")[1].splitlines()[0]
    assert "at http://127.0.0.1:9004/admin" in out.split("admin@acme.example")[1].splitlines()[0]


def test_rotate_signing_key_retires_the_old_key(tmp_path: Path) -> None:
    # given a migrated database and the service's secret
    env = {
        **os.environ,
        "LLP_ENV": "dev",
        "LLP_DATABASE_URL": f"sqlite://{tmp_path / 'keys.sqlite3'}",
        "LLP_SECRET_KEY": "a-long-random-enough-secret-for-the-cli-0123456789",
        "PYTHONPATH": str(ROOT),
    }
    run = [sys.executable, "-m", "llp_portal.cli"]

    def cli(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*run, *args],
            cwd=tmp_path,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert cli("migrate").returncode == 0
    # when rotated twice, then each run names its new key
    first, second = cli("rotate-signing-key"), cli("rotate-signing-key")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("New signing key key-1 (z6Mk")
    assert second.stdout.startswith("New signing key key-2 (z6Mk")
    # and the first is retired, still there (published), the second active
    with sqlite3.connect(tmp_path / "keys.sqlite3") as db:
        rows = db.execute("SELECT kid, retired_at IS NULL FROM signing_key ORDER BY id").fetchall()
    assert rows == [("key-1", 0), ("key-2", 1)]
    # without the real secret it refuses, with one line
    refused = cli("rotate-signing-key", LLP_SECRET_KEY="")
    assert refused.returncode != 0
    assert "LLP_SECRET_KEY" in refused.stderr
    assert "Traceback" not in refused.stderr
