"""The typed per-request context, built once in ``get_context``."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from strawberry.types import Info as _Info

from llp_gql.domain.clock import Clock
from llp_gql.models import User
from llp_gql.schema.loaders import Loaders
from llp_gql.settings import Settings


@dataclass
class Context:
    request: Request
    settings: Settings
    clock: Clock
    viewer: User | None
    token: str | None
    client_address: str
    loaders: Loaders = field(default_factory=Loaders)


Info = _Info[Context, None]
