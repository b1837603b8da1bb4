"""Issued certificates (with their snapshot and PDF) and withdrawal tombstones."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from llp_gql.models.learning import Enrollment


class Certificate(Model):
    id = fields.IntField(primary_key=True)
    # One per enrollment, enforced by the database however many requests race.
    enrollment: fields.OneToOneRelation[Enrollment] = fields.OneToOneField(
        "models.Enrollment", related_name="certificate", on_delete=fields.CASCADE
    )
    enrollment_id: int
    verification_code = fields.CharField(max_length=64, unique=True)
    # The snapshot: later renames never change an issued certificate.
    learner_name = fields.CharField(max_length=200)
    learner_email = fields.CharField(max_length=254)
    course_title = fields.CharField(max_length=200)
    company_name = fields.CharField(max_length=200, null=True)
    company_logo = fields.BinaryField(null=True)
    issued_at = fields.DatetimeField()
    template_version = fields.IntField()
    # The template as printed (signatory, issuer line, accent colour, hours), so a
    # later template change never alters an issued certificate.
    template: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    signature_image = fields.BinaryField(null=True)
    pdf = fields.BinaryField()
    sha256 = fields.CharField(max_length=64, db_index=True)

    class Meta:
        table = "certificate"


class WithdrawnCertificate(Model):
    """What is left of a removed or replaced certificate: enough to answer WITHDRAWN or
    REPLACED (with the date), nothing personal."""

    id = fields.IntField(primary_key=True)
    verification_code = fields.CharField(max_length=64, unique=True)
    sha256 = fields.CharField(max_length=64, db_index=True)
    issued_at = fields.DatetimeField()
    withdrawn_at = fields.DatetimeField()
    # "WITHDRAWN" or "REPLACED" (re-issued under a new code after a correction).
    kind = fields.CharField(max_length=16, default="WITHDRAWN")
    # The reason code given by whoever withdrew or re-issued it.
    reason = fields.CharField(max_length=32, null=True)
    # The certificate's former id: its bit in the credential status list.
    status_index = fields.IntField(null=True)

    class Meta:
        table = "withdrawn_certificate"
