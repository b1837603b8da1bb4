"""The webhook pages in a real browser: create one with the keyboard, see the secret once,
read the log and resend; axe-core, nothing wider than a phone, screenshots at 1280 and
390 px."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from llp_gql.domain.clock import utcnow
from llp_gql.models import DeliveryState, WebhookDelivery, WebhookSubscription
from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import WIDER_THAN_SCREEN, log_in

pytestmark = pytest.mark.browser

URL = "https://93.184.215.14/hooks/llp-certificates-and-completions"


async def _seed_log() -> int:
    hook = await WebhookSubscription.get(url=URL)
    now = utcnow()
    rows = [
        ("certificate.issued", DeliveryState.DELIVERED, 1, 200, None, None),
        ("enrollment.completed", DeliveryState.DELIVERED, 3, 204, None, None),
        ("certificate.withdrawn", DeliveryState.FAILED, 13, 500, "Answered 500.", None),
        (
            "employee.deactivated",
            DeliveryState.PENDING,
            2,
            None,
            "Could not connect: ConnectError: [Errno 111] Connection refused",
            now + timedelta(minutes=2),
        ),
    ]
    for n, (kind, state, attempts, status, error, next_at) in enumerate(rows):
        await WebhookDelivery.create(
            subscription_id=hook.id,
            event_id=f"msg_{n:032x}",
            event_type=kind,
            ordering_key=f"enrollment:{n}",
            payload={
                "type": kind,
                "version": 1,
                "timestamp": "2026-03-02T09:00:00Z",
                "data": {"enrollmentId": "RW5yb2xsbWVudDo0Mg", "n": n},
            },
            state=state,
            attempts=attempts,
            last_status=status,
            last_error=error,
            next_attempt_at=next_at,
            created_at=now - timedelta(minutes=10 - n),
        )
    return hook.id


def _check(page: Any, server: LiveServer, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready")
    assert serious_violations(page, server.base_url) == [], f"{name}: {page.url}"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("() => document.fonts.ready")
        if width == 390:
            assert page.evaluate(WIDER_THAN_SCREEN) == [], name
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_webhook_pages(page: Any, live_server: LiveServer) -> None:
    serve_axe(page, live_server.base_url)
    log_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.base_url}/admin/webhooks")
    assert page.get_by_role("heading", name="Webhooks", exact=True).is_visible()
    _check(page, live_server, "admin-webhooks-empty")

    # a private address is refused next to the field
    page.get_by_label("Address (URL)").fill("https://169.254.169.254/latest")
    page.get_by_role("button", name="Create webhook").click()
    page.get_by_text("public addresses only").wait_for()
    _check(page, live_server, "admin-webhooks-error")

    # created with the keyboard only: type, untick one event with Space, submit with Enter
    page.get_by_label("Address (URL)").fill(URL)
    page.get_by_label("Description").fill("Payroll and LMS")
    page.get_by_label("Course overdue").focus()
    page.keyboard.press("Space")
    page.get_by_label("Description").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    page.get_by_role("heading", name="Webhook created").wait_for()
    secret = page.get_by_label("Secret").input_value()
    assert secret.startswith("whsec_")
    _check(page, live_server, "admin-webhook-created")

    hook_id = live_server.run(_seed_log)
    page.goto(f"{live_server.base_url}/admin/webhooks")
    assert secret not in page.content()
    _check(page, live_server, "admin-webhooks")
    page.get_by_role("link", name=URL).click()
    page.get_by_text("Answered 500.").wait_for()
    assert secret not in page.content()
    page.get_by_text("Body").first.click()
    _check(page, live_server, "admin-webhook-log")

    # resend the failed one
    page.get_by_role("button", name=f"Resend msg_{2:032x}").click()
    page.get_by_text("queued again").wait_for()
    assert page.url.endswith(f"/admin/webhooks/{hook_id}?done=delivery-resent")

    # disabling asks first
    page.get_by_role("link", name="Disable").click()
    page.get_by_role("heading", name="Disable this webhook?").wait_for()
    _check(page, live_server, "admin-webhook-disable")
