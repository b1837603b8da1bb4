"""The one row lock that orders everything done to an enrollment (DESIGN.md section 3).

Progress writes (video reports, confirmations, quiz attempts, granted attempts)
and removals (of the enrollment, of the employee, of the account) all start
their transaction with ``lock_enrollments``. On PostgreSQL that is ``SELECT ...
FOR UPDATE``: a second transaction on the same enrollment waits until the first
commits, then reads what it wrote. On SQLite the statement is a plain read and
the single writer already serialises transactions (one worker, one connection;
the client holds its lock for the whole transaction).

Several enrollments are locked in id order, so two removals can never wait on
each other in a cycle.

People and companies have their locks too (``lock_company``, ``lock_user``): the
membership changes take the company first, then the person; login takes only the
person. The order is the same everywhere, so no two of them wait in a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.backends.base.client import BaseDBAsyncClient

from llp_gql.errors import NotFound
from llp_gql.models import Company, Enrollment, User


async def lock_enrollments(ids: Iterable[int], connection: BaseDBAsyncClient) -> list[Enrollment]:
    """Lock these enrollment rows until the transaction of ``connection`` ends; returns
    those that still exist (an empty list: all were removed)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(
        await Enrollment.filter(id__in=wanted)
        .order_by("id")
        .select_for_update()
        .using_db(connection)
    )


async def lock_enrollment(enrollment_id: int, connection: BaseDBAsyncClient) -> Enrollment:
    """Lock one enrollment row; NOT_FOUND when a concurrent request removed it."""
    locked = await lock_enrollments([enrollment_id], connection)
    if not locked:
        raise NotFound("Enrollment")
    return locked[0]


async def lock_company(company_id: int, connection: BaseDBAsyncClient) -> None:
    """Lock a company row: who its admins are is decided under this lock (deactivating,
    promoting, demoting), so two admins demoting each other cannot leave none. Taken
    before any user row of the company, always."""
    _ = await Company.filter(id=company_id).select_for_update().using_db(connection).first()


async def lock_user(user_id: int, connection: BaseDBAsyncClient) -> User | None:
    """Lock a person's row and read it afresh (None when removed meanwhile). Login
    takes the same lock before issuing a token, so a deactivation either comes first
    and refuses it, or sees the token and ends it."""
    return await User.filter(id=user_id).select_for_update().using_db(connection).first()
