"""Open Badges 3.0 credentials of certificates, the issuer's DID document and the
credential status lists (DESIGN.md section 4, "Portable and signed"; docs/credentials.md).

Everything a credential says comes from the certificate's snapshot (what is printed),
never from live data: a rename after issue changes nothing, and the same certificate
and key always give the same credential, proof included (Ed25519 is deterministic and
the proof carries no time stamp).

Status: a certificate's bit in the status lists is its id. List ``n`` covers ids
``n * 131072`` to ``(n + 1) * 131072 - 1``; ``statusListIndex`` is the id's place in
its list (the id itself for the first 131,071 certificates). Withdrawn and replaced
certificates keep their former id in their tombstone (``status_index``), and their
bit is set.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlsplit

from llp_gql.certs.signing import derive_key
from llp_gql.domain import signing_keys
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.models import Certificate, WithdrawnCertificate
from llp_gql.settings import Settings
from llp_gql.vc import bitstring, proof

PLATFORM = "Leadership Learning Portal"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
LIST_BITS = bitstring.MIN_BITS
CRITERIA = (
    "Complete every lesson of the course, in order: watch each video to its end, "
    "confirm each reading and activity, and pass each quiz. The certificate is issued "
    "automatically when the last lesson is completed."
)

JSONObject = dict[str, Any]


def did_web(settings: Settings) -> str:
    """The service's did:web, from ``LLP_PUBLIC_BASE_URL`` (did:web spec section 3.1:
    the port's colon is percent-encoded, path segments become ``:``-separated)."""
    parts = urlsplit(settings.public_base_url)
    host = quote(parts.netloc, safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments])


def did_document_path(settings: Settings) -> str:
    """Where did:web resolution looks: /.well-known/did.json at the host's root,
    {path}/did.json when the base URL has a path."""
    path = urlsplit(settings.public_base_url).path.rstrip("/")
    return f"{path}/did.json" if path else "/.well-known/did.json"


def status_list_url(settings: Settings, number: int) -> str:
    return f"{settings.public_base_url}/credentials/status/{number}"


def status_position(certificate_id: int) -> tuple[int, int]:
    """(list number, index in that list) of a certificate's status bit."""
    return divmod(certificate_id, LIST_BITS)


def _timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC to the second, as VC 2.0 wants for validFrom."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _urn(kind: str, value: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:llp:{kind}:{value}')}"


def credits_of(certificate: Certificate) -> float | None:
    """The hours printed on the certificate (its template snapshot's ``credit_hours``), as the
    number OB3's ``creditsAvailable`` wants; None when none were printed."""
    raw = certificate.template.get("credit_hours") if certificate.template else None
    if raw is None or raw == "":
        return None
    try:
        hours = Decimal(str(raw))
    except InvalidOperation:
        return None
    if not hours.is_finite() or hours <= 0:
        return None
    return float(hours)


def identity_salt(settings: Settings, certificate: Certificate) -> str:
    """A salt per certificate, unpredictable without the secret yet stable, so the
    credential stays the same at every download and the hash cannot be looked up in a
    list of known addresses."""
    key = derive_key(settings.secret_key, "credential-identity-salt")
    return hmac.new(key, str(certificate.id).encode(), hashlib.sha256).hexdigest()[:32]


def _identity(settings: Settings, certificate: Certificate) -> JSONObject:
    salt = identity_salt(settings, certificate)
    email = certificate.learner_email.strip().lower()
    digest = hashlib.sha256((email + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def issuer_profile(settings: Settings) -> JSONObject:
    return {
        "id": did_web(settings),
        "type": ["Profile"],
        "name": PLATFORM,
        "url": settings.public_base_url,
    }


def unsigned_credential(
    certificate: Certificate, *, course_id: int, settings: Settings
) -> JSONObject:
    """The OpenBadgeCredential of ``certificate`` without its proof."""
    issuer = issuer_profile(settings)
    title = certificate.course_title
    achievement: JSONObject = {
        "id": _urn("course", str(course_id)),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": title,
        "description": f"Completion of the course “{title}” on the {PLATFORM}.",
        "criteria": {"narrative": CRITERIA},
        "creator": issuer,
    }
    hours = credits_of(certificate)
    if hours is not None:
        achievement["creditsAvailable"] = hours
    subject: JSONObject = {
        "type": ["AchievementSubject"],
        "name": certificate.learner_name,
        "identifier": [_identity(settings, certificate)],
        "achievement": achievement,
    }
    if certificate.company_name:
        # The company that assigned the course, as printed; the platform issues.
        subject["source"] = {
            "id": _urn("company", certificate.company_name),
            "type": ["Profile"],
            "name": certificate.company_name,
        }
    number, index = status_position(certificate.id)
    list_url = status_list_url(settings, number)
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": _urn("certificate", certificate.verification_code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": issuer,
        "validFrom": _timestamp(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        },
    }


async def signed_credential(
    certificate: Certificate, *, course_id: int, settings: Settings, clock: Clock = utcnow
) -> JSONObject:
    """The certificate's credential signed with the active key."""
    key = await signing_keys.active_key(settings.secret_key, clock=clock)
    return proof.sign(
        unsigned_credential(certificate, course_id=course_id, settings=settings),
        key.private_key,
        verification_method=f"{did_web(settings)}#{key.kid}",
    )


async def did_document(settings: Settings) -> JSONObject:
    """The did:web document: every key ever made (retired ones too, so old credentials
    verify), each a Multikey verification method allowed to assert."""
    did = did_web(settings)
    keys = await signing_keys.published_keys()
    methods = [
        {
            "id": f"{did}#{key.kid}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_multibase,
        }
        for key in keys
    ]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


async def highest_status_list() -> int:
    """The number of the last list that can hold a bit (lists beyond it are empty)."""
    top_certificate = await Certificate.all().order_by("-id").only("id").first()
    top_tombstone = (
        await WithdrawnCertificate.filter(status_index__not_isnull=True)
        .order_by("-status_index")
        .only("status_index")
        .first()
    )
    top = max(
        top_certificate.id if top_certificate else 0,
        (top_tombstone.status_index or 0) if top_tombstone else 0,
    )
    return top // LIST_BITS


async def set_bits(number: int) -> list[int]:
    """Indexes (within list ``number``) of withdrawn and replaced certificates."""
    low = number * LIST_BITS
    ids: list[int | None] = await WithdrawnCertificate.filter(  # type: ignore[assignment]
        status_index__gte=low, status_index__lt=low + LIST_BITS
    ).values_list("status_index", flat=True)
    return sorted({i - low for i in ids if i is not None})


async def status_list_credential(
    number: int, *, settings: Settings, clock: Clock = utcnow
) -> JSONObject:
    """The BitstringStatusListCredential of list ``number``, signed like the credentials."""
    url = status_list_url(settings, number)
    document: JSONObject = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(settings),
        "validFrom": _timestamp(clock()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring.encode(await set_bits(number), size=LIST_BITS),
        },
    }
    key = await signing_keys.active_key(settings.secret_key, clock=clock)
    return proof.sign(
        document, key.private_key, verification_method=f"{did_web(settings)}#{key.kid}"
    )
