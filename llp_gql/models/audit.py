"""The append-only audit log.

It holds ids and labels, never foreign keys, so rows survive the deletion of
the people and objects they describe.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    action = fields.CharField(max_length=64)
    actor_id = fields.IntField(null=True)
    actor_email = fields.CharField(max_length=254, null=True)
    # The company whose admins may read this row (None: staff only).
    company_id = fields.IntField(null=True, db_index=True)
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField(null=True)
    details: fields.Field[dict[str, object]] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"
        ordering = ["-id"]
