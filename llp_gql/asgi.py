"""``llp_gql.asgi:app`` for uvicorn/gunicorn workers: settings from the environment."""

from __future__ import annotations

from llp_gql.app import create_app
from llp_gql.settings import Settings

app = create_app(Settings.from_env())
