"""Fixtures of the learner UI tests (app, client, world, clock: tests/conftest.py)."""

from __future__ import annotations

from tests.api.test_query_counts import queries as queries  # the SQL-counting fixture
