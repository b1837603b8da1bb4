"""Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa).

Signing (section 3.3 of the spec): the proof options, given the document's
``@context``, and the document without its proof are each canonicalised with JCS
(RFC 8785, the ``rfc8785`` package) and hashed with SHA-256; the Ed25519 signature
of ``sha256(options) || sha256(document)`` is the ``proofValue`` (z + base58btc).

JCS is where two implementations drift apart (number formatting above all), so the
test suite checks this module against the spec's published test vectors and against
Digital Bazaar's JavaScript verifier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from llp_gql.vc.multibase import MultibaseError, decode_z, encode_z

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION = "assertionMethod"

JSONObject = dict[str, Any]


class ProofError(ValueError):
    """The document or its proof does not have the shape this cryptosuite needs."""


def canonical(value: object) -> bytes:
    """RFC 8785 canonical JSON (UTF-8). ProofError for what JSON cannot hold (NaN,
    integers beyond 2**53, non-string keys)."""
    try:
        # Any value: what is not JSON is refused by the library, caught below.
        return rfc8785.dumps(value)  # type: ignore[arg-type]
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError) as exc:
        raise ProofError(f"not canonicalisable JSON: {type(exc).__name__}") from exc


def _hash_data(document: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    return (
        hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(document)).digest()
    )


def sign(
    document: Mapping[str, Any],
    key: Ed25519PrivateKey,
    *,
    verification_method: str,
    created: str | None = None,
) -> JSONObject:
    """``document`` with an eddsa-jcs-2022 ``proof`` added (a new dict; the input is
    not changed). Ed25519 is deterministic: the same document and key give the same
    proofValue."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options: JSONObject = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "verificationMethod": verification_method,
        "proofPurpose": ASSERTION,
    }
    if created is not None:
        options["created"] = created
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    signature = key.sign(_hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": encode_z(signature)}}


def proof_of(document: Mapping[str, Any]) -> JSONObject:
    """The single eddsa-jcs-2022 proof of ``document``; ProofError if there is none,
    several, or one of another kind."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("the document has no single proof object")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("the proof is not a DataIntegrityProof with eddsa-jcs-2022")
    if proof.get("proofPurpose") != ASSERTION:
        raise ProofError("the proof's purpose is not assertionMethod")
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofError("the proof names no verificationMethod")
    if not isinstance(proof.get("proofValue"), str):
        raise ProofError("the proof has no proofValue")
    return proof


def verify(document: Mapping[str, Any], public_key: Ed25519PublicKey) -> bool:
    """Whether ``document``'s proof is a valid signature by ``public_key`` (section 3.3.2
    of the spec, including the ``@context`` rule). ProofError for a malformed proof."""
    proof = dict(proof_of(document))
    proof_value = proof.pop("proofValue")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" in proof:
        proof_context = proof["@context"]
        proof_list = proof_context if isinstance(proof_context, list) else [proof_context]
        document_context = unsecured.get("@context")
        document_list = (
            document_context if isinstance(document_context, list) else [document_context]
        )
        if document_list[: len(proof_list)] != proof_list:
            return False
        unsecured["@context"] = proof_context
    try:
        signature = decode_z(proof_value)
    except MultibaseError as exc:
        raise ProofError("the proofValue is not z-multibase") from exc
    if len(signature) != 64:
        return False
    try:
        public_key.verify(signature, _hash_data(unsecured, proof))
    except InvalidSignature:
        return False
    return True
