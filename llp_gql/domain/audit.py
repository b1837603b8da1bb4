"""Writing to the append-only audit log (DESIGN.md section 3, "Audit")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from llp_gql.domain.clock import utcnow
from llp_gql.domain.principals import key_of
from llp_gql.models import AuditEvent, User
from llp_gql.observability import client_address_var

# The actions the log knows; free text would make the log unqueryable.
ASSIGNED = "enrollment.assigned"
ENROLLED = "enrollment.self_enrolled"
ENROLLMENT_REMOVED = "enrollment.removed"
CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_DOWNLOADED = "certificate.downloaded"
CERTIFICATES_EXPORTED = "certificate.exported"
REPORT_DOWNLOADED = "report.downloaded"
CERTIFICATE_REISSUED = "certificate.reissued"
TEMPLATE_SAVED = "certificate.template_saved"
CREDIT_HOURS_SET = "course.credit_hours_set"
ATTEMPTS_GRANTED = "quiz.attempts_granted"
EMPLOYEE_CREATED = "account.employee_created"
EMPLOYEE_INVITED = "account.employee_invited"
INVITATION_RESENT = "account.invitation_resent"
EMPLOYEE_REMOVED = "account.employee_removed"
ACCOUNT_DELETED = "account.deleted"
EMPLOYEE_DEACTIVATED = "account.employee_deactivated"
EMPLOYEE_REACTIVATED = "account.employee_reactivated"
ADMIN_GRANTED = "account.admin_granted"
ADMIN_REVOKED = "account.admin_revoked"
USER_RENAMED = "account.renamed"
PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 - an action name, not a secret
PASSWORD_RESET_REQUESTED = "account.password_reset_requested"  # noqa: S105 - an action name
PASSWORD_RESET = "account.password_reset"  # noqa: S105 - an action name, not a secret
LOGGED_OUT_EVERYWHERE = "account.logged_out_everywhere"
COMPANY_CREATED = "company.created"
LOGO_UPLOADED = "company.logo_uploaded"
COURSE_PUBLISHED = "course.published"
COURSE_ARCHIVED = "course.archived"
EMPLOYEES_IMPORTED = "employees.imported"
GROUP_CREATED = "group.created"
GROUP_RENAMED = "group.renamed"
GROUP_DELETED = "group.deleted"
EMPLOYEE_GROUP_SET = "account.group_set"
DUE_DATE_SET = "enrollment.due_date_set"
API_KEY_CREATED = "api_key.created"
API_KEY_REVOKED = "api_key.revoked"


def _actor_details(actor: User | None) -> dict[str, object]:
    """An API key acting is named by its id (its label is the actor's email)."""
    key = key_of(actor)
    return {"api_key_id": key.id} if key is not None else {}


WEBHOOK_CREATED = "webhook.created"
WEBHOOK_DISABLED = "webhook.disabled"
WEBHOOK_RESENT = "webhook.delivery_resent"


async def record(
    action: str,
    *,
    actor: User | None,
    subject_type: str,
    subject_id: int | None,
    company_id: int | None = None,
    details: dict[str, object] | None = None,
    at: datetime | None = None,
) -> None:
    """Append one event. Call it inside the transaction of the action it records,
    so that an action and its audit row commit or roll back together.

    Inside a request the client's address (as ``llp_gql.client_address`` resolved
    it, forwarded headers believed only from trusted proxies) is kept with it."""
    address = client_address_var.get()
    details = {**(details or {}), **_actor_details(actor)}
    if address is not None:
        details["client_address"] = address
    _ = await AuditEvent.create(
        at=at or utcnow(),
        action=action,
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        company_id=company_id,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details or {},
    )


@dataclass(frozen=True, slots=True)
class Event:
    """One row of ``record_many``."""

    action: str
    subject_type: str
    subject_id: int | None
    details: dict[str, object] = field(default_factory=dict)


async def record_many(
    events: Sequence[Event],
    *,
    actor: User | None,
    company_id: int | None,
    at: datetime,
    connection: BaseDBAsyncClient,
) -> None:
    """``record`` for thousands of events of one action (an import's assignments):
    batched INSERTs in ``connection``'s transaction."""
    address = client_address_var.get()
    extra: dict[str, object] = {"client_address": address} if address is not None else {}
    extra.update(_actor_details(actor))
    await AuditEvent.bulk_create(
        [
            AuditEvent(
                at=at,
                action=event.action,
                actor_id=actor.id if actor else None,
                actor_email=actor.email if actor else None,
                company_id=company_id,
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                details={**event.details, **extra},
            )
            for event in events
        ],
        batch_size=500,
        using_db=connection,
    )
