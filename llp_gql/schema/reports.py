"""Weekly report mails: a subscription, and the mutations that start and stop one.
``Mutation`` (schema/root.py) inherits ``ReportMutations``; bodies in resolvers/."""

from __future__ import annotations

from datetime import datetime

import strawberry

from llp_gql.models import ReportSubscription
from llp_gql.resolvers import reports as report_resolvers
from llp_gql.schema.enums import ReportKind
from llp_gql.schema.wording import _LOGGED_IN, authenticated


@strawberry.type(
    name="ReportSubscription",
    description="A weekly mail you receive (see ReportKind): sent once per ISO week, in the "
    "first hour of Monday (UTC), the first one within the hour of subscribing.",
)
class ReportSubscriptionType:
    kind: ReportKind = strawberry.field(description="Which mail.")
    subscribed_at: datetime = strawberry.field(description="When you subscribed.")
    last_sent_week: str | None = strawberry.field(
        description="The ISO week (e.g. 2026-W02) of the last mail sent; null before the first."
    )

    @classmethod
    def from_model(cls, row: ReportSubscription) -> ReportSubscriptionType:
        return cls(
            kind=ReportKind(row.kind),
            subscribed_at=row.created_at,
            last_sent_week=row.last_sent_week,
        )


_ADMINS = " Company admins only (FORBIDDEN for others)."


@strawberry.type(description="Mutations about report mails (merged into Mutation).")
class ReportMutations:
    subscribe_to_report: ReportSubscriptionType = strawberry.mutation(
        resolver=report_resolvers.subscribe_to_report,
        permission_classes=authenticated,
        description="Receive a weekly mail (the overdue digest or the compliance summary). "
        "Subscribing again keeps the one subscription." + _ADMINS + _LOGGED_IN,
    )
    unsubscribe_from_report: bool = strawberry.mutation(
        resolver=report_resolvers.unsubscribe_from_report,
        permission_classes=authenticated,
        description="Stop a weekly mail; true when you were subscribed, false when you were "
        "not." + _ADMINS + _LOGGED_IN,
    )
