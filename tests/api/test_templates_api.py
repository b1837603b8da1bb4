"""GraphQL: certificate templates, course hours, reissueCertificate, REPLACED verification
(API, HTML page and JSON) and the LinkedIn link."""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PIL import Image

from llp_gql.domain import membership, templates
from llp_gql.domain.clock import FakeClock
from llp_gql.models import Certificate, CertificateTemplate, Course, WithdrawnCertificate
from llp_gql.settings import Settings
from tests.domain import assign, enroll_self, finish_before
from tests.factories import World
from tests.gql import fails, gid, ok, post, token_for

SAVE = """mutation($i: CertificateTemplateInput!) { setCertificateTemplate(input: $i) {
  isPlatformDefault version signatoryName signatoryTitle hasSignatureImage issuerLine
  accentColour } }"""
REISSUE = """mutation($id: ID!, $r: String!) { reissueCertificate(certificateId: $id, reason: $r) {
  id learnerName verificationCode creditHours templateVersion } }"""
VERIFY = """query($c: String!) { verifyCertificate(code: $c) {
  status code learnerName courseTitle creditHours withdrawnAt replacedAt } }"""
HOURS = """mutation($id: ID!, $h: Float) { setCourseCreditHours(courseId: $id, creditHours: $h) {
  creditHours } }"""


def _png(width: int = 300) -> str:
    out = io.BytesIO()
    Image.new("RGB", (width, 80), (20, 30, 90)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


async def test_admin_saves_the_company_template_with_a_signature(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    token = await token_for(world.admin_x, settings)
    data = await ok(
        client,
        SAVE,
        {
            "i": {
                "signatoryName": "Dr. Amelia Hartmann",
                "signatoryTitle": "Director of Learning",
                "issuerLine": "Issued by Acme Academy",
                "accentColour": "#7A1F5C",
                "signatureImage": _png(),
            }
        },
        token,
    )
    assert data["setCertificateTemplate"] == {
        "isPlatformDefault": False,
        "version": 1,
        "signatoryName": "Dr. Amelia Hartmann",
        "signatoryTitle": "Director of Learning",
        "hasSignatureImage": True,
        "issuerLine": "Issued by Acme Academy",
        "accentColour": "#7a1f5c",
    }
    read = await ok(client, "{ certificateTemplate { version hasSignatureImage } }", None, token)
    assert read["certificateTemplate"] == {"version": 1, "hasSignatureImage": True}


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"accentColour": "#f0f0f0"}, "accentColour", "LOW_CONTRAST"),
        ({"accentColour": "navy"}, "accentColour", None),
        ({"signatureImage": "not base64!"}, "signatureImage", None),
        ({"signatureImage": base64.b64encode(b"GIF89a").decode()}, "signatureImage", None),
        ({"issuerLine": "x" * 301}, "issuerLine", None),
    ],
)
async def test_bad_template_values_answer_validation_and_store_nothing(
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    values: dict[str, str],
    field: str,
    reason: str | None,
) -> None:
    token = await token_for(world.admin_x, settings)
    body = await fails(client, "VALIDATION", SAVE, {"i": values}, token)
    ext = body["errors"][0]["extensions"]
    assert ext["field"] == field
    assert ext.get("reason") == reason
    assert not await CertificateTemplate.exists()


@pytest.mark.parametrize("who", ["employee_x", "individual_a"])
async def test_learners_cannot_touch_templates(
    client: httpx.AsyncClient, world: World, settings: Settings, who: str
) -> None:
    token = await token_for(world.users()[who], settings)
    _ = await fails(client, "FORBIDDEN", SAVE, {"i": {"signatoryName": "Me"}}, token)
    _ = await fails(client, "FORBIDDEN", "{ certificateTemplate { version } }", None, token)
    _ = await fails(client, "UNAUTHENTICATED", SAVE, {"i": {"signatoryName": "Me"}})


async def test_staff_set_course_hours_and_everyone_reads_them(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    course_id = gid("Course", world.course.course.id)
    staff = await token_for(world.staff, settings)
    data = await ok(client, HOURS, {"id": course_id, "h": 1.5}, staff)
    assert data["setCourseCreditHours"]["creditHours"] == 1.5
    assert (await Course.get(id=world.course.course.id)).credit_hours == Decimal("1.50")
    public = await ok(
        client, "query($id: ID!) { course(id: $id) { creditHours } }", {"id": course_id}
    )
    assert public["course"]["creditHours"] == 1.5
    admin = await token_for(world.admin_x, settings)
    _ = await fails(client, "FORBIDDEN", HOURS, {"id": course_id, "h": 2}, admin)
    body = await fails(client, "VALIDATION", HOURS, {"id": course_id, "h": 1.234}, staff)
    assert body["errors"][0]["extensions"]["field"] == "creditHours"


async def test_reissue_then_the_old_code_verifies_replaced_everywhere(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an employee's certificate with hours, a corrected name, a company accent
    _ = await templates.set_credit_hours(world.staff, world.course.course.id, Decimal("2"))
    enrollment = await assign(world)
    _ = await finish_before(world.employee_x, enrollment, 99, clock=clock, settings=settings)
    old = await Certificate.get(enrollment_id=enrollment.id)
    await membership.rename_user(world.admin_x, world.employee_x.id, "Emma Nunez")
    _ = await templates.save_template(
        world.admin_x, templates.TemplateInput(accent_colour="#7a1f5c")
    )
    clock.advance(86400)
    # when the admin re-issues it
    admin = await token_for(world.admin_x, settings)
    new = (
        await ok(client, REISSUE, {"id": gid("Certificate", old.id), "r": "NAME_CORRECTION"}, admin)
    )["reissueCertificate"]
    assert new["learnerName"] == "Emma Nunez"
    assert new["verificationCode"] != old.verification_code
    assert new["creditHours"] == 2.0
    assert new["templateVersion"] == 1
    # then the old code is REPLACED with its date, nothing personal
    replaced = (await ok(client, VERIFY, {"c": old.verification_code}))["verifyCertificate"]
    assert replaced["status"] == "REPLACED"
    assert replaced["replacedAt"] == replaced["withdrawnAt"] == clock.now.isoformat()
    assert (replaced["learnerName"], replaced["courseTitle"], replaced["creditHours"]) == (
        None,
        None,
        None,
    )
    page = await client.get(f"/verify/{old.verification_code}")
    assert "REPLACED" in page.text
    assert "Certificate replaced" in page.text
    assert "Emma" not in page.text
    assert "Émma" not in page.text
    assert "Leading" not in page.text
    as_json = (
        await client.get(f"/verify/{old.verification_code}", headers={"Accept": "application/json"})
    ).json()
    assert as_json["status"] == "REPLACED"
    assert as_json["replacedAt"] is not None
    assert as_json["learnerName"] is None
    # and the new code is VALID with the hours, in the company's accent colour
    valid = (await ok(client, VERIFY, {"c": new["verificationCode"]}))["verifyCertificate"]
    assert (valid["status"], valid["learnerName"], valid["creditHours"]) == (
        "VALID",
        "Emma Nunez",
        2.0,
    )
    page = await client.get(f"/verify/{new['verificationCode']}")
    assert "2 hours" in page.text
    assert "#7a1f5c" in page.text
    assert "Acme Corp" in page.text  # the issuing company
    # and its CSP names the page's (branded) style by its hash
    style = re.search(r"<style>(.*?)</style>", page.text, re.S)
    assert style is not None
    assert "'sha256-" in page.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("who", "code"),
    [("employee_x", "FORBIDDEN"), ("staff", "FORBIDDEN"), ("admin_y", "NOT_FOUND")],
)
async def test_reissue_is_refused_to_others(
    client: httpx.AsyncClient,
    world: World,
    clock: FakeClock,
    settings: Settings,
    who: str,
    code: str,
) -> None:
    enrollment = await assign(world)
    _ = await finish_before(world.employee_x, enrollment, 99, clock=clock, settings=settings)
    old = await Certificate.get(enrollment_id=enrollment.id)
    token = await token_for(world.users()[who], settings)
    _ = await fails(client, code, REISSUE, {"id": gid("Certificate", old.id), "r": "OTHER"}, token)
    admin = await token_for(world.admin_x, settings)
    body = await fails(
        client, "VALIDATION", REISSUE, {"id": gid("Certificate", old.id), "r": "WHIM"}, admin
    )
    assert body["errors"][0]["extensions"]["field"] == "reason"
    assert not await WithdrawnCertificate.exists()


async def test_a_self_reissue_beyond_the_limit_has_its_own_code(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    enrollment = await enroll_self(world)
    _ = await finish_before(world.individual_a, enrollment, 99, clock=clock, settings=settings)
    certificate_id = (await Certificate.get(enrollment_id=enrollment.id)).id
    token = await token_for(world.individual_a, settings)
    # unchanged name: refused
    body = await fails(
        client,
        "VALIDATION",
        REISSUE,
        {"id": gid("Certificate", certificate_id), "r": "OTHER"},
        token,
    )
    assert "name" in body["errors"][0]["message"]
    for n in range(settings.self_reissues_per_year):
        await membership.rename_user(world.individual_a, world.individual_a.id, f"Ann {n}")
        new = await ok(
            client,
            REISSUE,
            {"id": gid("Certificate", certificate_id), "r": "NAME_CORRECTION"},
            token,
        )
        certificate_id = int((await Certificate.get(enrollment_id=enrollment.id)).id)
        assert new["reissueCertificate"]["learnerName"] == f"Ann {n}"
    await membership.rename_user(world.individual_a, world.individual_a.id, "Ann Again")
    _ = await fails(
        client,
        "SELF_REISSUE_LIMIT",
        REISSUE,
        {"id": gid("Certificate", certificate_id), "r": "NAME_CORRECTION"},
        token,
    )


async def test_linkedin_link_for_individuals_only(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an individual's own certificate of a course whose title needs encoding
    await Course.filter(id=world.course.course.id).update(title="Leading Teams & Q&A: 100% #1")
    enrollment = await enroll_self(world)
    _ = await finish_before(world.individual_a, enrollment, 99, clock=clock, settings=settings)
    certificate = await Certificate.get(enrollment_id=enrollment.id)
    query = """query($id: ID!) { enrollment(id: $id) { certificate { linkedInUrl } } }"""
    token = await token_for(world.individual_a, settings)
    data = await ok(client, query, {"id": gid("Enrollment", enrollment.id)}, token)
    url = data["enrollment"]["certificate"]["linkedInUrl"]
    # then the link is LinkedIn's, with every value encoded and read back intact
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in url
    assert "&Q" not in url
    assert "#" not in url
    params = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Leading Teams & Q&A: 100% #1",
        "organizationName": "Leadership Learning Portal",
        "issueYear": str(certificate.issued_at.year),
        "issueMonth": str(certificate.issued_at.month),
        "certUrl": f"https://llp.example/verify/{certificate.verification_code}",
        "certId": certificate.verification_code,
    }
    # and nobody else gets one: not staff for it, not an employee's or admin's assigned one
    staff = await token_for(world.staff, settings)
    data = await ok(client, query, {"id": gid("Enrollment", enrollment.id)}, staff)
    assert data["enrollment"]["certificate"]["linkedInUrl"] is None
    assigned = await assign(world)
    _ = await finish_before(world.employee_x, assigned, 99, clock=clock, settings=settings)
    for who in (world.employee_x, world.admin_x):
        token = await token_for(who, settings)
        data = await ok(client, query, {"id": gid("Enrollment", assigned.id)}, token)
        assert data["enrollment"]["certificate"]["linkedInUrl"] is None


async def test_withdrawal_takes_an_optional_reason(
    client: httpx.AsyncClient, world: World, clock: FakeClock, settings: Settings
) -> None:
    enrollment = await assign(world)
    _ = await finish_before(world.employee_x, enrollment, 99, clock=clock, settings=settings)
    code = (await Certificate.get(enrollment_id=enrollment.id)).verification_code
    admin = await token_for(world.admin_x, settings)
    remove = (
        """mutation($id: ID!, $r: String) { removeEnrollment(enrollmentId: $id, reason: $r) }"""
    )
    _ = await fails(
        client, "VALIDATION", remove, {"id": gid("Enrollment", enrollment.id), "r": "NOPE"}, admin
    )
    body = await post(
        client, remove, {"id": gid("Enrollment", enrollment.id), "r": "ISSUED_IN_ERROR"}, admin
    )
    assert body["data"]["removeEnrollment"] is True
    tomb = await WithdrawnCertificate.get(verification_code=code)
    assert (tomb.kind, tomb.reason) == ("WITHDRAWN", "ISSUED_IN_ERROR")
    found = (await ok(client, VERIFY, {"c": code}))["verifyCertificate"]
    assert found["status"] == "WITHDRAWN"
    assert found["replacedAt"] is None
