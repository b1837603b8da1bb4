"""The whole service as one ASGI app: the API with the web pages mounted."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from admin_ui import admin_routes
from learner_ui import learner_routes
from llp_gql import app as api
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.settings import Settings

__all__ = ["create_app"]


def create_app(
    settings: Settings, *, manage_database: bool = True, clock: Clock = utcnow
) -> Starlette:
    """The API (``/graphql``, certificate links, health), the admin UI (``/admin``) and
    the learners' app (``/learn``).

    ``manage_database=False`` leaves the Tortoise context to the caller (the
    tests open a fresh database per test around the app).
    """
    pages = [Mount("/admin", routes=admin_routes()), Mount("/learn", routes=learner_routes())]
    return api.create_app(settings, pages=pages, manage_database=manage_database, clock=clock)
