"""Company Admin pages about webhooks: the list with the create form, the secret shown
once after creating, each webhook's delivery log (newest first, paged) with "Resend",
and disabling (after a confirmation)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin_ui import app_state, forms, paging, rendering, web
from llp_gql.domain import access, events, webhooks
from llp_gql.domain.access_webhooks import access_delivery, access_webhook
from llp_gql.errors import LLPError, NotFound

LOG_PAGE_SIZE = 25
URL_LIMIT = 4000  # cut before the domain's 2,000-character rule answers

# The words for each event type and delivery state (the codes stay in the API).
EVENT_LABELS = {
    events.CERTIFICATE_ISSUED: "Certificate issued",
    events.CERTIFICATE_WITHDRAWN: "Certificate withdrawn",
    events.CERTIFICATE_REPLACED: "Certificate replaced",
    events.ENROLLMENT_COMPLETED: "Course completed",
    events.ENROLLMENT_OVERDUE: "Course overdue",
    events.EMPLOYEE_DEACTIVATED: "Employee deactivated",
}
STATE_LABELS = {"PENDING": "Waiting", "DELIVERED": "Delivered", "FAILED": "Failed"}
NOTICES = {
    "webhook-disabled": "The webhook is disabled: nothing more is sent to it.",
    "delivery-resent": "The delivery was queued again; it goes out within moments.",
}


async def _list(
    request: Request,
    user: access.Actor,
    *,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    company = await access.access_own_company(user)
    return rendering.render(
        request,
        "webhooks.html",
        {
            "company": company,
            "rows": await webhooks.list_webhooks(user),
            "values": values or {"events": list(events.EVENT_TYPES)},
            "errors": errors or {},
            "event_labels": EVENT_LABELS,
            "event_list": webhooks.event_list,
        },
        status=422 if errors else 200,
    )


@web.page(web.company_admin)
async def webhook_list(request: Request, user: access.Actor) -> Response:
    """GET: the list and the form; POST: create, then show the secret this once."""
    if request.method == "GET":
        return await _list(request, user)
    form = await forms.read_form(request)
    url = forms.text(form, "url", limit=URL_LIMIT).strip()
    chosen = forms.texts(form, "events")
    description = forms.text(form, "description", limit=1000)
    try:
        created = await webhooks.create_webhook(
            user,
            url,
            chosen,
            description,
            settings=app_state.settings_of(request),
            clock=app_state.clock_of(request),
        )
    except LLPError as exc:
        values: dict[str, object] = {"url": url, "events": chosen, "description": description}
        known = {"url", "events", "description"}
        return await _list(request, user, values=values, errors=forms.errors_of(exc, known))
    # Rendered, not redirected: the secret must not travel in a URL or be shown twice.
    return rendering.render(
        request,
        "webhook_created.html",
        {
            "hook": created.subscription,
            "secret": created.secret,
            "event_labels": EVENT_LABELS,
            "events": webhooks.event_list(created.subscription),
        },
        status=201,
    )


@web.page(web.company_admin)
async def webhook_log(request: Request, user: access.Actor) -> Response:
    """One webhook and its delivery log, newest first."""
    hook = await access_webhook(user, request.path_params["webhook_id"])
    page = await webhooks.delivery_page(
        user, hook.id, paging.requested_page(request), LOG_PAGE_SIZE
    )
    return rendering.render(
        request,
        "webhook.html",
        {
            "hook": hook,
            "events": webhooks.event_list(hook),
            "event_labels": EVENT_LABELS,
            "state_labels": STATE_LABELS,
            "deliveries": page.items,
            "pager": paging.pager(request, page),
            "notice": NOTICES.get(request.query_params.get("done", "")),
        },
    )


@web.page(web.company_admin)
async def webhook_disable(request: Request, user: access.Actor) -> Response:
    """GET asks to confirm; POST disables."""
    hook = await access_webhook(user, request.path_params["webhook_id"])
    if request.method == "POST":
        _ = await webhooks.disable_webhook(user, hook.id, clock=app_state.clock_of(request))
        return rendering.redirect(f"/admin/webhooks/{hook.id}?done=webhook-disabled")
    return rendering.render(request, "webhook_disable.html", {"hook": hook})


@web.page(web.company_admin)
async def delivery_resend(request: Request, user: access.Actor) -> Response:
    """POST: send a delivered or failed delivery again (CONFLICT page while pending)."""
    hook = await access_webhook(user, request.path_params["webhook_id"])
    delivery = await access_delivery(user, request.path_params["delivery_id"])
    if delivery.subscription_id != hook.id:  # the path names another webhook's delivery
        raise NotFound("WebhookDelivery")
    _ = await webhooks.resend_delivery(user, delivery.id, clock=app_state.clock_of(request))
    return rendering.redirect(f"/admin/webhooks/{hook.id}?done=delivery-resent")
