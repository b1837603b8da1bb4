"""Download links: ``/certificates/<id>/download?token=...``, signed and short-lived."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from llp_gql.certs.signing import CREDENTIAL_PURPOSE, make_download_token
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


LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
PLATFORM = "Leadership Learning Portal"


def linkedin_add_url(
    *,
    course_title: str,
    organization: str | None,
    issued_at: datetime,
    verify_url: str,
    code: str,
) -> str:
    """LinkedIn's "Add to profile" link for a certification, every value URL-encoded
    (``quote``, so a space is %20 and ``&``, ``=``, ``#`` or ``+`` in a title stay text)."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": course_title,
        "organizationName": organization or PLATFORM,
        "issueYear": str(issued_at.year),
        "issueMonth": str(issued_at.month),
        "certUrl": verify_url,
        "certId": code,
    }
    return f"{LINKEDIN_ADD}?{urlencode(params, quote_via=quote)}"


def credential_path(certificate_id: int, token: str) -> str:
    return f"/certificates/{certificate_id}/credential.json?token={token}"


def credential_url(settings: Settings, *, certificate_id: int, user_id: int, now: datetime) -> str:
    """A link to the certificate's Open Badges credential, with the PDF's rights and
    lifetime; its token is made for this purpose only (a PDF link does not open it)."""
    token = make_download_token(
        settings.secret_key,
        certificate_id=certificate_id,
        user_id=user_id,
        now=now,
        ttl_seconds=settings.download_url_ttl_seconds,
        purpose=CREDENTIAL_PURPOSE,
    )
    return settings.public_base_url + credential_path(certificate_id, token)
