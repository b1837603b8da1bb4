"""HTTP routes of the Open Badges credentials (docs/credentials.md).

- ``/.well-known/did.json`` (and ``/did.json``, where did:web looks when the public
  base URL has a path): the issuer's DID document with every key, retired ones too;
- ``/.well-known/jwks.json``: the same keys as a JWK Set, for JOSE tooling;
- ``/credentials/status/{n}``: the signed Bitstring Status List credential ``n``;
- ``/certificates/{id}/credential.json?token=...``: a certificate's credential, by a
  signed link with the PDF's rights (``routes.authorised_download``).

The public documents are cacheable briefly (``LLP_CREDENTIAL_CACHE_SECONDS``) and
rate-limited per address with the verification pages' limit.
"""

from __future__ import annotations

import base64

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from llp_gql.certs.routes import PRIVATE_HEADERS, attachment, authorised_download
from llp_gql.certs.signing import CREDENTIAL_PURPOSE
from llp_gql.certs.verify import throttled_lookup
from llp_gql.domain import credentials, signing_keys
from llp_gql.settings import Settings

CREDENTIAL_MEDIA_TYPE = "application/vc+ld+json"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _public(body: object, settings: Settings, media_type: str) -> Response:
    return Response(
        orjson.dumps(body),
        media_type=media_type,
        headers={
            "Cache-Control": f"public, max-age={settings.credential_cache_seconds}",
            "Access-Control-Allow-Origin": "*",  # verifiers run in browsers too
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _throttled(request: Request) -> Response | None:
    """The verification pages' per-address limit, answered as JSON."""
    message = await throttled_lookup(request)
    if message is None:
        return None
    return JSONResponse(
        {"error": {"code": "RATE_LIMITED", "message": message}},
        status_code=429,
        headers={"Retry-After": "60", "Cache-Control": "no-store"},
    )


async def did_document(request: Request) -> Response:
    refused = await _throttled(request)
    if refused is not None:
        return refused
    settings = _settings(request)
    # A first visitor before any credential: publish the key that will sign.
    _ = await signing_keys.active_key(settings.secret_key, clock=request.app.state.clock)
    return _public(await credentials.did_document(settings), settings, "application/did+json")


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


async def jwks(request: Request) -> Response:
    refused = await _throttled(request)
    if refused is not None:
        return refused
    settings = _settings(request)
    _ = await signing_keys.active_key(settings.secret_key, clock=request.app.state.clock)
    keys = [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(key.public_key().public_bytes_raw()),
            "kid": f"{credentials.did_web(settings)}#{key.kid}",
            "use": "sig",
            "alg": "EdDSA",
        }
        for key in await signing_keys.published_keys()
    ]
    return _public({"keys": keys}, settings, "application/jwk-set+json")


async def status_list(request: Request) -> Response:
    """``/credentials/status/{n}``: lists past the highest certificate id do not exist."""
    refused = await _throttled(request)
    if refused is not None:
        return refused
    settings = _settings(request)
    number = int(request.path_params["number"])
    if number > await credentials.highest_status_list():
        return JSONResponse(
            {"error": {"code": "NOT_FOUND", "message": "No such status list."}},
            status_code=404,
            headers={"Cache-Control": f"public, max-age={settings.credential_cache_seconds}"},
        )
    document = await credentials.status_list_credential(
        number, settings=settings, clock=request.app.state.clock
    )
    return _public(document, settings, CREDENTIAL_MEDIA_TYPE)


async def credential_download(request: Request) -> Response:
    """``/certificates/<id>/credential.json?token=...``: the PDF's rules, another file."""
    settings = _settings(request)
    found = await authorised_download(request, purpose=CREDENTIAL_PURPOSE, via="credential")
    if isinstance(found, Response):
        return found
    document = await credentials.signed_credential(
        found,
        course_id=found.enrollment.course_id,
        settings=settings,
        clock=request.app.state.clock,
    )
    return Response(
        orjson.dumps(document),
        media_type=CREDENTIAL_MEDIA_TYPE,
        headers={
            **PRIVATE_HEADERS,
            "Content-Disposition": attachment(
                f"credential-{found.learner_name}-{found.course_title}",
                ".json",
                fallback="credential",
            ),
        },
    )


def credential_routes() -> list[BaseRoute]:
    return [
        Route("/.well-known/did.json", did_document, methods=["GET"]),
        Route("/did.json", did_document, methods=["GET"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        Route("/credentials/status/{number:int}", status_list, methods=["GET"]),
        Route(
            "/certificates/{certificate_id:int}/credential.json",
            credential_download,
            methods=["GET"],
        ),
    ]
