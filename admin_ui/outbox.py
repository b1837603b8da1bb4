"""Staff: the embedded outbox (mail kept in the database when no SMTP server is set),
newest first, each mail opened to its text part with its links clickable."""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, paging, rendering, web
from llp_gql.domain import access, outbox

PAGE_SIZE = 25
# On the escaped text: an address runs to the next space or markup character.
_LINK = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """The mail's text, escaped, with its http(s) addresses as links."""
    escaped = str(escape(text))
    # Safe: the text is escaped first (a quote is &#34;, so no address leaves its
    # attribute) and only http(s) addresses become links.
    linked = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return Markup(linked)  # noqa: S704 - built from escaped text only, see above


@web.page(web.staff)
async def outbox_list(request: Request, user: access.Actor) -> Response:
    found = await outbox.mails(user, paging.requested_page(request), PAGE_SIZE)
    return rendering.render(
        request,
        "staff_outbox.html",
        {
            "mails": found.items,
            "pager": paging.pager(request, found),
            "smtp": bool(app_state.settings_of(request).smtp_host),
        },
    )


@web.page(web.staff)
async def outbox_mail(request: Request, user: access.Actor) -> Response:
    found = await outbox.mail(user, request.path_params["mail_id"])
    return rendering.render(
        request, "staff_outbox_mail.html", {"mail": found, "body": linkify(found.text)}
    )
