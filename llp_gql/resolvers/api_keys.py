"""API keys: make, revoke, list (rules in domain/api_keys.py and access_keys.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from llp_gql.domain import api_keys
from llp_gql.schema.api_keys import ApiKeyScope, ApiKeyType, CreatedApiKey
from llp_gql.schema.context import Info
from llp_gql.schema.ids import decode_id


async def api_keys_list(info: Info) -> list[ApiKeyType]:
    rows = await api_keys.list_keys(info.context.viewer)
    return [ApiKeyType.from_model(row) for row in rows]


async def create_api_key(
    info: Info,
    name: Annotated[
        str,
        strawberry.argument(description="What the key is for: 1 to 100 characters."),
    ],
    scopes: Annotated[
        list[ApiKeyScope],
        strawberry.argument(description="What the key may do: at least one scope."),
    ],
) -> CreatedApiKey:
    context = info.context
    made = await api_keys.create_key(
        context.viewer,
        name,
        [scope.value for scope in scopes],
        settings=context.settings,
        clock=context.clock,
    )
    await made.row.fetch_related("created_by")
    return CreatedApiKey(key=made.key, api_key=ApiKeyType.from_model(made.row))


async def revoke_api_key(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The key (ApiKey.id).")],
) -> ApiKeyType:
    context = info.context
    row = await api_keys.revoke_key(context.viewer, decode_id("ApiKey", id), clock=context.clock)
    await row.fetch_related("created_by")
    return ApiKeyType.from_model(row)
