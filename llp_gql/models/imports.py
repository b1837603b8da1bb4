"""Uploaded employee CSV files between their preview and their application."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from llp_gql.models.accounts import Company, User


class EmployeeImport(Model):
    """One uploaded file: previewed first, applied at most once (idempotent by ``applied_at``).

    The admin UI stores the file here so that "Apply" applies exactly the file that
    was previewed; housekeeping deletes rows a day old. The GraphQL mutation is
    stateless (``importEmployees(csv, dryRun)``) and does not use this table.
    """

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    company_id: int
    uploaded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    uploaded_by_id: int | None
    filename = fields.CharField(max_length=255)
    content = fields.TextField()
    sha256 = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(db_index=True)
    applied_at = fields.DatetimeField(null=True)

    class Meta:
        table = "employee_import"
