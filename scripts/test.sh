#!/usr/bin/env bash
# The one test command: installs the project with its test extras into .venv,
# checks style, types, schema and migration drift, and runs the suite on SQLite
# and then on PostgreSQL (LLP_CI_POSTGRES_URL, default the local server).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (strict)"
.venv/bin/mypy
echo "== schema.graphql drift"
.venv/bin/llp-gql export-schema --out - | diff -u schema.graphql - \
  || { echo "schema.graphql is out of date: run llp-gql export-schema --out schema.graphql"; exit 1; }

echo "== R4: graphql-http audit and schemathesis fuzzing against a running server"
.venv/bin/python scripts/reliability/graphql_http_audit.py
.venv/bin/python scripts/reliability/schemathesis_fuzz.py --max-examples 10

run_pytest() {
  # pytest exits 5 when it collected no tests: that is a failure here.
  set +e
  .venv/bin/python -m pytest "$@"
  code=$?
  set -e
  if [ "$code" -eq 5 ]; then echo "pytest collected no tests"; return 1; fi
  return "$code"
}

# Two pytest-xdist workers (LLP_TEST_WORKERS to change): the suite waits on the
# database and the browser as much as on the CPU.
WORKERS=${LLP_TEST_WORKERS:-2}

echo "== tests on SQLite"
run_pytest -q -p no:cacheprovider -n "$WORKERS"

# One database for the run, emptied before each test (see tests/conftest.py); the
# process id keeps two runs on one server apart. A "{}" in the name instead gives
# every test a database of its own (slower).
PG_URL=${LLP_CI_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/llp_test_$$}
echo "== tests on PostgreSQL"
# Browser tests and the suites that start their own servers on their own databases
# (both dialects already) ran in the first pass.
LLP_TEST_DATABASE_URL="$PG_URL" run_pytest -q -p no:cacheprovider -n "$WORKERS" \
  -m "not browser and not processes"
