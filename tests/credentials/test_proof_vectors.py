"""The signer against an implementation not written here: the W3C vc-di-eddsa
specification's eddsa-jcs-2022 test vectors (tests/credentials/vectors, with their
attribution). Our code must reproduce the published canonical form, hash and proofValue
from the published key, and verify the published signed document."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from llp_gql.vc import bitstring, multibase, proof

VECTORS = Path(__file__).parent / "vectors"


def _json(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def _text(name: str) -> str:
    return (VECTORS / name).read_text(encoding="utf-8").strip()


def _key() -> Ed25519PrivateKey:
    raw = multibase.decode_z(_json("keyPair.json")["privateKeyMultibase"])
    assert raw[:2] == b"\x80\x26"  # the multicodec of an Ed25519 private key
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def test_our_signer_reproduces_the_published_proof() -> None:
    signed = _json("signedJCS.json")
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    # when our code signs the spec's document with the spec's key and proof options
    ours = proof.sign(
        unsigned,
        _key(),
        verification_method=signed["proof"]["verificationMethod"],
        created=signed["proof"]["created"],
    )
    # then it makes exactly the published proof, byte for byte
    assert ours["proof"] == signed["proof"]
    assert proof.canonical(unsigned).decode() == _text("canonDocJCS.txt")
    options = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    assert proof.canonical(options).decode() == _text("proofCanonJCS.txt")
    combined = (
        hashlib.sha256(proof.canonical(options)).digest()
        + hashlib.sha256(proof.canonical(unsigned)).digest()
    )
    assert combined.hex() == _text("combinedHashJCS.txt")


def test_the_published_document_verifies_and_any_change_breaks_it() -> None:
    signed = _json("signedJCS.json")
    public = multibase.ed25519_public_from_multikey(_json("keyPair.json")["publicKeyMultibase"])
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(public)
    assert proof.verify(signed, key)
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    assert not proof.verify(tampered, key)
    # a proof context that the document does not start with is refused
    moved = json.loads(json.dumps(signed))
    moved["@context"] = list(reversed(moved["@context"]))
    assert not proof.verify(moved, key)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 8785 section 3.2.2.3: numbers as ECMAScript prints them
        (1.5, "1.5"),
        (2.0, "2"),
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (-0.0, "0"),
        (123456789012345.0, "123456789012345"),
        # keys sorted by UTF-16 code units; non-ASCII kept as is
        ({"b": 1, "a": "é", "\u20ac": 2, "\U0001f600": 3}, '{"a":"é","b":1,"€":2,"😀":3}'),
        ("\u2028<\x1f", '"\u2028<\\u001f"'),
    ],
)
def test_jcs_numbers_and_strings(value: object, expected: str) -> None:
    assert proof.canonical(value).decode() == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2**60, {1: "x"}])
def test_what_json_cannot_hold_is_refused(value: object) -> None:
    with pytest.raises(proof.ProofError):
        proof.canonical(value)


def test_base58_round_trip_keeps_leading_zeros() -> None:
    for raw in (b"", b"\0", b"\0\0\x01", bytes(range(40))):
        assert multibase.b58decode(multibase.b58encode(raw)) == raw


def test_status_bitstring_is_msb_first_and_at_least_16_kib() -> None:
    encoded = bitstring.encode([0, 9, bitstring.MIN_BITS - 1])
    assert encoded.startswith("u")
    bits = bitstring.decode(encoded)
    assert len(bits) == bitstring.MIN_BITS // 8 == 16_384
    assert bits[0] == 0x80
    assert bits[1] == 0x40
    assert bits[-1] == 0x01
    assert [i for i in range(16) if bitstring.is_set(bits, i)] == [0, 9]
    # deterministic: no time stamp in the GZIP header
    assert bitstring.encode([5]) == bitstring.encode([5])
