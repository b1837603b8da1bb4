"""Every kind of queue job and its handler: what the app's workers and `llp-gql work` run."""

from __future__ import annotations

from collections.abc import Mapping

from llp_gql.domain import (
    events,
    invitations,
    issuance,
    password_reset,
    queue,
    reminders,
    report_subscriptions,
    webhook_delivery,
)
from llp_gql.domain.clock import Clock, utcnow
from llp_gql.mail import jobs as mail_jobs
from llp_gql.models import Job
from llp_gql.settings import Settings


def handlers(settings: Settings, *, clock: Clock = utcnow) -> Mapping[str, queue.Handler]:
    """The handler of each job kind (add new kinds here: reminders, reports, webhooks)."""

    async def invite(job: Job) -> None:
        await invitations.send_invitation_job(job, settings=settings, clock=clock)

    async def render(job: Job) -> None:
        await issuance.render_job(job, settings=settings, clock=clock)

    async def reset_request(job: Job) -> None:
        await password_reset.request_reset_job(job, settings=settings, clock=clock)

    async def reminder_scan(job: Job) -> None:
        _ = await reminders.scan(settings=settings, clock=clock)

    async def weekly_reports(job: Job) -> None:
        _ = await report_subscriptions.send_weekly(settings=settings, clock=clock)

    async def deliver_webhook(job: Job) -> None:
        await webhook_delivery.deliver_job(job, settings=settings, clock=clock)

    return {
        **mail_jobs.handlers(settings, clock=clock),
        invitations.INVITE_JOB: invite,
        issuance.RENDER_JOB: render,
        password_reset.REQUEST_JOB: reset_request,
        reminders.SCAN_JOB: reminder_scan,
        report_subscriptions.WEEKLY_JOB: weekly_reports,
        events.DELIVER_JOB: deliver_webhook,
    }
