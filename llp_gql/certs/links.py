"""Download links: ``/certificates/<id>/download?token=...``, signed and short-lived."""

from __future__ import annotations

from datetime import datetime

from llp_gql.certs.signing import make_download_token
from llp_gql.settings import Settings


def download_path(certificate_id: int, token: str) -> str:
    return f"/certificates/{certificate_id}/download?token={token}"


def download_url(settings: Settings, *, certificate_id: int, user_id: int, now: datetime) -> str:
    """A link bound to this certificate and this user, valid for the configured TTL."""
    token = make_download_token(
        settings.secret_key,
        certificate_id=certificate_id,
        user_id=user_id,
        now=now,
        ttl_seconds=settings.download_url_ttl_seconds,
    )
    return settings.public_base_url + download_path(certificate_id, token)
