"""What deadline reminders and scheduled reports have been sent, so each goes once."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from llp_gql.models.accounts import User
from llp_gql.models.learning import Enrollment


class ReminderSent(Model):
    """One reminder offset done for one enrollment (e.g. "before:7d", "due", "overdue:2").

    The unique pair is what makes a reminder go once, however many workers and restarts."""

    id = fields.IntField(primary_key=True)
    enrollment: fields.ForeignKeyRelation[Enrollment] = fields.ForeignKeyField(
        "models.Enrollment", related_name=False, on_delete=fields.CASCADE
    )
    enrollment_id: int
    offset = fields.CharField(max_length=32)
    sent_at = fields.DatetimeField()

    class Meta:
        table = "reminder_sent"
        unique_together = (("enrollment", "offset"),)


class ReminderDay(Model):
    """A person was mailed reminders on this (UTC) day: at most one such mail a day."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    day = fields.DateField()

    class Meta:
        table = "reminder_day"
        unique_together = (("user", "day"),)


class ReportSubscription(Model):
    """An admin's weekly mail: "digest" (who is overdue) or "compliance" (the CSV report)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=16)
    # The report's filters (same names as the matrix's), for "compliance".
    filters: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()
    # The ISO week ("2026-W49") last sent: one mail per subscription and week.
    last_sent_week = fields.CharField(max_length=10, null=True)

    class Meta:
        table = "report_subscription"
        unique_together = (("user", "kind"),)
