"""The verification pages (VALID branded with the template's accent, REPLACED, the code
form) and the certificate template page, in a real browser: keyboard, axe-core, the
pages' own CSP, and screenshots at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import pytest

from llp_gql.domain import corrections, membership, templates
from llp_gql.domain.certificates import Reason
from llp_gql.models import Certificate, EnrollmentSource, User
from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import log_in

pytestmark = pytest.mark.browser

ACCENT = "#7a1f5c"


async def _replace_one(server: LiveServer) -> tuple[str, str]:
    """A company template, a renamed employee and their certificate re-issued: (old, new) codes."""
    admin = await User.get(email="admin@acme.example")
    old = (
        await Certificate.filter(enrollment__source=EnrollmentSource.ASSIGNED)
        .select_related("enrollment")
        .order_by("id")
        .first()
    )
    assert old is not None
    _ = await templates.save_template(
        admin,
        templates.TemplateInput(
            signatory_name="Dr. Amelia Hartmann",
            signatory_title="Director of Learning",
            issuer_line="Issued by Acme Academy",
            accent_colour=ACCENT,
        ),
    )
    staff = await User.get(role="STAFF")
    _ = await templates.set_credit_hours(
        staff, old.enrollment.course_id, templates.parse_hours("6")
    )
    learner = await User.get(id=old.enrollment.learner_id)
    await membership.rename_user(admin, learner.id, learner.name + " Corrected")
    new = await corrections.reissue_certificate(
        admin, old.id, Reason.NAME_CORRECTION, settings=server.settings
    )
    return old.verification_code, new.verification_code


def _ready(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready")


def _shots(page: Any, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _ready(page)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_verify_pages(browser: Any, live_server: LiveServer) -> None:
    old, new = live_server.run(lambda: _replace_one(live_server))
    base = live_server.base_url
    # with the page's own CSP: the branded style (named by its hash) applies
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{base}/verify/{new}")
    _ready(page)
    assert page.get_by_text("VALID", exact=True).is_visible()
    assert page.get_by_text("6 hours").is_visible()
    assert page.get_by_text("Acme", exact=False).first.is_visible()
    colour = page.evaluate("() => getComputedStyle(document.querySelector('h1')).color")
    assert colour == "rgb(122, 31, 92)"
    _shots(page, "verify-valid")
    page.goto(f"{base}/verify/{old}")
    _ready(page)
    assert page.get_by_text("REPLACED", exact=True).is_visible()
    assert "Corrected" not in page.content()
    _shots(page, "verify-replaced")
    # the form, by keyboard only: type a code (any case, with spaces) and press Enter
    page.goto(f"{base}/verify")
    _ready(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "code"
    spaced = " ".join(new[i : i + 4] for i in range(0, len(new), 4)).upper()
    page.keyboard.type(spaced)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/verify/{new}")
    assert page.get_by_text("VALID", exact=True).is_visible()
    page.goto(f"{base}/verify")
    _shots(page, "verify-form")
    context.close()
    # axe-core needs a script the pages' CSP forbids: a context that bypasses it
    checker = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    tab = checker.new_page()
    serve_axe(tab, base)
    for path in (f"/verify/{new}", f"/verify/{old}", "/verify", "/verify/nosuchcode"):
        tab.goto(base + path)
        _ready(tab)
        assert serious_violations(tab, base) == [], path
    checker.close()


def test_certificate_template_page(page: Any, live_server: LiveServer) -> None:
    serve_axe(page, live_server.base_url)
    log_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.base_url}/admin/certificate-template")
    _ready(page)
    assert page.get_by_role("heading", name="Certificate template").is_visible()
    assert serious_violations(page, live_server.base_url) == []
    _shots(page, "admin-certificate-template")
    # keyboard: from the first field, type a too light colour and save with Enter
    page.get_by_label("Signatory's name").focus()
    page.keyboard.type(" Jr.")
    page.get_by_label("Accent colour").fill("#ffee00")
    page.get_by_label("Accent colour").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("too light").is_visible()
    assert serious_violations(page, live_server.base_url) == []
    _shots(page, "admin-certificate-template-error")
