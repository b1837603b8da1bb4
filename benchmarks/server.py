"""The benchmark server: the real app from the environment, plus the baseline endpoints.

``uvicorn benchmarks.server:app`` with the same ``LLP_*`` variables as
``llp_portal.asgi:app``; the baseline routes (``/bench/...``) are added to this
instance only, so that both sides share one process, one connection pool and
the same middleware.
"""

from __future__ import annotations

from benchmarks.baseline import build_app
from llp_gql.settings import Settings

app = build_app(Settings.from_env())
