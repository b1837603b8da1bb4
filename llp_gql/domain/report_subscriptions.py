"""Admins' weekly mails: the overdue digest and the compliance report (DESIGN.md 4c).

- **Opt-in.** Nobody gets either mail until they subscribe (GraphQL
  ``subscribeToReport`` or the admin UI's Notifications page): mail nobody asked
  for is noise, and a company's first admin did not choose these mails.
  Company Admins only (``access.may_receive_reports``), checked again at every
  send: a demoted or deactivated admin's subscription simply goes quiet.
- **Once per subscription and ISO week.** The ``reports.weekly`` job is queued
  every hour (``schedule``, key per hour); for each subscription not yet sent this
  week it runs a conditional ``UPDATE ... SET last_sent_week = W WHERE
  last_sent_week IS DISTINCT FROM W``: the one run whose UPDATE changed the row
  queues the mail, in the same transaction. Two runs at once send it once.
  So the mail goes out in the first hour of each Monday (UTC), and a new
  subscriber's first one within the hour.
- **No personal data attached.** The digest names the first
  ``LLP_DIGEST_MAX_NAMES`` overdue people (the admin sees them anyway) and links
  to the matrix filtered to overdue; the compliance mail is a summary and a link
  to the report page, never the report itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from llp_gql.domain import access, queue
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.domain.deadlines import with_overdue
from llp_gql.errors import Forbidden
from llp_gql.mail.compose import MAIL_JOB, Mail, render
from llp_gql.models import Company, Enrollment, ReportSubscription, User
from llp_gql.settings import Settings

WEEKLY_JOB = "reports.weekly"
COMPLIANCE_PAGE = "/admin/reports/compliance"
OVERDUE_MATRIX = "/admin/progress?overdue=1&people=active"


class ReportKind(StrEnum):
    DIGEST = "digest"
    COMPLIANCE = "compliance"


def iso_week(moment: datetime) -> str:
    """'2026-W02': the ISO week of ``moment`` in UTC."""
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


async def schedule(*, clock: Clock = utcnow) -> None:
    """Queue this hour's run (a no-op when it is queued already)."""
    hour = clock().astimezone(UTC).strftime("%Y-%m-%dT%H")
    await queue.enqueue(WEEKLY_JOB, {"hour": hour}, key=f"{WEEKLY_JOB}:{hour}", clock=clock)


# -- subscribing -------------------------------------------------------------------------


async def subscriptions_of(viewer: access.Viewer) -> list[ReportSubscription]:
    """The viewer's own subscriptions, by kind; none for people who may not receive them."""
    user = access.require_user(viewer)
    if not access.may_receive_reports(user):
        return []
    return list(await ReportSubscription.filter(user_id=user.id).order_by("kind"))


async def subscribe(
    viewer: access.Viewer, kind: ReportKind, *, clock: Clock = utcnow
) -> ReportSubscription:
    """Subscribe the viewer to ``kind`` (idempotent: subscribing twice keeps one row)."""
    user = access.require_user(viewer)
    if not access.may_receive_reports(user):
        raise Forbidden("Only company admins receive the weekly reports.")
    existing = await ReportSubscription.get_or_none(user_id=user.id, kind=kind.value)
    if existing is not None:
        return existing
    try:
        return await ReportSubscription.create(
            user_id=user.id, kind=kind.value, filters={}, created_at=clock()
        )
    except IntegrityError:  # the same request twice at once: the unique pair decided
        return await ReportSubscription.get(user_id=user.id, kind=kind.value)


async def unsubscribe(viewer: access.Viewer, kind: ReportKind) -> bool:
    """Stop ``kind`` for the viewer; True when they were subscribed."""
    user = access.require_user(viewer)
    if not access.may_receive_reports(user):
        raise Forbidden("Only company admins receive the weekly reports.")
    deleted: int = await ReportSubscription.filter(user_id=user.id, kind=kind.value).delete()
    return deleted > 0


# -- what the mails say ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverduePerson:
    name: str
    courses: int


@dataclass(frozen=True, slots=True)
class Overdue:
    enrollments: int
    people: int
    first: list[OverduePerson]


async def overdue_summary(company_id: int, now: datetime, limit: int) -> Overdue:
    """Who of the company's active people is overdue: counts and the first ``limit``
    names (by name), each with their number of overdue courses. Four queries."""
    late = with_overdue(Enrollment.filter(company_id=company_id), True, now).filter(
        learner__deactivated_at__isnull=True
    )
    people = User.filter(id__in=Subquery(late.values("learner_id")))
    first = await people.order_by("name", "id").limit(limit).values_list("id", "name")
    counts = Counter(
        await late.filter(learner_id__in=[pid for pid, _ in first]).values_list(
            "learner_id", flat=True
        )
    )
    return Overdue(
        enrollments=await late.count(),
        people=await people.count(),
        first=[OverduePerson(str(name), counts[pid]) for pid, name in first],
    )


async def compliance_summary(company_id: int, now: datetime) -> dict[str, int]:
    """Counts over the company's assignments: total, completed, overdue, open on time."""
    assigned = Enrollment.filter(company_id=company_id)
    total = await assigned.count()
    completed = await assigned.filter(completed_at__isnull=False).count()
    overdue = await with_overdue(assigned, True, now).count()
    return {
        "total": total,
        "completed": completed,
        "overdue": overdue,
        "open": total - completed - overdue,
    }


async def _compose(
    subscription: ReportSubscription,
    user: User,
    company: Company,
    settings: Settings,
    now: datetime,
) -> Mail:
    base = settings.public_base_url
    week = iso_week(now)
    context: dict[str, object] = {"name": user.name, "company": company.name, "week": week}
    if subscription.kind == ReportKind.DIGEST:
        summary = await overdue_summary(company.id, now, settings.digest_max_names)
        context |= {"overdue": summary, "link": base + OVERDUE_MATRIX}
        subject = f"Weekly digest for {company.name}: " + (
            f"{summary.people} overdue" if summary.people else "nobody overdue"
        )
        return render("digest", to=user.email, context=context, subject=subject)
    context |= {
        "counts": await compliance_summary(company.id, now),
        "link": base + COMPLIANCE_PAGE,
    }
    subject = f"Weekly compliance report for {company.name} ({week})"
    return render("compliance", to=user.email, context=context, subject=subject)


def _not_sent(week: str) -> Q:
    return Q(last_sent_week__isnull=True) | ~Q(last_sent_week=week)


async def send_weekly(*, settings: Settings, clock: Clock = utcnow) -> int:
    """Queue this week's mail of every subscription not yet sent; how many this run sent."""
    now = clock()
    week = iso_week(now)
    due = await ReportSubscription.filter(_not_sent(week)).order_by("id")
    users = {u.id: u for u in await User.filter(id__in={s.user_id for s in due})}
    companies = {
        c.id: c
        for c in await Company.filter(id__in={u.company_id for u in users.values()}).only(
            "id", "name"
        )
    }
    sent = 0
    for subscription in due:
        user = users.get(subscription.user_id)
        if user is None or not access.may_receive_reports(user) or user.company_id is None:
            continue
        mail = await _compose(subscription, user, companies[user.company_id], settings, now)
        async with in_transaction() as db:
            won = (
                await ReportSubscription.filter(_not_sent(week), id=subscription.id)
                .using_db(db)
                .update(last_sent_week=week)
            )
            if won != 1:
                continue  # another run sent it this week
            await queue.enqueue(
                MAIL_JOB,
                mail.payload(),
                key=f"mail:report:{subscription.id}:{week}",
                connection=db,
                clock=clock,
            )
            sent += 1
    return sent
