"""The certificate template page: staff edit the platform default, company admins their
company's, with a preview of the PDF (from a sample certificate and the unsaved values)
before saving.

The preview works without JavaScript: the form's "Preview" button posts the form,
signature upload included, into the page's preview frame (``formtarget``), and the
answer is the PDF itself, shown inline (fpdf2 draws it in a few ms). With htmx the frame
also follows the text fields as they are typed (a GET of the same preview, the stored
signature image). A download link is the fallback for browsers that do not show PDFs
inline.
"""

from __future__ import annotations

from urllib.parse import urlencode

from anyio import to_thread
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, rendering, web
from llp_gql.certs.logo import validate_signature
from llp_gql.domain import access, templates
from llp_gql.errors import LLPError, ValidationFailed
from llp_gql.security_headers import DEFAULT_CSP

FIELDS = ("signatory_name", "signatory_title", "issuer_line", "accent_colour")
ERROR_FIELDS = {
    "signatoryName": "signatory_name",
    "signatoryTitle": "signatory_title",
    "issuerLine": "issuer_line",
    "accentColour": "accent_colour",
    "signatureImage": "signature",
}


def editor(user: access.Actor) -> bool:
    """Staff (the platform default) and company admins (their company's)."""
    return access.is_staff(user) or access.is_company_admin(user)


async def _input(request: Request, form: FormData | None) -> templates.TemplateInput:
    values = form if form is not None else request.query_params
    text = {name: str(values.get(name) or "")[:400] for name in FIELDS}
    signature = None
    upload = form.get("signature") if form is not None else None
    if isinstance(upload, UploadFile) and upload.filename:
        settings = app_state.settings_of(request)
        data = await upload.read(settings.logo_max_bytes + 1)
        # Decoding and re-encoding an image is CPU work: keep it off the event loop.
        signature = await to_thread.run_sync(
            lambda: validate_signature(
                data, max_bytes=settings.logo_max_bytes, max_pixels=settings.logo_max_pixels
            )
        )
    return templates.TemplateInput(
        **text,
        signature_image=signature,
        remove_signature=values.get("remove_signature") == "on",
    )


def _errors(exc: LLPError) -> dict[str, str]:
    field = ERROR_FIELDS.get(exc.field or "", "__all__")
    return {field: exc.message}


def _preview_src(values: dict[str, str]) -> str:
    return "/admin/certificate-template/preview.pdf?" + urlencode(values)


@web.page(editor)
async def template_page(request: Request, user: access.Actor) -> Response:
    current = await templates.editable(user)
    saved = current.values
    values = {
        "signatory_name": saved.signatory_name,
        "signatory_title": saved.signatory_title,
        "issuer_line": saved.issuer_line,
        "accent_colour": saved.accent_colour,
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await forms.read_form(request)
        values = {name: forms.text(form, name, limit=400) for name in FIELDS}
        try:
            data = await _input(request, form)
            _ = await templates.save_template(user, data, clock=app_state.clock_of(request))
        except LLPError as exc:
            errors = _errors(exc)
        else:
            return rendering.redirect("/admin/certificate-template?done=template-saved")
    return rendering.render(
        request,
        "certificate_template.html",
        {
            "template": current,
            "values": values,
            "errors": errors,
            "preview_src": _preview_src(values) if not errors else _preview_src({}),
            "has_signature": saved.signature_image is not None,
            "platform": current.company_id is None,
        },
        status=422 if errors else 200,
    )


@web.page(editor)
async def template_preview(request: Request, user: access.Actor) -> Response:
    """The sample certificate as a PDF: GET with the text values in the query (htmx,
    stored signature), POST with the whole form (the Preview button, any new signature)."""
    form = await forms.read_form(request) if request.method == "POST" else None
    try:
        data = await _input(request, form)
        pdf = await templates.preview_pdf(
            user, data, settings=app_state.settings_of(request), now=app_state.now(request)
        )
    except ValidationFailed as exc:
        page = rendering.render(
            request, "certificate_template_error.html", {"message": exc.message}, status=422
        )
        # Shown in the preview frame: framing by this site only (CSP frame-ancestors
        # overrides the X-Frame-Options DENY every page gets).
        page.headers["Content-Security-Policy"] = DEFAULT_CSP.replace(
            "frame-ancestors 'none'", "frame-ancestors 'self'"
        )
        return page
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="certificate-preview.pdf"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            # Shown in this site's own preview frame, nowhere else.
            "X-Frame-Options": "SAMEORIGIN",
            "Content-Security-Policy": "frame-ancestors 'self'",
        },
    )


@web.page(editor)
async def preview_frame(request: Request, user: access.Actor) -> Response:
    """htmx: the preview frame for the values typed so far (no file: the stored signature).
    Opened directly (not by htmx) it is no page of its own: back to the template page."""
    if request.headers.get("HX-Request") != "true":
        return rendering.redirect("/admin/certificate-template")
    values = {name: forms.query_text(request, name, limit=400) for name in FIELDS}
    if request.query_params.get("remove_signature") == "on":
        values["remove_signature"] = "on"
    return rendering.render(
        request, "certificate_template_frame.html", {"preview_src": _preview_src(values)}
    )
