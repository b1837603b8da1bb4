"""B9: admin pages cost the same for a small company and a grown one, and none reads
every row of the company into Python.

Each page is opened twice: with the scene's small company X (3 people, 2 enrollments),
then after ``GROWTH`` more employees with enrollments (three in four certified) and,
for pages that list other rows, as many of those (keys, webhooks, deliveries). Every
statement the request sends is counted (``QueryLog``) with the rows it handed back:

- the same number of statements both times (no statement per row);
- no statement hands back more than ``ROW_BOUND`` rows (the largest page a page reads:
  25 rows and one to say whether more follow), fewer than ``GROWTH``: what a page reads
  of the company is a COUNT or a LIMITed page, never every enrollment, person or
  certificate.

The API keys and webhooks lists show every key and webhook of the company (revoked and
disabled ones too; at most 20 of each are active): their own rows are exempt from the
row bound, not from the statement count.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from llp_gql.domain import events
from llp_gql.domain.clock import FakeClock
from llp_gql.models import (
    ApiKey,
    DeliveryState,
    ReportSubscription,
    WebhookDelivery,
    WebhookSubscription,
)
from llp_gql.settings import Settings
from tests.admin_ui import Scene, add_employees, log_in
from tests.api.test_query_counts import METHODS, QueryLog

GROWTH = 40
ROW_BOUND = 26
# Pages that show enrollments as rows (one page of them); every other page only counts.
SHOW_ENROLLMENTS = ("/admin/progress", "/admin/reports/compliance")


class RowLog(QueryLog):
    """``QueryLog`` that also keeps how many rows each counted statement handed back."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, int] = {}

    def wrap(self, method: Callable[..., Any]) -> Callable[..., Any]:
        counted = super().wrap(method)

        @functools.wraps(method)
        async def with_rows(client: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            index = len(self.statements)
            result = await counted(client, query, *args, **kwargs)
            if len(self.statements) > index and index not in self.rows:  # this one was counted
                self.rows[index] = _rows_in(result)
            return result

        return with_rows


def _rows_in(result: Any) -> int:
    """Rows of ``execute_query`` ((count, rows)) or ``execute_query_dict`` (rows)."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], list | tuple):
        return len(result[1])
    return len(result) if isinstance(result, list) else 0


@pytest.fixture
def sql(monkeypatch: pytest.MonkeyPatch) -> RowLog:
    log = RowLog()
    todo: list[type] = [BaseDBAsyncClient]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        for name in METHODS:
            if name in cls.__dict__:
                monkeypatch.setattr(cls, name, log.wrap(cls.__dict__[name]))
    return log


Sent = list[tuple[str, int]]  # (statement, rows handed back)


async def sent(client: httpx.AsyncClient, sql: RowLog, path: str) -> Sent:
    sql.statements.clear()
    sql.rows.clear()
    sql.active = True
    try:
        response = await client.get(path)
    finally:
        sql.active = False
    assert response.status_code == 200, path
    return [(statement, sql.rows.get(i, 0)) for i, statement in enumerate(sql.statements)]


def main_table(statement: str) -> str:
    """The table a statement reads, its subqueries left out."""
    flat = statement
    while True:
        inner = re.sub(r"\([^()]*\)", "", flat)
        if inner == flat:
            break
        flat = inner
    found = re.search(r'\bFROM "(\w+)"', flat)
    return found.group(1) if found else ""


def listing(statements: Sent) -> str:
    return "\n".join(f"  {n:4} rows  {sql[:240]}" for sql, n in statements)


def assert_bounded(path: str, small: Sent, grown: Sent, *, whole: str = "") -> None:
    """Same statement count; no statement hands back more than ROW_BOUND rows (except
    rows of the ``whole`` table, a list the page shows in full by design)."""
    assert len(grown) == len(small), (
        f"{path}: {len(small)} statements, then {len(grown)} after growing:\n{listing(grown)}"
    )
    wide = [(sql, n) for sql, n in grown if n > ROW_BOUND and main_table(sql) != whole]
    assert wide == [], f"{path} reads every row:\n{listing(wide)}"


def employee_counts(html: str) -> dict[str, tuple[int, int]]:
    """The employee list's rows: email -> (courses, completed)."""
    counts = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        email = re.search(r"<span>([^<@]+@[^<]+)</span>", row)
        numbers = re.findall(r'<td class="num hide-sm">(\d+)</td>', row)
        if email and len(numbers) == 2:
            counts[email.group(1)] = (int(numbers[0]), int(numbers[1]))
    return counts


async def grow(scene: Scene, clock: FakeClock) -> None:
    _ = await add_employees(scene.world, GROWTH, clock=clock)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/progress",
        "/admin/employees",
        "/admin/employees?q=acme",
        "/admin/export",
        "/admin/export?q=acme",
        "/admin/reports/compliance",
        "/admin/notifications",
    ],
)
async def test_a_company_page_costs_the_same_for_3_and_43_people(
    client: httpx.AsyncClient,
    settings: Settings,
    scene: Scene,
    clock: FakeClock,
    sql: RowLog,
    path: str,
) -> None:
    admin = scene.world.admin_x
    for kind in ("DIGEST", "COMPLIANCE"):
        _ = await ReportSubscription.create(user=admin, kind=kind, created_at=clock())
    _ = await log_in(client, admin, settings)
    small = await sent(client, sql, path)
    await grow(scene, clock)
    grown = await sent(client, sql, path)
    assert_bounded(path, small, grown)
    if path not in SHOW_ENROLLMENTS:  # the others only count them
        rows = [(sql, n) for sql, n in grown if main_table(sql) == "enrollment"]
        assert all("COUNT(" in sql for sql, _ in rows), listing(rows)
    if path == "/admin/employees":  # unfiltered: the page's count is the company's size
        people_counts = [q for q, _ in grown if q.startswith('SELECT COUNT(*) FROM "user"')]
        assert len(people_counts) == 1, listing(grown)
    if path.startswith("/admin/employees"):  # counted right (courses, completed)
        expected = {"emma@": (1, 1), "ed@": (1, 0), "admin@": (0, 0), "bulk01@": (1, 1)}
        for email, counts in expected.items():
            page = (await client.get(f"/admin/employees?q={email}")).text
            assert employee_counts(page) == {email + "acme.example": counts}
    if "q=acme" in path or path == "/admin/progress":
        # the grown people are on the page: it did read them, a page of them
        assert max(n for _, n in grown) >= 20, listing(grown)


async def _api_keys(scene: Scene, count: int, clock: FakeClock, start: int) -> None:
    makers = (scene.world.admin_x, scene.world.employee_x)  # a maker who left admin rights
    for n in range(start, start + count):
        _ = await ApiKey.create(
            company_id=scene.world.company_x.id,
            name=f"Sync {n}",
            prefix=f"llp_{n:012x}",
            key_hash=f"{n:064x}",
            scopes="read",
            created_by=makers[n % 2],
            created_at=clock(),
            revoked_at=clock() if n > 2 else None,
        )


async def test_the_api_keys_page_costs_the_same_for_3_and_43_keys(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock, sql: RowLog
) -> None:
    await _api_keys(scene, 3, clock, 0)
    _ = await log_in(client, scene.world.admin_x, settings)
    small = await sent(client, sql, "/admin/api-keys")
    await grow(scene, clock)
    await _api_keys(scene, GROWTH, clock, 3)
    grown = await sent(client, sql, "/admin/api-keys")
    assert_bounded("/admin/api-keys", small, grown, whole="api_key")
    page = await client.get("/admin/api-keys")
    assert page.text.count("Revoked ") == GROWTH + 3 - 3


async def _webhooks(scene: Scene, count: int, clock: FakeClock) -> WebhookSubscription:
    rows = [
        await WebhookSubscription.create(
            company_id=scene.world.company_x.id,
            url=f"https://hooks.example/{n}",
            events=" ".join(events.EVENT_TYPES),
            secret="whsec_test",
            created_by=scene.world.admin_x,
            created_at=clock(),
            disabled_at=clock() if n else None,
        )
        for n in range(count)
    ]
    return rows[0]


async def test_the_webhooks_page_costs_the_same_for_3_and_43_webhooks(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock, sql: RowLog
) -> None:
    _ = await _webhooks(scene, 3, clock)
    _ = await log_in(client, scene.world.admin_x, settings)
    small = await sent(client, sql, "/admin/webhooks")
    await grow(scene, clock)
    _ = await _webhooks(scene, GROWTH, clock)
    grown = await sent(client, sql, "/admin/webhooks")
    assert_bounded("/admin/webhooks", small, grown, whole="webhook_subscription")


async def _deliveries(hook: WebhookSubscription, count: int, clock: FakeClock, start: int) -> None:
    for n in range(start, start + count):
        clock.advance(timedelta(minutes=1).total_seconds())
        _ = await WebhookDelivery.create(
            subscription_id=hook.id,
            event_id=f"msg_{n:032x}",
            event_type=events.CERTIFICATE_ISSUED,
            ordering_key=f"enrollment:{n}",
            payload={"type": events.CERTIFICATE_ISSUED, "data": {"n": n}},
            state=DeliveryState.DELIVERED if n % 2 else DeliveryState.FAILED,
            attempts=1,
            last_status=200 if n % 2 else 500,
            created_at=clock(),
        )


async def test_a_webhooks_delivery_log_costs_the_same_for_3_and_43_deliveries(
    client: httpx.AsyncClient, settings: Settings, scene: Scene, clock: FakeClock, sql: RowLog
) -> None:
    hook = await _webhooks(scene, 1, clock)
    await _deliveries(hook, 3, clock, 0)
    _ = await log_in(client, scene.world.admin_x, settings)
    path = f"/admin/webhooks/{hook.id}"
    small = await sent(client, sql, path)
    await grow(scene, clock)
    await _deliveries(hook, GROWTH, clock, 3)
    grown = await sent(client, sql, path)
    assert_bounded(path, small, grown)
    assert max(n for _, n in grown) == 25, listing(grown)  # one page of the log
