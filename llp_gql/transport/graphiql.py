"""GraphiQL, the in-browser IDE for the API, served entirely from this package.

Every asset is vendored (``graphiql_static/``, versions in its README) and linked
with an integrity hash and a content-hashed URL, so the page can be cached for a
year and runs under a strict Content-Security-Policy with no inline script.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
from functools import cache
from pathlib import Path
from typing import Any

from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = ["GRAPHIQL_CSP", "GRAPHIQL_STATIC_PATH", "graphiql_page", "graphiql_static_app"]

GRAPHIQL_STATIC_PATH = "/graphql/static"
STATIC_DIR = Path(__file__).parent / "graphiql_static"

# Loaded in this order by the GraphiQL page; each path is relative to STATIC_DIR.
_IDE_STYLESHEETS = (
    "graphiql-3.8.3/graphiql.min.css",
    "graphiql-plugin-explorer-1.0.2/style.css",
    "llp-graphiql.css",
)
_IDE_SCRIPTS = (
    "react-18.2.0/react.production.min.js",
    "react-dom-18.2.0/react-dom.production.min.js",
    "graphiql-3.8.3/graphiql.min.js",
    "graphiql-plugin-explorer-1.0.2/index.umd.js",
    "llp-graphiql.js",
)
# One year and immutable: every URL carries a hash of the file's content (?v=...).
_STATIC_CACHE_CONTROL = "public, max-age=31536000, immutable"

# Every asset is ours (checked with integrity hashes) and the page runs no inline
# script; the bundled stylesheet embeds its fonts as data: URLs, and the editor
# only talks to this server.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self' data:; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@cache
def _asset_url_and_integrity(name: str) -> tuple[str, str]:
    digest = hashlib.sha384((STATIC_DIR / name).read_bytes()).digest()
    return f"{name}?v={digest.hex()[:16]}", "sha384-" + base64.b64encode(digest).decode()


def _graphiql_html(static_url: str) -> str:
    prefix = html.escape(static_url.rstrip("/"), quote=True)
    links = []
    for name in _IDE_STYLESHEETS:
        url, integrity = _asset_url_and_integrity(name)
        links.append(f'<link rel="stylesheet" href="{prefix}/{url}" integrity="{integrity}">')
    scripts = []
    for name in _IDE_SCRIPTS:
        url, integrity = _asset_url_and_integrity(name)
        scripts.append(f'<script src="{prefix}/{url}" integrity="{integrity}"></script>')
    newline = "\n    "
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>LLP certificates - GraphiQL</title>
    <link rel="icon" href="data:,">
    {newline.join(links)}
  </head>
  <body>
    <div id="graphiql">Loading...</div>
    {newline.join(scripts)}
  </body>
</html>
"""


class _ImmutableStaticFiles(StaticFiles):
    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: Any,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = _STATIC_CACHE_CONTROL
        return response


def graphiql_static_app() -> StaticFiles:
    """The GraphiQL assets; mount at ``GRAPHIQL_STATIC_PATH``:

    ``Mount(GRAPHIQL_STATIC_PATH, app=graphiql_static_app(), name="graphiql-static")``
    """
    return _ImmutableStaticFiles(directory=STATIC_DIR)


def graphiql_page(static_url: str) -> HTMLResponse:
    """The IDE's HTML page, its assets under ``static_url``."""
    return HTMLResponse(
        _graphiql_html(static_url),
        headers={"Cache-Control": "no-cache", "Content-Security-Policy": GRAPHIQL_CSP},
    )
