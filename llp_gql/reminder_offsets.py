"""When, around an enrollment's due date, a reminder becomes due (``LLP_REMINDER_OFFSETS``).

The setting is a comma-separated list of:

- ``before:Nd``: N days before the due date (1 to 365; several allowed);
- ``due``: when the due date is reached (the enrollment becomes overdue);
- ``overdue:Nd``: every N days while it stays overdue (1 to 365; at most one).

``none`` turns reminders off. The default is ``before:7d,due,overdue:7d``.

Each offset that is due gets a key, stored once per enrollment (``ReminderSent``).
The key carries the due date it belongs to (``due@20260120T0900``), so a due date
moved later starts its reminders afresh instead of counting the old ones as sent.
Only the *current* occurrence of a repeating offset is due: an enrollment found
overdue for five weeks gets one reminder, not five.

Pure: no database and no web, so the settings can parse it and the domain use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_DAYS = 365
DUE = "due"


@dataclass(frozen=True, slots=True)
class Offsets:
    before_days: tuple[int, ...] = (7,)
    on_due: bool = True
    overdue_every_days: int | None = 7

    @property
    def enabled(self) -> bool:
        return bool(self.before_days) or self.on_due or self.overdue_every_days is not None

    @property
    def horizon(self) -> timedelta:
        """How long before its due date an enrollment may first be reminded."""
        return timedelta(days=max(self.before_days, default=0))

    def due_keys(self, due_at: datetime, now: datetime) -> list[str]:
        """The keys of the offsets due at ``now`` for an enrollment due at ``due_at``."""
        stamp = due_at.astimezone(UTC).strftime("%Y%m%dT%H%M")
        keys = [
            f"before:{days}d@{stamp}"
            for days in self.before_days
            if due_at - timedelta(days=days) <= now < due_at
        ]
        if now < due_at:
            return keys
        if self.on_due:
            keys.append(f"{DUE}@{stamp}")
        if self.overdue_every_days is not None:
            repeat = (now - due_at) // timedelta(days=self.overdue_every_days)
            if repeat >= 1:
                keys.append(f"overdue:{repeat}@{stamp}")
        return keys

    def describe(self) -> str:
        """The setting's own spelling, e.g. ``before:7d,due,overdue:7d``."""
        parts = [f"before:{days}d" for days in self.before_days]
        parts += [DUE] if self.on_due else []
        if self.overdue_every_days is not None:
            parts.append(f"overdue:{self.overdue_every_days}d")
        return ",".join(parts) or "none"


DEFAULT_OFFSETS = Offsets()
NO_OFFSETS = Offsets(before_days=(), on_due=False, overdue_every_days=None)


def _days(item: str, raw: str) -> int:
    number = raw.removesuffix("d")
    if not raw.endswith("d") or not number.isdigit() or not 1 <= int(number) <= MAX_DAYS:
        raise ValueError(f"{item!r}: give a number of days from 1 to {MAX_DAYS}, like 7d")
    return int(number)


def parse_offsets(raw: str) -> Offsets:
    """``LLP_REMINDER_OFFSETS`` checked; ValueError says what is wrong with which item."""
    text = raw.strip().lower()
    if not text:
        return DEFAULT_OFFSETS
    if text in ("none", "off"):
        return NO_OFFSETS
    before: list[int] = []
    on_due = False
    every: int | None = None
    for item in (part.strip() for part in text.split(",")):
        kind, _, value = item.partition(":")
        if kind == "before" and value:
            days = _days(item, value)
            if days in before:
                raise ValueError(f"{item!r} is given twice")
            before.append(days)
        elif item == DUE:
            if on_due:
                raise ValueError("'due' is given twice")
            on_due = True
        elif kind == "overdue" and value:
            if every is not None:
                raise ValueError("give one 'overdue:Nd' at most")
            every = _days(item, value)
        else:
            raise ValueError(f"{item!r} is not before:Nd, due or overdue:Nd")
    return Offsets(tuple(sorted(before, reverse=True)), on_due, every)
