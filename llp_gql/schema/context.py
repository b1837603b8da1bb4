"""The typed per-request context, built once in ``get_context`` (by the transport).

It carries what resolvers need of the request, already resolved (the viewer, the
client's address), never the HTTP request itself: the schema knows no transport.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from strawberry.types import Info as _Info

from llp_gql.domain.clock import Clock
from llp_gql.models import User
from llp_gql.schema.loaders import Loaders
from llp_gql.settings import Settings


@dataclass
class Context:
    settings: Settings
    clock: Clock
    viewer: User | None
    token: str | None
    client_address: str
    loaders: Loaders = field(default_factory=Loaders)


Info = _Info[Context, None]
