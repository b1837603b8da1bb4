"""Certificate templates (branding) and the keys that sign portable credentials."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from llp_gql.models.accounts import Company, User


class CertificateTemplate(Model):
    """A company's certificate settings; the row with no company is the platform default.

    ``version`` grows with every save and is copied into each certificate's snapshot."""

    id = fields.IntField(primary_key=True)
    company: fields.OneToOneNullableRelation[Company] = fields.OneToOneField(
        "models.Company", related_name=False, null=True, on_delete=fields.CASCADE
    )
    company_id: int | None
    version = fields.IntField(default=1)
    signatory_name = fields.CharField(max_length=200, default="")
    signatory_title = fields.CharField(max_length=200, default="")
    signature_image = fields.BinaryField(null=True)
    issuer_line = fields.CharField(max_length=300, default="")
    accent_colour = fields.CharField(max_length=7, default="")
    updated_at = fields.DatetimeField()
    updated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "certificate_template"


class SigningKey(Model):
    """An Ed25519 key of the issuer. Retired keys stay published so old credentials verify."""

    id = fields.IntField(primary_key=True)
    kid = fields.CharField(max_length=64, unique=True)
    # The private key, PKCS#8 PEM encrypted with a key derived from LLP_SECRET_KEY.
    private_pem = fields.TextField()
    public_multibase = fields.CharField(max_length=100)
    created_at = fields.DatetimeField()
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "signing_key"
