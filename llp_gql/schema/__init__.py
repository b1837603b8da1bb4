"""The GraphQL schema: its types, queries and mutations, and nothing of HTTP.

``Query`` and ``Mutation`` are the contract; ``schema_sdl()`` prints it as committed
in schema.graphql. The transport (``llp_gql.transport``) builds the served schema
from them with the request limits and error handling of the settings.
"""

from __future__ import annotations

import strawberry

from llp_gql.schema.root import Mutation, Query

__all__ = ["Mutation", "Query", "schema_sdl"]


def schema_sdl() -> str:
    """The schema as committed in schema.graphql."""
    return strawberry.Schema(query=Query, mutation=Mutation).as_str() + "\n"
