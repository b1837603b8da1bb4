"""Public checking of presented Open Badges credentials."""

from __future__ import annotations

from typing import Annotated

import strawberry

from llp_gql.domain import credential_check, ratelimit
from llp_gql.errors import LimitExceeded
from llp_gql.schema.context import Info
from llp_gql.schema.credentials import CredentialVerificationType


async def verify_credential(
    info: Info,
    credential: Annotated[
        str,
        strawberry.argument(
            description="The credential as a JSON string, exactly as downloaded "
            "(credential.json). At most LLP_MAX_CREDENTIAL_BYTES (64 KiB by default) in "
            "UTF-8, beyond which CREDENTIAL_TOO_LARGE."
        ),
    ],
) -> CredentialVerificationType:
    context = info.context
    settings = context.settings
    # Cheap bound first (a character is at most 4 bytes), then the exact one.
    if (
        len(credential) > settings.max_credential_bytes
        or len(credential.encode("utf-8", "surrogatepass")) > settings.max_credential_bytes
    ):
        raise LimitExceeded(
            "CREDENTIAL_TOO_LARGE",
            f"A credential may be at most {settings.max_credential_bytes} bytes.",
        )
    await ratelimit.hit(
        f"verify:{context.client_address}",
        limit=settings.verify_lookups_per_address,
        now=context.clock(),
        message="Too many verification look-ups; wait a minute.",
    )
    found = await credential_check.check_credential(
        credential, settings=settings, now=context.clock()
    )
    return CredentialVerificationType.from_domain(found)
