"""R4 (second half): schemathesis GraphQL fuzzing against the running server, once per role.

A real ``uvicorn llp_portal.asgi:app`` (production mode) on a scratch SQLite file with the
demo world; schemathesis reads the committed ``schema.graphql`` and fuzzes every query
and mutation with each role's bearer token (and once anonymously). ``logout`` and
``deleteMyAccount`` are left out so that a role keeps its token for the whole run.

Schemathesis reports every GraphQL error as a failure (ST113), expected ones such as
NOT_FOUND included; the figure here counts server errors only: HTTP 5xx answers and
errors coded INTERNAL. Each is printed with schemathesis' reproduction.

    pip install 'schemathesis>=4.3,<5'
    python scripts/reliability/schemathesis_fuzz.py [--max-examples 25] [--postgres]

``--postgres`` serves a scratch PostgreSQL database (LLP_RACE_POSTGRES_URL, default the
local server) instead of SQLite: PostgreSQL refuses more (NUL characters, integers past
32 bits), so it finds more.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import (
    REPO,
    Server,
    create_postgres_database,
    demo_world,
    drop_postgres_database,
    migrate,
    postgres_admin_url,
    strong_secret,
)

# One failure as schemathesis prints it: "[500] Internal Server Error:" then the body.
FAILURE = re.compile(r"^\[(\d{3})\][^\n]*:\n\n\s+`(.*?)`\n", re.MULTILINE | re.DOTALL)
CODE = re.compile(r'"code":\s*"([A-Z_]+)"')
EXCLUDED = ("Mutation.logout", "Mutation.deleteMyAccount")


def fuzz(
    base_url: str, role: str, token: str | None, examples: int, seed: int, scratch: Path
) -> dict[str, object]:
    binary = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    command = [
        binary,
        "run",
        str(REPO / "schema.graphql"),
        "--url",
        f"{base_url}/graphql",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--no-color",
        "--output-truncate",
        "false",
        "--generation-database",
        "none",  # no .schemathesis/ folder in the work tree
        "--continue-on-failure",
        "--report",
        "junit",
        "--report-dir",
        str(scratch / role),
    ]
    for name in EXCLUDED:
        command += ["--exclude-name", name]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    result = subprocess.run(  # noqa: S603 - the installed schemathesis CLI
        command, capture_output=True, text=True, timeout=1800, check=False, cwd=scratch
    )
    output = result.stdout + result.stderr
    statuses: collections.Counter[int] = collections.Counter()
    codes: collections.Counter[str] = collections.Counter()
    server_errors = []
    for status, body in FAILURE.findall(output):
        statuses[int(status)] += 1
        found = CODE.findall(body) or ["(none)"]
        codes.update(found)
        if int(status) >= 500 or "INTERNAL" in found or "(none)" in found:
            server_errors.append(f"[{status}] {body[:300]}")
    generated = re.search(r"(\d+) generated", output)
    return {
        "role": role,
        "exit": result.returncode,
        "generated": int(generated.group(1)) if generated else 0,
        "failure statuses": dict(statuses),
        "codes": dict(codes),
        "server_errors": server_errors,
        "tail": output[-3000:],
        "output": output,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--roles", help="comma-separated subset of anonymous,staff,admin,employee,individual"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        database_url = f"sqlite://{scratch / 'fuzz.sqlite3'}"
        admin_url, name = postgres_admin_url(), f"llp_fuzz_{secrets.token_hex(4)}"
        if args.postgres:
            database_url = asyncio.run(create_postgres_database(admin_url, name))
        migrate(database_url)
        secret = strong_secret()
        tokens: dict[str, str | None] = {"anonymous": None, **demo_world(database_url, secret)}
        if args.roles:
            tokens = {role: tokens[role] for role in args.roles.split(",")}
        server = Server(database_url, secret, workers=1)
        results = []
        try:
            server.wait_ready()
            for role, token in tokens.items():
                outcome = fuzz(server.base_url, role, token, args.max_examples, args.seed, scratch)
                results.append(outcome)
                print(
                    f"  {role}: {outcome['generated']} test cases, schemathesis exit "
                    f"{outcome['exit']}, failing answers by status "
                    f"{outcome['failure statuses']}, error codes {outcome['codes']}, "
                    f"server errors {len(outcome['server_errors'])}"
                )  # type: ignore[arg-type]
                for line in outcome["server_errors"]:  # type: ignore[attr-defined]
                    print(f"    {line}")
                if args.verbose or not outcome["generated"]:
                    print(outcome["tail"])
        finally:
            code = server.stop()
            if args.postgres:
                asyncio.run(drop_postgres_database(admin_url, name))
        tracebacks = sum("Traceback" in line for line in server.lines)
    total = sum(len(r["server_errors"]) for r in results)  # type: ignore[arg-type]
    cases = sum(r["generated"] for r in results)  # type: ignore[misc]
    print(f"  server exit status {code}; tracebacks in the server log: {tracebacks}")
    where = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"R4 schemathesis ({where}): {cases} test cases over {len(results)} roles, "
        f"server errors: {total}"
    )
    return 0 if total == 0 and cases > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
