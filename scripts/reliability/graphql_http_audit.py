"""R4 (first half): the graphql-http audit suite (GraphQL over HTTP spec) against /graphql.

Installs the npm package ``graphql-http`` into a scratch folder (Node from the machine),
starts a real ``uvicorn llp_portal.asgi:app`` (production mode) on a scratch SQLite file,
and runs ``auditServer`` from a small .mjs script. Every audit that is not ``ok`` is
printed with its requirement level (MUST / SHOULD / MAY), status and reason.

The audits of the ``variables`` parameter query ``__type(name: $name)``, so the server
runs with LLP_INTROSPECTION=true (production mode otherwise); ``--no-introspection``
audits the production default, where those four answer "introspection disabled".

    python scripts/reliability/graphql_http_audit.py [--package graphql-http@^1.22]
                                                     [--no-introspection]
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import Server, migrate, strong_secret

AUDIT_JS = """
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
const out = [];
for (const result of results) {
  const item = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    item.reason = result.reason;
    try {
      item.responseStatus = result.response.status;
      item.responseBody = (await result.response.text()).slice(0, 300);
    } catch (error) {
      item.responseBody = '(body already read)';
    }
  }
  out.push(item);
}
console.log(JSON.stringify(out));
"""


def install(folder: Path, package: str) -> None:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SystemExit("graphql-http audit: node and npm are needed")
    (folder / "package.json").write_text(
        '{"name": "llp-audit", "private": true, "type": "module"}\n'
    )
    subprocess.run(  # noqa: S603 - npm found on PATH, fixed arguments
        [npm, "install", "--no-audit", "--no-fund", "--silent", package, "graphql@^16"],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (folder / "audit.mjs").write_text(AUDIT_JS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="graphql-http@^1.22")
    parser.add_argument("--no-introspection", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        install(scratch, args.package)
        version = json.loads(
            (scratch / "node_modules" / "graphql-http" / "package.json").read_text()
        )["version"]
        database_url = f"sqlite://{scratch / 'audit.sqlite3'}"
        migrate(database_url)
        introspection = "false" if args.no_introspection else "true"
        server = Server(
            database_url, strong_secret(), workers=1, env={"LLP_INTROSPECTION": introspection}
        )
        try:
            server.wait_ready()
            node = shutil.which("node") or "node"
            result = subprocess.run(  # noqa: S603 - node from PATH, our script
                [node, "audit.mjs", f"{server.base_url}/graphql"],
                cwd=scratch,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        finally:
            code = server.stop()
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit("the audit script failed")
    results = json.loads(result.stdout.strip().splitlines()[-1])
    statuses = collections.Counter(item["status"] for item in results)
    for item in results:
        if item["status"] != "ok":
            print(
                f"  [{item['status']}] {item['name']} ({item['id']}): {item.get('reason')}"
                f" -> {item.get('responseStatus')} {item.get('responseBody', '')[:200]}"
            )
    tracebacks = sum("Traceback" in line for line in server.lines)
    print(
        f"  graphql-http {version}; LLP_INTROSPECTION={introspection}; "
        f"statuses {dict(statuses)}; server exit {code}; tracebacks in the server log: {tracebacks}"
    )
    print(
        f"R4 audit: {statuses['ok']}/{len(results)}, errors: {statuses['error']}"
        f" (warnings {statuses['warn']}, notices {statuses['notice']})"
    )
    return 0 if statuses["error"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
