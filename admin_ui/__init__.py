"""The HTMX admin UI for staff and Company Admins (issue 6).

Server-rendered Starlette + Jinja2 pages with htmx (vendored in ``static/``, one
pinned major version), mounted at ``/admin``. Pages reach data only through
``llp_gql.domain`` and decide access only through ``llp_gql.domain.access``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute


def admin_routes() -> list[BaseRoute]:
    from admin_ui.routes import routes

    return routes()
