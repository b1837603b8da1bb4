"""The ZIP export page: filters, how many certificates match, and the download link.

The ZIP itself is streamed by ``/certificates/export.zip`` (``llp_gql.certs.routes``);
this page parses the filters with the same function and selects with the same
domain query, so the count shown is the count in the file.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import forms, rendering, web
from admin_ui.groups import group_param
from llp_gql.certs.routes import export_filter
from llp_gql.domain import access, exports, groups
from llp_gql.errors import ValidationFailed

PREVIEW_ROWS = 10
FILTERS = ("course", "employee", "group", "from", "to")


@web.page(web.company_admin)
async def export_page(request: Request, user: access.Actor) -> Response:
    company = await exports.company_for_export(user)
    # Another company's group is NOT_FOUND, as everywhere (the ZIP route finds nothing).
    _ = await groups.group_of(user, group_param(request))
    values = {name: forms.query_text(request, name, limit=20) for name in FILTERS}
    errors: dict[str, str] = {}
    ids: list[int] = []
    try:
        ids = await exports.selected_ids(company.id, export_filter(request))
    except ValidationFailed as exc:
        errors = forms.errors_of(exc, set(FILTERS))
    preview = await exports.newest(ids, PREVIEW_ROWS)
    choices = await exports.export_choices(company)
    params = [(name, value) for name, value in values.items() if value]
    return rendering.render(
        request,
        "export.html",
        {
            "company": company,
            "values": values,
            "errors": errors,
            "count": len(ids),
            "preview": preview,
            "courses": choices.courses,
            "people": choices.people,
            "groups": await groups.list_groups(user),
            "zip_url": "/certificates/export.zip" + ("?" + urlencode(params) if params else ""),
        },
        status=422 if errors else 200,
    )
