"""Weekly report mails: subscribe, unsubscribe, and the viewer's subscriptions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from llp_gql.domain import report_subscriptions
from llp_gql.schema.context import Info

if TYPE_CHECKING:
    from llp_gql.schema.reports import ReportSubscriptionType

Kind = Annotated[
    report_subscriptions.ReportKind, strawberry.argument(description="Which weekly mail.")
]
SubscriptionRef = Annotated["ReportSubscriptionType", strawberry.lazy("llp_gql.schema.reports")]


async def subscribe_to_report(info: Info, kind: Kind) -> SubscriptionRef:
    from llp_gql.schema.reports import ReportSubscriptionType

    context = info.context
    row = await report_subscriptions.subscribe(context.viewer, kind, clock=context.clock)
    return ReportSubscriptionType.from_model(row)


async def unsubscribe_from_report(info: Info, kind: Kind) -> bool:
    return await report_subscriptions.unsubscribe(info.context.viewer, kind)
