"""Staff read the embedded outbox: newest first, paged, each mail's text with working
links; nobody else reads it (its links are live)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from admin_ui.outbox import PAGE_SIZE, linkify
from llp_gql.domain import outbox
from llp_gql.domain.clock import FakeClock
from llp_gql.errors import Forbidden
from llp_gql.models import OutboxMail
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.factories import World


async def _mails(count: int, clock: FakeClock) -> list[OutboxMail]:
    return [
        await OutboxMail.create(
            message_id=f"<m{n}@llp.example>",
            recipient=f"person{n}@mail.example",
            subject=f"Mail number {n}",
            text=f"Hello <b>{n}</b>,\nopen https://llp.example/learn/reset?token=t{n}&kind=invite "
            "now.",
            html="<p>ignored here</p>",
            created_at=clock() + timedelta(minutes=n),
        )
        for n in range(count)
    ]


async def test_staff_read_the_outbox_newest_first_and_open_a_mail(
    client: httpx.AsyncClient, world: World, settings: Settings, clock: FakeClock
) -> None:
    mails = await _mails(PAGE_SIZE + 2, clock)
    await log_in(client, world.staff, settings)
    first = await client.get("/admin/staff/outbox")
    assert first.status_code == 200
    assert 'href="/admin/staff/outbox"' in first.text  # the nav link
    newest = f"Mail number {PAGE_SIZE + 1}"
    assert first.text.index(newest) < first.text.index(f"Mail number {PAGE_SIZE}")
    assert "Mail number 1<" not in first.text  # on page 2
    second = await client.get("/admin/staff/outbox?page=2")
    assert "Mail number 1<" in second.text
    assert "Mail number 0<" in second.text
    # a mail opens to its text: escaped, its link clickable
    opened = await client.get(f"/admin/staff/outbox/{mails[3].id}")
    assert opened.status_code == 200
    assert "&lt;b&gt;3&lt;/b&gt;" in opened.text
    assert '<a href="https://llp.example/learn/reset?token=t3&amp;kind=invite">' in opened.text
    assert (await client.get("/admin/staff/outbox/999999")).status_code == 404


@pytest.mark.parametrize("who", ["admin_x", "employee_x", "individual_a"])
async def test_nobody_but_staff_reads_the_outbox(
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    clock: FakeClock,
    who: str,
) -> None:
    [mail] = await _mails(1, clock)
    user = getattr(world, who)
    with pytest.raises(Forbidden):
        await outbox.mails(user, 1, 10)
    with pytest.raises(Forbidden):
        await outbox.mail(user, mail.id)
    await log_in(client, user, settings)
    for path in ("/admin/staff/outbox", f"/admin/staff/outbox/{mail.id}"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in {303, 403, 404}, path
        assert "Mail number 0" not in response.text


def test_linkify_escapes_everything_but_the_links() -> None:
    html = str(linkify('<script>x</script> see http://a.example/x?y=1&z="2" javascript:no ok'))
    assert html.startswith("&lt;script&gt;x&lt;/script&gt;")
    assert '<a href="http://a.example/x?y=1&amp;z=&#34;2&#34;">' in html
    # the only quotes are the href's own: no address can leave its attribute
    assert html.count('"') == 2
    assert html.count("<a ") == 1
