"""The API keys' mutations. ``Mutation`` (schema/root.py) inherits them."""

from __future__ import annotations

import strawberry

from llp_gql.resolvers import api_keys as key_resolvers
from llp_gql.schema.api_keys import ApiKeyType, CreatedApiKey
from llp_gql.schema.wording import _LOGGED_IN, authenticated

_WHO = (
    " Company admins for their company's keys, staff for the platform's (FORBIDDEN for "
    "others, and for every API key)."
)


@strawberry.type(description="Mutations about API keys (merged into Mutation).")
class KeyMutations:
    create_api_key: CreatedApiKey = strawberry.mutation(
        resolver=key_resolvers.create_api_key,
        permission_classes=authenticated,
        description="Make an API key with a name and scopes; the answer holds the key, "
        "shown this once. Staff keys take the read scope only. VALIDATION for a bad name "
        "or scopes, and past the active keys per company (extensions.limit "
        "MAX_ACTIVE_API_KEYS); RATE_LIMITED past the keys one person may make in an hour "
        "(extensions.limit API_KEYS_PER_HOUR). Audited." + _WHO + _LOGGED_IN,
    )
    revoke_api_key: ApiKeyType = strawberry.mutation(
        resolver=key_resolvers.revoke_api_key,
        permission_classes=authenticated,
        description="Revoke an API key: refused from the next request on. Revoking a "
        "revoked key changes nothing. NOT_FOUND alike for a missing key and another "
        "company's. Audited." + _WHO + _LOGGED_IN,
    )
