"""The public verification pages: ``/verify`` (a form) and ``/verify/{code}`` (the answer).

Anyone holding a certificate's code (printed on it, and in its QR code) can check
it here, without an account and without JavaScript. The answer is one of:

- VALID: the code, the learner's name, the course, its hours / CPD credits, the
  issuer (the platform, and the company that assigned the course), the completion
  date; the card carries the accent colour of the certificate's template;
- WITHDRAWN: the code and the withdrawal date only, nothing personal;
- REPLACED: the code and the date it was replaced by a corrected certificate (re-issued
  under a new code), nothing personal and no pointer to the new one;
- UNKNOWN: no certificate has that code (a typo, most often), with the form again.

The same look-up answers JSON when the client asks for it (``Accept:
application/json``): the fields of GraphQL's ``verifyCertificate``, for scripts of
HR systems and auditors. Look-ups are rate-limited per address (HTML, JSON and
GraphQL share one limit); the pages are never cached and send no referrer.
"""

from __future__ import annotations

import base64
import hashlib
import html
from datetime import datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from llp_gql.certs.branding import format_hours, parse_colour
from llp_gql.client_address import client_address
from llp_gql.domain import certificates, ratelimit
from llp_gql.domain.certificates import Verification, VerificationStatus
from llp_gql.errors import RateLimited
from llp_gql.settings import Settings

PLATFORM = "Leadership Learning Portal"
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept",
}
_STYLE = (
    ":root{color-scheme:light}"
    "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1f2933;"
    "background:#f5f7fa}"
    "header{background:#1d3a5f;color:#fff;padding:.75rem 1rem}"
    "header p{margin:0;max-width:40rem;margin:auto;font-weight:600}"
    "main{max-width:40rem;margin:1.5rem auto;padding:0 1rem}"
    ".card{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:1.25rem}"
    "h1{font-size:1.5rem;margin:0 0 .75rem}"
    ".status{display:inline-block;font-weight:700;border-radius:4px;padding:.1rem .5rem;"
    "margin:0 0 1rem}"
    ".valid{background:#e3f9e5;color:#05400a}.withdrawn{background:#ffe3e3;color:#610404}"
    ".replaced{background:#fff3c4;color:#513c06}"
    ".unknown{background:#e4e7eb;color:#1f2933}"
    "dl{margin:0}dt{font-weight:600;margin-top:.5rem}dd{margin:0;overflow-wrap:anywhere}"
    ".code{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.05em}"
    "form{margin-top:1.5rem}label{display:block;font-weight:600;margin-bottom:.25rem}"
    "input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #7b8794;"
    "border-radius:4px}"
    "button{font:inherit;margin-top:.5rem;padding:.5rem 1rem;background:#1d3a5f;color:#fff;"
    "border:0;border-radius:4px;cursor:pointer}"
    "input:focus,button:focus{outline:3px solid #f0b429;outline-offset:2px}"
    "footer{max-width:40rem;margin:1rem auto;padding:0 1rem;color:#52606d;font-size:.875rem}"
)
DEFAULT_ACCENT = "#1d3a5f"


def _style(accent: str) -> str:
    # The accent colour (checked: #rrggbb, >= 3:1 against white) draws the card's top
    # border and the heading, which is large text (24 px bold): 3:1 is WCAG AA for it.
    return _STYLE + f".card{{border-top:6px solid {accent}}}h1{{color:{accent}}}"


def _csp(style: str) -> str:
    # No script, one inline style named by its hash; the form submits to this site only.
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def display_code(code: str) -> str:
    """The code in groups of four, upper case: how people read it aloud and type it."""
    upper = code.upper()
    return " ".join(upper[i : i + 4] for i in range(0, len(upper), 4))


def _date(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _form(value: str = "") -> str:
    return (
        "<form method=get action='/verify'>"
        "<label for=code>Certificate code</label>"
        f"<input id=code name=code autocomplete=off spellcheck=false value='{html.escape(value)}'"
        " placeholder='e.g. ABCD EFGH IJKL' maxlength=100 required>"
        "<button type=submit>Check this code</button></form>"
    )


def _page(title: str, body: str, status: int = 200, accent: str = "") -> HTMLResponse:
    rgb = parse_colour(accent)
    # Re-formatted from the parsed triple: only a colour can reach the style sheet.
    style = _style("#{:02x}{:02x}{:02x}".format(*rgb) if rgb else DEFAULT_ACCENT)
    return HTMLResponse(
        "<!doctype html><html lang=en><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · {PLATFORM}</title><style>{style}</style>"
        f"<header><p>{PLATFORM} · Certificate verification</p></header>"
        f"<main><div class=card><h1>{html.escape(title)}</h1>{body}</div></main>"
        "<footer>Certificates are checked against the issuer's records at the moment you ask."
        "</footer></html>",
        status_code=status,
        headers={**HEADERS, "Content-Security-Policy": _csp(style)},
    )


def _issuer(found: Verification) -> str:
    if found.company_name:
        return f"{PLATFORM}, for {found.company_name}"
    return PLATFORM


def _html_answer(found: Verification, typed: str) -> HTMLResponse:
    code = (
        f"<dt>Code</dt><dd class=code>{html.escape(display_code(found.code))}</dd>"
        if found.code
        else ""
    )
    if found.status == VerificationStatus.VALID:
        assert found.issued_at is not None
        hours = format_hours(found.credit_hours)
        return _page(
            "Valid certificate",
            "<p class='status valid'>VALID</p>"
            f"<dl><dt>Awarded to</dt><dd>{html.escape(found.learner_name or '')}</dd>"
            f"<dt>Course</dt><dd>{html.escape(found.course_title or '')}</dd>"
            + (f"<dt>Hours (CPD credit)</dt><dd>{html.escape(hours)}</dd>" if hours else "")
            + f"<dt>Completed on</dt><dd>{_date(found.issued_at)}</dd>"
            f"<dt>Issued by</dt><dd>{html.escape(_issuer(found))}</dd>{code}</dl>",
            accent=found.accent_colour,
        )
    if found.status == VerificationStatus.REPLACED:
        assert found.withdrawn_at is not None
        return _page(
            "Certificate replaced",
            "<p class='status replaced'>REPLACED</p>"
            f"<p>This certificate was replaced by a corrected one on "
            f"{_date(found.withdrawn_at)} and this code is no longer valid. The holder has "
            "a new certificate with a different code; ask them for it. Its details are not "
            "shown.</p>"
            f"<dl>{code}</dl>",
        )
    if found.status == VerificationStatus.WITHDRAWN:
        assert found.withdrawn_at is not None
        return _page(
            "Certificate withdrawn",
            "<p class='status withdrawn'>WITHDRAWN</p>"
            f"<p>This certificate was withdrawn on {_date(found.withdrawn_at)} and is no longer "
            "valid. Its details are not shown.</p>"
            f"<dl>{code}</dl>",
        )
    return _page(
        "No certificate with this code",
        "<p class='status unknown'>UNKNOWN</p>"
        "<p>No certificate has this code. Check it against the certificate (letters and "
        "digits only; spaces and case do not matter) and try again.</p>" + _form(typed),
    )


def _json_answer(found: Verification, status: int = 200) -> JSONResponse:
    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    return JSONResponse(
        {
            "status": found.status.value,
            "code": found.code,
            "learnerName": found.learner_name,
            "courseTitle": found.course_title,
            "companyName": found.company_name,
            "issuedAt": iso(found.issued_at),
            "creditHours": float(found.credit_hours) if found.credit_hours is not None else None,
            "withdrawnAt": iso(found.withdrawn_at),
            "replacedAt": iso(found.withdrawn_at)
            if found.status == VerificationStatus.REPLACED
            else None,
        },
        status_code=status,
        headers=HEADERS,
    )


def wants_json(request: Request) -> bool:
    """True when the client prefers JSON to HTML (a browser's Accept names HTML first)."""
    accept = request.headers.get("accept", "").lower()
    if "application/json" not in accept:
        return False
    return "text/html" not in accept or accept.index("application/json") < accept.index("text/html")


async def throttled_lookup(request: Request) -> str | None:
    """The per-address limit of public look-ups (these pages and the credential
    documents): the message when this one is over it, else None."""
    settings: Settings = request.app.state.settings
    try:
        await ratelimit.hit(
            f"verify:{client_address(request)}",
            limit=settings.verify_lookups_per_address,
            now=request.app.state.clock(),
            message="Too many look-ups from your address; wait a minute and try again.",
        )
    except RateLimited as exc:
        return exc.message
    return None


async def verify_form(request: Request) -> Response:
    """``/verify``: the form; ``/verify?code=...`` (the form's answer) goes to the code's page."""
    typed = request.query_params.get("code", "").strip()
    if typed:
        code = certificates.normalise_code(typed)[: certificates.MAX_CODE_LENGTH + 1] or "-"
        return RedirectResponse(f"/verify/{quote(code)}", status_code=303, headers=HEADERS)
    return _page(
        "Check a certificate",
        "<p>Type the code printed on the certificate (or scan its QR code) to see whether it "
        "is valid, who it was awarded to and who issued it.</p>" + _form(),
    )


async def verify_page(request: Request) -> Response:
    """``/verify/{code}``: the answer, in HTML or (``Accept: application/json``) JSON."""
    typed = request.path_params["code"]
    refused = await throttled_lookup(request)
    if refused is not None:
        if wants_json(request):
            return JSONResponse(
                {"error": {"code": "RATE_LIMITED", "message": refused}},
                status_code=429,
                headers={**HEADERS, "Retry-After": "60"},
            )
        page = _page("Slow down", f"<p>{html.escape(refused)}</p>", 429)
        page.headers["Retry-After"] = "60"
        return page
    found = await certificates.verify(typed)
    if wants_json(request):
        return _json_answer(found)
    return _html_answer(found, typed[:100])
