"""The durable queue of after-commit work (``llp_gql.domain.queue``) and the mail outbox."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class JobState(StrEnum):
    QUEUED = "QUEUED"  # waiting for ``run_after``
    RUNNING = "RUNNING"  # claimed; ``run_after`` is the end of the lease
    DONE = "DONE"
    DEAD = "DEAD"  # out of attempts; kept with its last error for a person to look at


class Job(Model):
    """One unit of background work, idempotent by ``key``.

    No foreign keys: a job may outlive what caused it (a person removed before
    their mail went out), and its handler decides what that means."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=64)
    # Enqueueing the same key twice is a no-op: the unique constraint decides.
    key = fields.CharField(max_length=200, unique=True)
    payload: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    state = fields.CharEnumField(JobState, max_length=8, default=JobState.QUEUED)
    attempts = fields.IntField(default=0)
    # Not claimable before this: the next try (QUEUED) or the end of the lease (RUNNING).
    run_after = fields.DatetimeField()
    # Who holds the lease: finishing a job checks it, so a worker whose lease ran out
    # and was taken over cannot mark the other's run as its own.
    claim_token = fields.CharField(max_length=64, null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "job"
        indexes = (("state", "run_after"),)


class OutboxMail(Model):
    """A mail "sent" to the embedded outbox (no SMTP server configured): the demo's
    and a small installation's way to read what the service would have mailed."""

    id = fields.IntField(primary_key=True)
    # The Message-ID, unique: storing the same job's mail twice is impossible.
    message_id = fields.CharField(max_length=200, unique=True)
    recipient = fields.CharField(max_length=254, db_index=True)
    subject = fields.CharField(max_length=300)
    text = fields.TextField()
    html = fields.TextField()
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "outbox_mail"
        ordering = ["-id"]
