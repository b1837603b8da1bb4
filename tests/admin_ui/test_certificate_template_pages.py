"""The certificate template page (with its PDF preview), course hours and the re-issue
button on an enrollment's page."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader

from llp_gql.domain import membership
from llp_gql.models import (
    AuditEvent,
    Certificate,
    CertificateTemplate,
    Course,
    WithdrawnCertificate,
)
from llp_gql.settings import Settings
from tests.admin_ui import Scene, log_in


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 100), (20, 30, 90)).save(out, "PNG")
    return out.getvalue()


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


FORM = {
    "signatory_name": "Dr. Amelia Hartmann",
    "signatory_title": "Director of Learning",
    "issuer_line": "Issued by Acme Academy",
    "accent_colour": "#7a1f5c",
}


async def test_admin_previews_then_saves_the_company_template(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    page = await client.get("/admin/certificate-template")
    assert page.status_code == 200
    assert 'iframe name="preview"' in page.text
    assert 'formtarget="preview"' in page.text
    assert "Download the preview (PDF)" in page.text
    # when the admin previews unsaved values with a new signature (the no-JS button)
    preview = await client.post(
        "/admin/certificate-template/preview.pdf",
        data={**FORM, "csrf_token": token},
        files={"signature": ("sig.png", _png(), "image/png")},
    )
    # then the answer is the sample PDF inline, framable by this site only, nothing saved
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline")
    assert preview.headers["x-frame-options"] == "SAMEORIGIN"
    text = _text(preview.content)
    assert "Dr. Amelia Hartmann" in text
    assert "Acme Academy" in text
    assert "Acme Corp" in text
    assert not await CertificateTemplate.exists()
    # the htmx frame follows typed values (GET, no CSRF token in the URL)
    frame = await client.get(
        "/admin/certificate-template/frame",
        params={"signatory_name": "Typed Name"},
        headers={"HX-Request": "true"},
    )
    assert "preview.pdf?signatory_name=Typed+Name" in frame.text
    # (opened directly, the fragment is no page: back to the template page)
    direct = await client.get("/admin/certificate-template/frame")
    assert direct.status_code == 303
    assert direct.headers["location"] == "/admin/certificate-template"
    assert "csrf" not in frame.text
    typed = await client.get("/admin/certificate-template/preview.pdf?signatory_name=Typed+Name")
    assert "Typed Name" in _text(typed.content)
    # when the admin saves
    saved = await client.post(
        "/admin/certificate-template",
        data={**FORM, "csrf_token": token},
        files={"signature": ("sig.png", _png(), "image/png")},
    )
    assert saved.status_code == 303
    row = await CertificateTemplate.get(company_id=scene.world.company_x.id)
    assert (row.version, row.signatory_name, row.accent_colour) == (
        1,
        "Dr. Amelia Hartmann",
        "#7a1f5c",
    )
    assert row.signature_image
    page = await client.get(saved.headers["location"])
    assert "Version 1" in page.text
    assert "The certificate template was saved" in page.text


async def test_a_light_colour_is_refused_next_to_its_field(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.admin_x, settings)
    response = await client.post(
        "/admin/certificate-template",
        data={**FORM, "accent_colour": "#ffee00", "csrf_token": token},
    )
    assert response.status_code == 422
    assert 'id="f-accent_colour-err"' in response.text
    assert "too light" in response.text
    assert not await CertificateTemplate.exists()
    preview = await client.post(
        "/admin/certificate-template/preview.pdf",
        data={**FORM, "accent_colour": "#ffee00", "csrf_token": token},
    )
    assert preview.status_code == 422
    assert "frame-ancestors 'self'" in preview.headers["content-security-policy"]


@pytest.mark.parametrize(("who", "status"), [("employee_x", 403), ("individual_a", 403)])
async def test_learners_get_no_template_page(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, who: str, status: int
) -> None:
    _ = await log_in(client, scene.world.users()[who], settings)
    for path in ("/admin/certificate-template", "/admin/certificate-template/preview.pdf"):
        assert (await client.get(path)).status_code == status


async def test_staff_edit_the_platform_default_and_course_hours(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    token = await log_in(client, scene.world.staff, settings)
    page = await client.get("/admin/certificate-template")
    assert "The platform default" in page.text
    saved = await client.post("/admin/certificate-template", data={**FORM, "csrf_token": token})
    assert saved.status_code == 303
    assert await CertificateTemplate.filter(company_id=None).count() == 1
    course = scene.world.course.course
    response = await client.post(
        f"/admin/staff/courses/{course.id}/hours", data={"credit_hours": "2.5", "csrf_token": token}
    )
    assert response.status_code == 303
    assert str((await Course.get(id=course.id)).credit_hours) == "2.50"
    editor = await client.get(response.headers["location"])
    assert 'value="2.5"' in editor.text
    bad = await client.post(
        f"/admin/staff/courses/{course.id}/hours", data={"credit_hours": "-1", "csrf_token": token}
    )
    assert bad.status_code == 400
    assert str((await Course.get(id=course.id)).credit_hours) == "2.50"


async def test_admin_reissues_from_the_enrollment_page(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    world = scene.world
    old = scene.certificate_x
    token = await log_in(client, world.admin_x, settings)
    page = await client.get(f"/admin/enrollments/{scene.done_x.id}")
    assert f'action="/admin/enrollments/{scene.done_x.id}/reissue"' in page.text
    assert "Name correction" in page.text
    await membership.rename_user(world.admin_x, world.employee_x.id, "Emma Corrected")
    response = await client.post(
        f"/admin/enrollments/{scene.done_x.id}/reissue",
        data={"certificate": str(old.id), "reason": "NAME_CORRECTION", "csrf_token": token},
    )
    assert response.status_code == 303
    new = await Certificate.get(enrollment_id=scene.done_x.id)
    assert new.learner_name == "Emma Corrected"
    tomb = await WithdrawnCertificate.get(verification_code=old.verification_code)
    assert tomb.kind == "REPLACED"
    assert await AuditEvent.filter(action="certificate.reissued").count() == 1
    page = await client.get(response.headers["location"])
    assert "re-issued under a new code" in page.text
    # a second post of the same (stale) form changes nothing
    again = await client.post(
        f"/admin/enrollments/{scene.done_x.id}/reissue",
        data={"certificate": str(old.id), "reason": "NAME_CORRECTION", "csrf_token": token},
    )
    assert again.status_code == 404
    assert await WithdrawnCertificate.filter(kind="REPLACED").count() == 1


async def test_staff_and_employees_see_no_reissue_button(
    client: httpx.AsyncClient, settings: Settings, scene: Scene
) -> None:
    _ = await log_in(client, scene.world.staff, settings)
    page = await client.get(f"/admin/enrollments/{scene.done_x.id}")
    assert page.status_code == 200
    assert "/reissue" not in page.text
    token = await log_in(client, scene.world.staff, settings)
    response = await client.post(
        f"/admin/enrollments/{scene.done_x.id}/reissue",
        data={"certificate": str(scene.certificate_x.id), "reason": "OTHER", "csrf_token": token},
    )
    assert response.status_code == 403
    assert not await WithdrawnCertificate.exists()
