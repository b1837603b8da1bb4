"""Checking a presented Open Badges credential (GraphQL ``verifyCredential``).

In order, each answer with its stable status:

1. MALFORMED: not a JSON object of the credential's shape (no single
   eddsa-jcs-2022 proof, no issuer, a validFrom that is not a date, ...).
2. UNKNOWN_ISSUER: the issuer or the proof's key is not ours. Our own did:web is
   resolved locally (the keys table), never over the network.
3. INVALID_SIGNATURE: the proof does not verify with that key (a changed field).
4. NOT_YET_VALID: validFrom is in the future (we never sign such a credential).
5. WITHDRAWN / REPLACED: the certificate's status bit is set (its tombstone says
   which, and when); WITHDRAWN too when its certificate is gone without a tombstone.
6. VALID, with what the credential says.

Nothing here raises on any input: every failure is one of the answers above.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from llp_gql.domain import credentials, signing_keys
from llp_gql.models import Certificate, WithdrawnCertificate
from llp_gql.settings import Settings
from llp_gql.vc import proof


class CredentialStatus(StrEnum):
    VALID = "VALID"
    WITHDRAWN = "WITHDRAWN"
    REPLACED = "REPLACED"
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"
    NOT_YET_VALID = "NOT_YET_VALID"
    MALFORMED = "MALFORMED"


@dataclass(frozen=True, slots=True)
class CredentialCheck:
    status: CredentialStatus
    # What the credential says; only when its signature is ours (VALID, WITHDRAWN,
    # REPLACED, NOT_YET_VALID), and the name and course only when VALID.
    issued_at: datetime | None = None
    learner_name: str | None = None
    course_title: str | None = None
    withdrawn_at: datetime | None = None
    key_id: str | None = None


class _Malformed(Exception):
    pass


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _parse(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise _Malformed from exc
    if not isinstance(value, dict):
        raise _Malformed
    return value


def _date(value: object) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise _Malformed
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _Malformed from exc
    if moment.tzinfo is None:
        raise _Malformed
    return moment.astimezone(UTC)


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    if not isinstance(issuer, str):
        raise _Malformed
    return issuer


def _status_index(credential: dict[str, Any], settings: Settings) -> int:
    """The certificate id behind our credentialStatus entry."""
    status = credential.get("credentialStatus")
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        raise _Malformed
    raw_index, url = status.get("statusListIndex"), status.get("statusListCredential")
    if not isinstance(raw_index, str) or not raw_index.isdigit() or len(raw_index) > 12:
        raise _Malformed
    index = int(raw_index)
    prefix = credentials.status_list_url(settings, 0)[:-1]
    if not isinstance(url, str) or not url.startswith(prefix):
        raise _Malformed
    number = url[len(prefix) :]
    if not number.isdigit() or len(number) > 9 or index >= credentials.LIST_BITS:
        raise _Malformed
    return int(number) * credentials.LIST_BITS + index


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def check_credential(text: str, *, settings: Settings, now: datetime) -> CredentialCheck:
    """The answer for a presented credential (the caller limits its size first)."""
    try:
        return await _check(text, settings=settings, now=now)
    except (_Malformed, proof.ProofError):
        return CredentialCheck(CredentialStatus.MALFORMED)


async def _check(text: str, *, settings: Settings, now: datetime) -> CredentialCheck:
    credential = _parse(text)
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise _Malformed
    found_proof = proof.proof_of(credential)
    issuer = _issuer_id(credential)
    did = credentials.did_web(settings)
    method = found_proof["verificationMethod"]
    if issuer != did or not method.startswith(f"{did}#"):
        return CredentialCheck(CredentialStatus.UNKNOWN_ISSUER)
    key = await signing_keys.published_key(method[len(did) + 1 :])
    if key is None:
        return CredentialCheck(CredentialStatus.UNKNOWN_ISSUER)
    if not proof.verify(credential, key.public_key()):
        return CredentialCheck(CredentialStatus.INVALID_SIGNATURE)
    # Signed by us: from here on the content is ours and may be believed.
    issued_at = _date(credential.get("validFrom"))
    if issued_at > now:
        return CredentialCheck(CredentialStatus.NOT_YET_VALID, issued_at=issued_at)
    certificate_id = _status_index(credential, settings)
    tombstone = await WithdrawnCertificate.filter(status_index=certificate_id).first()
    if tombstone is not None:
        kind = (
            CredentialStatus.REPLACED
            if tombstone.kind == CredentialStatus.REPLACED.value
            else CredentialStatus.WITHDRAWN
        )
        return CredentialCheck(
            kind, issued_at=issued_at, withdrawn_at=tombstone.withdrawn_at, key_id=key.kid
        )
    if not await Certificate.exists(id=certificate_id):
        return CredentialCheck(CredentialStatus.WITHDRAWN, issued_at=issued_at, key_id=key.kid)
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    return CredentialCheck(
        CredentialStatus.VALID,
        issued_at=issued_at,
        learner_name=_text(subject.get("name")),
        course_title=_text(achievement.get("name")),
        key_id=key.kid,
    )
