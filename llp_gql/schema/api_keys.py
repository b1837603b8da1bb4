"""ApiKey: a company's (or the platform's) key for HR and learning systems."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import strawberry

from llp_gql.domain import access_keys
from llp_gql.models import ApiKey
from llp_gql.schema.accounts import UserType
from llp_gql.schema.enums import _describe
from llp_gql.schema.ids import encode_id


class ApiKeyScope(StrEnum):
    READ = access_keys.READ
    MANAGE_PEOPLE = access_keys.MANAGE_PEOPLE
    ASSIGN = access_keys.ASSIGN


_describe(
    ApiKeyScope,
    "What an API key may do on top of being its company's key (docs: integrations, API "
    "keys). A key never changes passwords or sessions, makes admins, makes or revokes keys, "
    "learns, authors courses or downloads certificates.",
    {
        "READ": "Run queries: what an admin of the company sees (staff keys: what staff "
        "see), without certificate codes and download links.",
        "MANAGE_PEOPLE": "Create, invite, rename, group, deactivate, reactivate and remove "
        "the company's employees. Company keys only.",
        "ASSIGN": "Assign courses, set due dates, grant quiz attempts and remove "
        "assignments. Company keys only.",
    },
)


@strawberry.type(
    name="ApiKey",
    description="A key for a system acting for a company (or, without a company, for the "
    "platform's staff). The secret is shown once, when it is made; here only its prefix.",
)
class ApiKeyType:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the key.")
    name: str = strawberry.field(description="What the key is for, e.g. the system using it.")
    prefix: str = strawberry.field(
        description="The key's public start (llp_ and 12 hex digits); names it in lists and "
        "logs, and in the audit log as the actor."
    )
    scopes: list[ApiKeyScope] = strawberry.field(description="What the key may do.")
    created_at: datetime = strawberry.field(description="When the key was made.")
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used, to the minute; null if never."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the key was revoked (it is refused since); null while active."
    )
    created_by: UserType | None = strawberry.field(
        description="Who made the key; null once that person was removed."
    )

    @classmethod
    def from_model(cls, row: ApiKey) -> ApiKeyType:
        creator = row.created_by if row.created_by_id is not None else None
        return cls(
            id=strawberry.ID(encode_id("ApiKey", row.id)),
            name=row.name,
            prefix=row.prefix,
            scopes=[ApiKeyScope(s) for s in access_keys.COMPANY_SCOPES if s in row.scopes.split()],
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
            created_by=UserType.from_model(creator) if creator is not None else None,
        )


@strawberry.type(description="What createApiKey answers: the key itself, once, and its record.")
class CreatedApiKey:
    key: str = strawberry.field(
        description="The key: send it as `Authorization: Bearer <key>`. Shown this once and "
        "never again (only its hash is stored); keep it secret."
    )
    api_key: ApiKeyType = strawberry.field(description="The key's record, as apiKeys lists it.")
