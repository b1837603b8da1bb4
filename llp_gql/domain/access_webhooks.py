"""Who may see or change a company's webhooks, and what an event may tell them.

Part of the one policy (``access``), kept apart so that ``access.py`` stays readable:
the same kinds of functions, the same NOT_FOUND for missing and not-yours.

- A company's subscriptions and their delivery logs are its active admins' alone
  (staff do not read them: the log holds the company's people and certificates).
- An event announces only what those admins may see through the API: an assignment
  of their company (never an individual's own SELF enrollment, DESIGN.md section 2),
  and the people of their company.
"""

from __future__ import annotations

from tortoise.queryset import QuerySet

from llp_gql.domain import access
from llp_gql.errors import Forbidden, NotFound
from llp_gql.models import Enrollment, EnrollmentSource, WebhookDelivery, WebhookSubscription


def may_manage_webhooks(viewer: access.Viewer, company_id: int) -> bool:
    """Create, disable and read the deliveries of the company's webhooks: its admins."""
    return access.is_company_admin(viewer, company_id)


def announced_company(enrollment: Enrollment) -> int | None:
    """The company an event about this enrollment goes to: the assigning company of an
    ASSIGNED enrollment (its admins may see it and download its certificate), none for
    an individual's own learning."""
    if enrollment.source != EnrollmentSource.ASSIGNED:
        return None
    return enrollment.company_id


def visible_webhooks(viewer: access.Viewer) -> QuerySet[WebhookSubscription]:
    """The subscriptions of the company the viewer administers; none for anyone else."""
    if viewer is not None and viewer.company_id is not None and access.is_company_admin(viewer):
        return WebhookSubscription.filter(company_id=viewer.company_id)
    return WebhookSubscription.filter(id__in=[])


def require_webhook_admin(viewer: access.Viewer) -> int:
    """The company whose webhooks the viewer manages: FORBIDDEN for anyone but its admin."""
    user = access.require_user(viewer)
    if user.company_id is None or not may_manage_webhooks(user, user.company_id):
        raise Forbidden("Only company admins can manage webhooks.")
    return user.company_id


async def access_webhook(viewer: access.Viewer, subscription_id: int) -> WebhookSubscription:
    """A subscription of the admin's own company: FORBIDDEN for anyone but a company
    admin, NOT_FOUND alike for a missing one and another company's."""
    _ = require_webhook_admin(viewer)
    subscription = await visible_webhooks(viewer).get_or_none(id=subscription_id)
    if subscription is None:
        raise NotFound("Webhook")
    return subscription


async def access_delivery(viewer: access.Viewer, delivery_id: int) -> WebhookDelivery:
    """A delivery of one of the admin's company's subscriptions (as ``access_webhook``)."""
    company_id = require_webhook_admin(viewer)
    delivery = await WebhookDelivery.get_or_none(
        id=delivery_id, subscription__company_id=company_id
    )
    if delivery is None:
        raise NotFound("WebhookDelivery")
    return delivery
