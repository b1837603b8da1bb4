"""HTTP routes of certificates: download by signed link, public verification page, ZIP export.

Every route decides access through ``llp_gql.domain.access``, like the GraphQL API.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from llp_gql.certs import verify
from llp_gql.certs.signing import DOWNLOAD_PURPOSE, BadToken, read_download_token
from llp_gql.certs.zipstream import ExportEntry, stream_zip
from llp_gql.domain import access, audit, exports, issuance
from llp_gql.errors import Forbidden, NotFound, ValidationFailed
from llp_gql.models import Certificate, User
from llp_gql.schema.ids import parse_pk
from llp_gql.settings import Settings

PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;"
    "padding:0 1rem;color:#1f2933}h1{font-size:1.5rem}.valid{color:#0b6e4f}"
    ".withdrawn{color:#9b2c2c}.unknown{color:#52606d}dt{font-weight:600}"
    "dd{margin:0 0 .75rem}"
)
# The pages have no script and one inline style: the policy names that style by hash.
_PAGE_CSP = (
    "default-src 'none'; style-src "
    f"'sha256-{base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()}'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _page(title: str, body: str, status: int) -> HTMLResponse:
    """A small self-contained HTML page (no scripts, no external assets)."""
    return HTMLResponse(
        "<!doctype html><html lang=en><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · Leadership Learning Portal</title>"
        f"<style>{_STYLE}</style>"
        f"<main><h1>{html.escape(title)}</h1>{body}</main></html>",
        status_code=status,
        headers={**PRIVATE_HEADERS, "Content-Security-Policy": _PAGE_CSP},
    )


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.clock()
    return now


def _ascii_stem(text: str) -> str:
    """Latin letters without their accents (É -> E), digits, single dashes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")[:80]


def _unicode_stem(text: str) -> str:
    """Letters (with their combining marks: Devanagari needs them) and digits of any
    script; anything else (path characters, quotes, controls, spaces) becomes one dash."""
    kept = "".join(
        ch if unicodedata.category(ch)[0] in "LMN" else "-"
        for ch in unicodedata.normalize("NFC", text)
    )
    return re.sub(r"-+", "-", kept).strip("-")[:80]


def attachment(stem: str, suffix: str, *, fallback: str) -> str:
    """A Content-Disposition value keeping any script (RFC 6266, RFC 8187).

    ``filename*=UTF-8''...`` carries the name as written (every current browser
    uses it); ``filename="..."`` is the ASCII fallback for the rest, built from the
    same words with everything non-ASCII dropped, or ``fallback`` when nothing is left.
    """
    ascii_name = f"{_ascii_stem(stem) or fallback}{suffix}"
    value = f'attachment; filename="{ascii_name}"'
    full = _unicode_stem(stem)
    if full and f"{full}{suffix}" != ascii_name:
        value += f"; filename*=UTF-8''{quote(full + suffix, safe='')}"
    return value


def certificate_attachment(learner: str, course: str) -> str:
    return attachment(f"certificate-{learner}-{course}", ".pdf", fallback="certificate")


async def authorised_download(
    request: Request, *, purpose: str, via: str
) -> Certificate | HTMLResponse:
    """The certificate of a signed download link (``/certificates/<id>/...?token=...``)
    once its signature, expiry and the policy (checked again, now) allow it, with the
    download audited; otherwise the page that says why not. Shared by the PDF and the
    credential, so both follow the same rights."""
    settings = _settings(request)
    certificate_id = int(request.path_params["certificate_id"])
    token = request.query_params.get("token", "")
    try:
        signed_id, user_id = read_download_token(
            settings.secret_key, token, now=_now(request), purpose=purpose
        )
    except BadToken as exc:
        message = (
            "This download link has expired. Ask for a new one."
            if exc.reason == "expired"
            else "This download link is not valid."
        )
        return _page("Link not valid", f"<p>{message}</p>", 403)
    if signed_id != certificate_id:
        return _page("Link not valid", "<p>This download link is not valid.</p>", 403)
    user = await User.get_or_none(id=user_id)
    if user is None:
        return _page("Link not valid", "<p>This download link is no longer valid.</p>", 403)
    if not await Certificate.exists(id=certificate_id):
        # The link was genuinely issued for it, so it existed: it has been removed.
        return _page("Certificate removed", "<p>This certificate has been withdrawn.</p>", 410)
    try:
        certificate = await access.access_certificate_for_download(user, certificate_id)
    except (NotFound, Forbidden):
        return _page("Not allowed", "<p>You may no longer download this certificate.</p>", 403)
    enrollment = certificate.enrollment
    await audit.record(
        audit.CERTIFICATE_DOWNLOADED,
        actor=user,
        subject_type="certificate",
        subject_id=certificate.id,
        company_id=enrollment.company_id,
        at=_now(request),
        details={
            "learner_id": enrollment.learner_id,
            "learner_name": certificate.learner_name,
            "course_title": certificate.course_title,
            "via": via,
        },
    )
    return certificate


async def download(request: Request) -> Response:
    """``/certificates/<id>/download?token=...``: signature, expiry, then the policy again."""
    settings = _settings(request)
    found = await authorised_download(request, purpose=DOWNLOAD_PURPOSE, via="link")
    if isinstance(found, Response):
        return found
    certificate = found
    try:
        pdf = await issuance.ensure_pdf(certificate, settings=settings)
    except NotFound:
        return _page("Certificate removed", "<p>This certificate has been withdrawn.</p>", 410)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            **PRIVATE_HEADERS,
            "Content-Disposition": certificate_attachment(
                certificate.learner_name, certificate.course_title
            ),
        },
    )


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    value = parse_pk(raw)
    if value is None:
        raise ValidationFailed(f"`{name}` must be a number.", field=name)
    return value


def _date_param(request: Request, name: str, *, end_of_day: bool = False) -> datetime | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"`{name}` must be a date like 2026-01-31.", field=name) from None
    moment = datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)
    return moment


def export_filter(request: Request) -> exports.ExportFilter:
    return exports.ExportFilter(
        course_id=_int_param(request, "course"),
        learner_id=_int_param(request, "employee"),
        group_id=_int_param(request, "group"),
        issued_from=_date_param(request, "from"),
        issued_to=_date_param(request, "to", end_of_day=True),
    )


async def export_zip(request: Request) -> Response:
    """``/certificates/export.zip?course=&employee=&from=&to=``: a company admin's
    certificates as one ZIP with a CSV manifest, streamed with constant memory."""
    settings = _settings(request)
    viewer = request.scope.get("state", {}).get("user")
    if viewer is None:
        return _page("Log in first", "<p>Log in as a company admin to export.</p>", 401)
    try:
        company = await exports.company_for_export(viewer)
        selection = export_filter(request)
        ids = await exports.selected_ids(company.id, selection)
    except Forbidden as exc:
        return _page("Not allowed", f"<p>{html.escape(exc.message)}</p>", 403)
    except ValidationFailed as exc:
        return _page("Check the filters", f"<p>{html.escape(exc.message)}</p>", 400)
    if not ids:
        return _page(
            "Nothing to export",
            "<p>No certificates match these filters, so there is no file to download.</p>",
            404,
        )

    async def entries() -> AsyncIterator[ExportEntry]:
        # The manifest shows the certificate's snapshot, exactly what is printed.
        async for row in exports.iter_certificates(ids, settings=settings):
            yield ExportEntry(
                employee=row.learner_name,
                email=row.learner_email,
                course=row.course_title,
                issued_at=row.issued_at,
                code=row.verification_code,
                pdf=bytes(row.pdf),
            )

    await audit.record(
        audit.CERTIFICATES_EXPORTED,
        actor=viewer,
        subject_type="company",
        subject_id=company.id,
        company_id=company.id,
        at=_now(request),
        details={"count": len(ids), "filters": request.url.query},
    )
    stamp = _now(request).strftime("%Y%m%d")
    return StreamingResponse(
        stream_zip(entries()),
        media_type="application/zip",
        headers={
            **PRIVATE_HEADERS,
            "Content-Disposition": attachment(
                f"certificates-{company.name}-{stamp}", ".zip", fallback="certificates"
            ),
        },
    )


def certificate_routes() -> list[BaseRoute]:
    return [
        Route("/certificates/export.zip", export_zip, methods=["GET"]),
        Route("/certificates/{certificate_id:int}/download", download, methods=["GET"]),
        Route("/verify", verify.verify_form, methods=["GET"]),
        Route("/verify/{code}", verify.verify_page, methods=["GET"]),
    ]
