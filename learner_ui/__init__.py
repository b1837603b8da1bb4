"""The web app for learners (issue 15, DESIGN.md section 4b), mounted at ``/learn``.

Server-rendered Starlette + Jinja2 pages with htmx (the admin UI's pinned copy,
served from ``static/``), no build step. Pages reach data only through
``llp_gql.domain`` and decide access only through ``llp_gql.domain.access``; the
browser session and CSRF tokens are the admin UI's.
"""

from __future__ import annotations

from starlette.routing import BaseRoute


def learner_routes() -> list[BaseRoute]:
    from learner_ui.routes import routes

    return routes()
