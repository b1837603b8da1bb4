"""Re-issuing a certificate (corrections, DESIGN.md 4): who may, what is left behind, races."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from tortoise.context import tortoise_test_context

from llp_gql.db import MODEL_MODULES
from llp_gql.domain import audit, certificates, corrections, enrollments, issuance, membership
from llp_gql.domain.certificates import Reason, VerificationStatus
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import Conflict, Forbidden, LimitExceeded, NotFound, ValidationFailed
from llp_gql.models import (
    AuditEvent,
    Certificate,
    Enrollment,
    Job,
    User,
    WebhookDelivery,
    WebhookSubscription,
    WithdrawnCertificate,
)
from llp_gql.settings import Settings
from tests.conftest import ON_POSTGRES, fresh_database
from tests.domain import assign, enroll_self, finish_before
from tests.factories import World, build_world


async def _issued(
    world: World, learner: User, enrollment: Enrollment, clock: FakeClock, settings: Settings
) -> Certificate:
    _ = await finish_before(learner, enrollment, 99, clock=clock, settings=settings)
    return await Certificate.get(enrollment_id=enrollment.id)


async def _assigned_certificate(world: World, clock: FakeClock, settings: Settings) -> Certificate:
    enrollment = await assign(world)
    return await _issued(world, world.employee_x, enrollment, clock, settings)


async def _own_certificate(world: World, clock: FakeClock, settings: Settings) -> Certificate:
    enrollment = await enroll_self(world)
    return await _issued(world, world.individual_a, enrollment, clock, settings)


async def test_an_admin_reissue_replaces_the_code_and_keeps_nothing_personal(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an employee's certificate, then a corrected name and a webhook subscriber
    old = await _assigned_certificate(world, clock, settings)
    _ = await WebhookSubscription.create(
        company_id=world.company_x.id,
        url="https://hooks.acme.example/llp",
        secret="s" * 32,
        events="certificate.replaced",
        created_at=clock(),
    )
    await membership.rename_user(world.admin_x, world.employee_x.id, "Emma Nuñez-Ortiz")
    clock.advance(3600)
    # when the admin re-issues it
    new = await corrections.reissue_certificate(
        world.admin_x, old.id, Reason.NAME_CORRECTION, settings=settings, clock=clock
    )
    # then a new certificate with a new code and the current name exists, same completion date
    assert new.id != old.id
    assert new.verification_code != old.verification_code
    assert new.learner_name == "Emma Nuñez-Ortiz"
    assert new.issued_at == old.issued_at
    assert await Certificate.filter(enrollment_id=old.enrollment_id).count() == 1
    # and the old code verifies as REPLACED with the date only
    found = await certificates.verify(old.verification_code)
    assert found.status == VerificationStatus.REPLACED
    assert found.withdrawn_at == clock.now
    assert (found.learner_name, found.course_title, found.company_name) == (None, None, None)
    tomb = await WithdrawnCertificate.get(verification_code=old.verification_code)
    assert (tomb.kind, tomb.reason, tomb.status_index) == ("REPLACED", "NAME_CORRECTION", old.id)
    # and the new one verifies VALID with the new name
    assert (await certificates.verify(new.verification_code)).learner_name == "Emma Nuñez-Ortiz"
    # and its PDF is queued, the company's webhook is told, the audit has it
    assert await Job.filter(key=f"certificate:render:{new.id}").exists()
    delivery = await WebhookDelivery.get(event_type="certificate.replaced")
    data = delivery.payload["data"]
    assert isinstance(data, dict)
    assert (data["certificateId"], data["replacedCertificateId"]) == (new.id, old.id)
    event = await AuditEvent.get(action=audit.CERTIFICATE_REISSUED)
    assert event.actor_id == world.admin_x.id
    assert event.subject_id == new.id
    assert event.details["reason"] == "NAME_CORRECTION"
    assert (
        event.details["old_code_sha256"]
        == hashlib.sha256(old.verification_code.encode()).hexdigest()
    )
    assert old.verification_code not in str(event.details)


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("employee_x", Forbidden),  # the learner of an assigned course: the company's record
        ("staff", Forbidden),  # support is read-only
        ("admin_y", NotFound),  # another company's: as if it did not exist
        ("individual_b", NotFound),
    ],
)
async def test_only_the_assigning_company_admins_reissue_an_assigned_certificate(
    world: World, clock: FakeClock, settings: Settings, who: str, error: type[Exception]
) -> None:
    old = await _assigned_certificate(world, clock, settings)
    with pytest.raises(error):
        await corrections.reissue_certificate(
            world.users()[who], old.id, Reason.OTHER, settings=settings, clock=clock
        )
    assert await Certificate.filter(id=old.id).exists()
    assert not await WithdrawnCertificate.exists()


async def test_an_individual_reissues_their_own_only_after_a_rename(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an individual's own certificate and no rename
    old = await _own_certificate(world, clock, settings)
    # when they re-issue it unchanged: refused, nothing stored (no silent hand-over)
    with pytest.raises(ValidationFailed):
        await corrections.reissue_certificate(
            world.individual_a, old.id, Reason.NAME_CORRECTION, settings=settings, clock=clock
        )
    assert await Certificate.filter(id=old.id).exists()
    # when they correct their name first, it works
    await membership.rename_user(world.individual_a, world.individual_a.id, "Ann Índividual")
    new = await corrections.reissue_certificate(
        world.individual_a, old.id, Reason.NAME_CORRECTION, settings=settings, clock=clock
    )
    assert new.learner_name == "Ann Índividual"
    event = await AuditEvent.get(action=audit.CERTIFICATE_REISSUED)
    assert event.details["by_learner"] is True


async def test_self_reissues_are_limited_per_year(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    # given a limit of two a year
    settings = settings.replace(self_reissues_per_year=2)
    certificate = await _own_certificate(world, clock, settings)
    for name in ("Ann One", "Ann Two"):
        await membership.rename_user(world.individual_a, world.individual_a.id, name)
        certificate = await corrections.reissue_certificate(
            world.individual_a, certificate.id, Reason.OTHER, settings=settings, clock=clock
        )
    # when a third follows within the year: its own code, nothing stored
    await membership.rename_user(world.individual_a, world.individual_a.id, "Ann Three")
    with pytest.raises(LimitExceeded) as refused:
        await corrections.reissue_certificate(
            world.individual_a, certificate.id, Reason.OTHER, settings=settings, clock=clock
        )
    assert refused.value.extensions()["code"] == "SELF_REISSUE_LIMIT"
    assert await Certificate.filter(id=certificate.id).exists()
    # and a year after the first, it is allowed again
    clock.advance(timedelta(days=366).total_seconds())
    new = await corrections.reissue_certificate(
        world.individual_a, certificate.id, Reason.OTHER, settings=settings, clock=clock
    )
    assert new.learner_name == "Ann Three"


async def test_reissuing_a_replaced_certificate_is_a_conflict_or_not_found(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    old = await _assigned_certificate(world, clock, settings)
    _ = await corrections.reissue_certificate(
        world.admin_x, old.id, Reason.TEMPLATE_UPDATE, settings=settings, clock=clock
    )
    with pytest.raises(NotFound):
        await corrections.reissue_certificate(
            world.admin_x, old.id, Reason.TEMPLATE_UPDATE, settings=settings, clock=clock
        )
    assert await WithdrawnCertificate.filter(kind="REPLACED").count() == 1


async def test_withdrawal_keeps_its_reason_and_status_index(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    old = await _assigned_certificate(world, clock, settings)
    await enrollments.remove_enrollment(
        world.admin_x, old.enrollment_id, clock=clock, reason=Reason.ISSUED_IN_ERROR
    )
    tomb = await WithdrawnCertificate.get(verification_code=old.verification_code)
    assert (tomb.kind, tomb.reason, tomb.status_index) == ("WITHDRAWN", "ISSUED_IN_ERROR", old.id)
    assert (await certificates.verify(old.verification_code)).status == "WITHDRAWN"


def test_reason_codes_are_checked() -> None:
    assert certificates.parse_reason(" name_correction ", required=True) == Reason.NAME_CORRECTION
    assert certificates.parse_reason(None, required=False) is None
    for bad in ("", "because", "WITHDRAWN"):
        with pytest.raises(ValidationFailed):
            certificates.parse_reason(bad, required=True)


async def test_the_new_certificate_renders_from_its_own_snapshot(
    world: World, clock: FakeClock, settings: Settings
) -> None:
    old = await _assigned_certificate(world, clock, settings)
    new = await corrections.reissue_certificate(
        world.admin_x, old.id, Reason.TEMPLATE_UPDATE, settings=settings, clock=clock
    )
    pdf = await issuance.ensure_pdf(new, settings=settings)
    assert pdf.startswith(b"%PDF")
    assert new.sha256 == hashlib.sha256(pdf).hexdigest()


# -- two re-issues at once (PostgreSQL in CI: LLP_TEST_DATABASE_URL) --------------------------


@pytest_asyncio.fixture
async def race_world(tmp_path: Path) -> AsyncIterator[World]:
    if ON_POSTGRES:
        async with fresh_database():
            yield await build_world()
        return
    async with tortoise_test_context(MODEL_MODULES, db_url=f"sqlite://{tmp_path / 'race.sqlite3'}"):
        yield await build_world()


async def test_two_concurrent_reissues_make_one_certificate_and_one_tombstone(
    race_world: World, clock: FakeClock, settings: Settings
) -> None:
    # given an employee's certificate
    world = race_world
    old = await _assigned_certificate(world, clock, settings)
    # when two admins' requests re-issue it at the same moment
    results = await asyncio.gather(
        *(
            corrections.reissue_certificate(
                world.admin_x, old.id, Reason.NAME_CORRECTION, settings=settings, clock=clock
            )
            for _ in range(2)
        ),
        return_exceptions=True,
    )
    # then one wins, the other is told it happened a moment ago (or finds it gone)
    won = [r for r in results if isinstance(r, Certificate)]
    lost = [r for r in results if isinstance(r, BaseException)]
    print(f"reissue race on {'postgres' if ON_POSTGRES else 'sqlite'}: {results!r}")
    assert len(won) == 1
    assert len(lost) == 1
    assert isinstance(lost[0], Conflict | NotFound)
    # and exactly one new certificate and one tombstone exist
    assert await Certificate.filter(enrollment_id=old.enrollment_id).count() == 1
    assert (await Certificate.get(enrollment_id=old.enrollment_id)).id == won[0].id
    assert await WithdrawnCertificate.filter(verification_code=old.verification_code).count() == 1
    assert await AuditEvent.filter(action=audit.CERTIFICATE_REISSUED).count() == 1
