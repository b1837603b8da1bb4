"""The ZIP export page: filters, how many certificates match, and the download link.

The ZIP itself is streamed by ``/certificates/export.zip`` (``llp_gql.certs.routes``);
this page parses the filters with the same function and selects with the same
domain query, so the count shown is the count in the file.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import web
from llp_gql.certs.routes import export_filter
from llp_gql.domain import exports
from llp_gql.errors import ValidationFailed
from llp_gql.models import Certificate, Course, Enrollment, User

PREVIEW_ROWS = 10
FILTERS = ("course", "employee", "from", "to")


@web.page(web.company_admin)
async def export_page(request: Request, user: User) -> Response:
    company = await exports.company_for_export(user)
    values = {name: web.query_text(request, name, limit=20) for name in FILTERS}
    errors: dict[str, str] = {}
    ids: list[int] = []
    try:
        ids = await exports.selected_ids(company.id, export_filter(request))
    except ValidationFailed as exc:
        errors = web.errors_of(exc, set(FILTERS))
    preview = (
        await Certificate.filter(id__in=ids[-PREVIEW_ROWS:]).order_by("-issued_at", "-id")
        if ids
        else []
    )
    course_ids = await web.ids(Enrollment.filter(company_id=company.id), "course_id")
    params = [(name, value) for name, value in values.items() if value]
    return web.render(
        request,
        "export.html",
        {
            "company": company,
            "values": values,
            "errors": errors,
            "count": len(ids),
            "preview": preview,
            "courses": await Course.filter(id__in=set(course_ids)).order_by("title", "id"),
            "people": await User.filter(company_id=company.id).order_by("name", "id"),
            "zip_url": "/certificates/export.zip" + ("?" + urlencode(params) if params else ""),
        },
        status=422 if errors else 200,
    )
