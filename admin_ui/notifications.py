"""Notifications: a company admin turns the weekly digest and compliance mails on or off.

The rules (who may, once per week, opt-in) live in ``llp_gql.domain.report_subscriptions``; this
page lists the two mails with their state and posts one switch at a time.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, rendering, web
from llp_gql.domain import access, report_subscriptions

MAILS = [
    (
        report_subscriptions.ReportKind.DIGEST,
        "Weekly overdue digest",
        "Who in your company is overdue: how many people and courses, the first names, and "
        "a link to the progress matrix showing only overdue work.",
    ),
    (
        report_subscriptions.ReportKind.COMPLIANCE,
        "Weekly compliance report",
        "A summary of every assignment (completed, open, overdue) and a link to the "
        "compliance report page. The report itself is never attached to the mail.",
    ),
]
NOTICES = {
    "on": "Subscribed. The first mail comes within the hour, then every Monday.",
    "off": "Unsubscribed. No more of these mails.",
}


@web.page(web.company_admin)
async def notifications_page(request: Request, user: access.Actor) -> Response:
    if request.method == "POST":
        form = await forms.read_form(request)
        raw = forms.text(form, "kind", limit=20)
        kinds = {kind.value: kind for kind in report_subscriptions.ReportKind}
        if raw not in kinds:
            return rendering.error_page(request, 400, "Choose one of the mails listed.")
        if forms.text(form, "action", limit=20) == "subscribe":
            _ = await report_subscriptions.subscribe(
                user, kinds[raw], clock=app_state.clock_of(request)
            )
            return rendering.redirect("/admin/notifications?done=on")
        _ = await report_subscriptions.unsubscribe(user, kinds[raw])
        return rendering.redirect("/admin/notifications?done=off")
    subscribed = {row.kind: row for row in await report_subscriptions.subscriptions_of(user)}
    rows = [
        {"kind": kind.value, "title": title, "text": text, "row": subscribed.get(kind.value)}
        for kind, title, text in MAILS
    ]
    notice = NOTICES.get(request.query_params.get("done", ""))
    return rendering.render(
        request, "notifications.html", {"mails": rows, "notice": notice, "email": user.email}
    )
