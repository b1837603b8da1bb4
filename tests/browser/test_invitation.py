"""An invitation in a real browser, end to end (issue 16).

An admin invites a new employee through the admin UI; the server's queue worker
mails the invitation to a real SMTP server (aiosmtpd, tests/smtp_server.py); the
test takes the link from the received mail, opens it in chromium, chooses a
password, signs in to /learn and sees My learning. axe-core checks the welcome page.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import log_in, nav
from tests.smtp_server import text_part

pytestmark = pytest.mark.browser

EMAIL = "ines.invited@acme.example"
CHOSEN = "ines chooses her own passphrase"
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _wait_for_mail(server: LiveServer, to: str, timeout: float = 20.0) -> str:
    """The text of the first mail to ``to`` the SMTP server received."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in server.inbox.received():
            if message["To"] == to:
                return text_part(message)
        time.sleep(0.2)
    pytest.fail(f"no mail to {to} within {timeout} s")


def _shoot_both(page: Any, name: str) -> None:
    """Screenshots at 1280 and 390 px (phone), after checking nothing scrolls sideways."""
    for width, suffix in ((1280, ""), (390, "-phone")):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(SIDEWAYS) <= 1, f"{name} scrolls sideways at {width} px"
        screenshot(page, f"{name}{suffix}")
    page.set_viewport_size({"width": 1366, "height": 860})


def test_an_invited_employee_chooses_a_password_from_the_mail_and_signs_in(
    page: Any, live_server: LiveServer
) -> None:
    serve_axe(page, live_server.base_url)
    # given the admin of Acme on "Invite employee"
    log_in(page, live_server, "admin@acme.example")
    nav(page, "Employees").click()
    page.get_by_role("link", name="Invite employee").click()
    assert page.locator('input[type="password"]').count() == 0
    _shoot_both(page, "admin-invite-form")
    # when they invite Inès
    page.get_by_label("Full name").fill("Inès Invited")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_role("status").inner_text().startswith("The invitation was sent")
    assert page.get_by_text("Invitation pending").first.is_visible()
    assert page.get_by_role("button", name="Resend invitation").is_visible()
    assert serious_violations(page, live_server.base_url) == []
    _shoot_both(page, "admin-invite-pending")
    # then the list shows her as pending, with the button
    nav(page, "Employees").click()
    row = page.locator("tr", has_text=EMAIL)
    assert "Invitation pending" in row.inner_text()
    assert row.get_by_role("button", name=re.compile("Resend invitation")).is_visible()
    assert serious_violations(page, live_server.base_url) == []
    _shoot_both(page, "admin-invite-list")

    # and the mail reaches the SMTP server, with her link
    text = _wait_for_mail(live_server, EMAIL)
    assert "Acme Corp has invited you" in text
    found = re.search(r"http://\S+/learn/reset\?\S+", text)
    assert found is not None, text
    link = found.group(0)
    assert "kind=invite" in link

    # when she opens it in a fresh browser session (signed out)
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("heading", name="Welcome, choose your password").wait_for()
    assert "reset" not in page.locator("main").inner_text().lower()
    assert "token=" not in page.url  # the script took the token out of the address bar
    assert serious_violations(page, live_server.base_url) == []
    _shoot_both(page, "learn-welcome")
    # and chooses her password (a mismatch first: the form says so)
    page.get_by_label("Your password", exact=True).fill(CHOSEN)
    page.get_by_label("The same password again").fill(CHOSEN + "x")
    page.get_by_role("button", name="Choose this password").click()
    assert page.locator("#f-confirm_password-err").is_visible()
    page.get_by_label("Your password", exact=True).fill(CHOSEN)
    page.get_by_label("The same password again").fill(CHOSEN)
    page.get_by_role("button", name="Choose this password").click()
    # then she lands on the learner sign-in with a welcome, signs in, sees My learning
    page.wait_for_url(re.compile(r"/learn/signin\?done=invitation-accepted$"))
    assert page.get_by_role("status").inner_text().startswith("Welcome! Your password is set.")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(CHOSEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="My learning").is_visible()

    # and the link cannot be used again: it says so in invitation words
    page.context.clear_cookies()
    page.goto(link)
    alert = page.get_by_role("alert").inner_text()
    assert "invitation has been used" in alert
    assert serious_violations(page, live_server.base_url) == []


def test_staff_read_a_mail_in_the_outbox_and_its_link_works(
    page: Any, live_server: LiveServer
) -> None:
    # given a mail kept in the outbox (as without an SMTP server)
    async def keep_mail() -> int:
        from llp_gql.domain.clock import utcnow
        from llp_gql.models import OutboxMail

        mail = await OutboxMail.create(
            message_id="<outbox-browser@llp.example>",
            recipient="someone@acme.example",
            subject="You are invited to LLP certificates",
            text="Hello Someone,\n\nAcme Corp has invited you.\n\n"
            f"{live_server.base_url}/learn/reset?token=not-a-real-one&kind=invite\n",
            html="<p>Hello</p>",
            created_at=utcnow(),
        )
        return mail.id

    mail_id = live_server.run(keep_mail)
    serve_axe(page, live_server.base_url)
    log_in(page, live_server, "staff@llp.example")
    nav(page, "Outbox").click()
    assert page.url.endswith("/admin/staff/outbox")
    assert serious_violations(page, live_server.base_url) == []
    _shoot_both(page, "admin-outbox")
    page.get_by_role("link", name="You are invited to LLP certificates").first.click()
    assert page.url.endswith(f"/admin/staff/outbox/{mail_id}")
    assert serious_violations(page, live_server.base_url) == []
    _shoot_both(page, "admin-outbox-mail")
    # the link in the text is a real link to the welcome page
    page.locator("pre.mail-text a").click()
    page.get_by_role("heading", name="Welcome, choose your password").wait_for()
