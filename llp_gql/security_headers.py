"""Browser security headers, added once for every response the app sends.

Every HTML page (GraphiQL, /verify, the download error pages, the admin UI, and
any page added later) gets ``X-Frame-Options: DENY``, ``nosniff`` and a
Content-Security-Policy with ``frame-ancestors 'none'``: no other site may frame
a page and trick a signed-in admin into clicking through it. A page that needs
a different policy (GraphiQL, the verify page's inline style) sets its own, and
``frame-ancestors 'none'`` is added to it when missing; the rest get
``DEFAULT_CSP``, which allows nothing inline and nothing from another origin.

``Strict-Transport-Security`` goes on every response when the public base URL is
https: once a browser has seen the site over TLS it never tries plain HTTP again.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DEFAULT_CSP", "HSTS", "SecurityHeadersMiddleware"]

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=31536000"  # a year; no includeSubDomains: other hosts are not ours


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if headers.get("content-type", "").lower().startswith("text/html"):
                    headers["X-Frame-Options"] = "DENY"
                    headers["X-Content-Type-Options"] = "nosniff"
                    policy = headers.get("content-security-policy")
                    if policy is None:
                        headers["Content-Security-Policy"] = DEFAULT_CSP
                    elif "frame-ancestors" not in policy:
                        headers["Content-Security-Policy"] = policy + "; frame-ancestors 'none'"
            await send(message)

        await self.app(scope, receive, send_with_headers)
