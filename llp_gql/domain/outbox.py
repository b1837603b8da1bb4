"""The embedded outbox, read by staff: what the service "sent" without an SMTP server.

With no ``LLP_SMTP_HOST`` every mail lands in ``outbox_mail`` instead (demo and small
installations); staff read it in the admin UI to hand a link over or check what went
out. Its mails hold working links (invitations, resets), so reading it is for staff
only (``access.may_read_outbox``).
"""

from __future__ import annotations

from llp_gql.domain import access
from llp_gql.domain.paging import Page, fetch_page
from llp_gql.errors import Forbidden, NotFound
from llp_gql.models import OutboxMail


def _require_reader(viewer: access.Viewer) -> None:
    if not access.may_read_outbox(access.require_user(viewer)):
        raise Forbidden("Only staff can read the outbox.")


async def mails(viewer: access.Viewer, page: int, size: int) -> Page[OutboxMail]:
    """One page of the outbox, newest first."""
    _require_reader(viewer)
    return await fetch_page(OutboxMail.all(), page, size, order_by=("-id",))


async def mail(viewer: access.Viewer, mail_id: int) -> OutboxMail:
    """One mail of the outbox; NOT_FOUND for an id that does not exist."""
    _require_reader(viewer)
    found = await OutboxMail.get_or_none(id=mail_id)
    if found is None:
        raise NotFound("Mail")
    return found
