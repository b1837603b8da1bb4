"""``llp_portal.asgi:app`` for uvicorn/gunicorn workers: settings from the environment.

A bad setting ends the process with the same one line as ``llp-gql serve``, not a
traceback from inside the server's import machinery. Run the server with its own
proxy-header handling off (``uvicorn --no-proxy-headers``): the app reads forwarded
headers itself, from ``LLP_TRUSTED_PROXIES`` only (see docs/deployment.md).
"""

from __future__ import annotations

from llp_gql.settings import Settings, SettingsError
from llp_portal.app import create_app

try:
    _settings = Settings.from_env()
except SettingsError as exc:
    raise SystemExit(f"llp-gql: {exc}") from None

app = create_app(_settings)
