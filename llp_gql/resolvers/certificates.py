"""Public verification of certificates."""

from __future__ import annotations

from typing import Annotated

import strawberry

from llp_gql.domain import certificates, ratelimit
from llp_gql.schema.certificates import CertificateVerificationType
from llp_gql.schema.context import Info


async def verify_certificate(
    info: Info,
    code: Annotated[
        str,
        strawberry.argument(
            description="The verification code printed on the certificate; case, spaces and "
            "dashes do not matter."
        ),
    ],
) -> CertificateVerificationType:
    context = info.context
    await ratelimit.hit(
        f"verify:{context.client_address}",
        limit=context.settings.verify_lookups_per_address,
        now=context.clock(),
        message="Too many verification look-ups; wait a minute.",
    )
    return CertificateVerificationType.from_domain(await certificates.verify(code))
