"""Who may send a GraphQL document at all: throttles at the door, before parsing.

Two limits, both counted in the database (``domain/ratelimit.py``, one-minute
windows shared by every worker), both answering HTTP 429 ``RATE_LIMITED``:

- anonymous requests per client address (``LLP_ANONYMOUS_QUERIES_PER_ADDRESS``);
- refused documents per caller (``LLP_REFUSED_QUERIES_PER_CALLER``): a document
  over the budget (tokens, depth, aliases, fields, cost) is refused cheaply, but
  not for free (it is parsed first: tens of milliseconds for 2,000 tokens), and a
  caller, signed in or not, who keeps sending them keeps a worker busy. Past the
  limit the caller is refused before its document is even parsed, until the
  window ends.

A worker remembers (in memory, until the window ends) the callers and addresses
the shared counters found over a limit, so a flood past the limit costs no
database round trip per request. Another worker learns it at that caller's next
request there.
"""

from __future__ import annotations

from datetime import datetime

from llp_gql.domain import ratelimit
from llp_gql.domain.principals import key_of
from llp_gql.errors import RateLimited
from llp_gql.models import User
from llp_gql.settings import Settings
from llp_gql.transport.budget import (
    QUERY_TOO_COSTLY,
    QUERY_TOO_DEEP,
    TOO_MANY_ALIASES,
    TOO_MANY_FIELDS,
    TOO_MANY_TOKENS,
)

__all__ = ["REFUSAL_CODES", "DoorThrottle", "caller_key"]

REFUSAL_CODES = frozenset(
    {QUERY_TOO_DEEP, TOO_MANY_ALIASES, TOO_MANY_FIELDS, QUERY_TOO_COSTLY, TOO_MANY_TOKENS}
)
_MAX_REMEMBERED = 10_000
_ANONYMOUS_MESSAGE = "Too many requests without signing in; wait a minute or sign in."
_REFUSED_MESSAGE = (
    "Too many refused documents (over the query limits); wait a minute and send smaller queries."
)


def caller_key(viewer: User | None, address: str) -> str:
    """Signed-in callers answer for themselves, API keys each for itself; anonymous
    ones per address."""
    key = key_of(viewer)
    if key is not None:
        return f"key:{key.id}"
    return f"user:{viewer.id}" if viewer is not None else f"addr:{address[:64]}"


class DoorThrottle:
    """The two limits of the module docstring, for one app (one per worker)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.blocked_until: dict[str, datetime] = {}

    async def admit(self, viewer: User | None, address: str, now: datetime) -> None:
        """Raise ``RateLimited`` when the caller must wait; count anonymous requests."""
        key = caller_key(viewer, address)
        until = self.blocked_until.get(key)
        if until is not None:
            if now < until:
                raise RateLimited(_REFUSED_MESSAGE)
            del self.blocked_until[key]
        if viewer is None:
            anonymous = f"anon:{address[:64]}"
            until = self.blocked_until.get(anonymous)
            if until is not None and now < until:
                raise RateLimited(_ANONYMOUS_MESSAGE)
            try:
                await ratelimit.hit(
                    f"anon-gql:{address[:64]}",
                    limit=self.settings.anonymous_queries_per_address,
                    now=now,
                    message=_ANONYMOUS_MESSAGE,
                )
            except RateLimited:
                # Over for this window: answer the rest of it from memory, so a flood
                # from one address costs no database write per request.
                self._block(anonymous, now)
                raise

    async def refused(self, viewer: User | None, address: str, now: datetime) -> None:
        """Count one refused document; past the limit, shut the door until the window ends."""
        key = caller_key(viewer, address)
        try:
            await ratelimit.hit(
                f"refused-gql:{key}",
                limit=self.settings.refused_queries_per_caller,
                now=now,
                message=_REFUSED_MESSAGE,
            )
        except RateLimited:
            self._block(key, now)

    def _block(self, key: str, now: datetime) -> None:
        if len(self.blocked_until) >= _MAX_REMEMBERED:
            self.blocked_until = {k: t for k, t in self.blocked_until.items() if t > now}
        window_start = now.replace(second=0, microsecond=0)
        self.blocked_until[key] = window_start + ratelimit.WINDOW
        if len(self.blocked_until) > _MAX_REMEMBERED:
            # Still full of live entries: forget the oldest rather than grow.
            self.blocked_until.pop(next(iter(self.blocked_until)))
