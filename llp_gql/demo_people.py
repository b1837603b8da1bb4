"""Who works at the demo's Acme Corp, and the plan of their training.

Names in several scripts (Latin with accents, Arabic, Devanagari, Hebrew, Cyrillic,
Greek, CJK, Hangul, Thai, Tamil, Bengali, Armenian, Georgian), as a real company
has, so the pages and certificates show they all render.
"""

from __future__ import annotations

from dataclasses import dataclass

# The departments, and who is in each: (email, name). The first three are the
# README's demo logins and keep their emails.
DEPARTMENTS: dict[str, list[tuple[str, str]]] = {
    "Sales": [
        ("olivia@acme.example", "Olivia Ng"),
        ("mateo@acme.example", "Mateo Álvarez"),
        ("priya.sharma@acme.example", "प्रिया शर्मा"),
        ("omar.haddad@acme.example", "عمر حداد"),
        ("chloe.martin@acme.example", "Chloé Martin"),
        ("lars.oberg@acme.example", "Lars Øberg"),
        ("fatima.zahra@acme.example", "Fatima Zahra"),
        ("noah.fischer@acme.example", "Noah Fischer"),
    ],
    "Engineering": [
        ("yuki@acme.example", "田中 由紀"),
        ("li.ming@acme.example", "李明"),
        ("jiwoo.kim@acme.example", "김지우"),
        ("ivan.petrov@acme.example", "Иван Петров"),
        ("andreas.p@acme.example", "Ανδρέας Παπαδόπουλος"),
        ("aarav.patel@acme.example", "Aarav Patel"),
        ("sofia.rossi@acme.example", "Sofia Rossi"),
        ("ben.cohen@acme.example", "בן כהן"),
        ("kwame.mensah@acme.example", "Kwame Mensah"),
    ],
    "Operations": [
        ("hoa.nguyen@acme.example", "Nguyễn Thị Hoa"),
        ("somchai@acme.example", "สมชาย ใจดี"),
        ("lucia.fernandez@acme.example", "Lucía Fernández"),
        ("ahmed.ali@acme.example", "أحمد علي"),
        ("emma.johansson@acme.example", "Emma Johansson"),
        ("tomas.obriain@acme.example", "Tomás Ó Briain"),
        ("anjali@acme.example", "அஞ்சலி ராமன்"),
        ("grace.okafor@acme.example", "Grace Okafor"),
    ],
    "People & Culture": [
        ("sarah.klein@acme.example", "Sarah Klein"),
        ("mariam.h@acme.example", "Մարիամ Հովհաննիսյան"),
        ("nino.beridze@acme.example", "ნინო ბერიძე"),
        ("rahul.das@acme.example", "রাহুল দাস"),
        ("julia.nowak@acme.example", "Julia Nowak"),
        ("wang.fang@acme.example", "王芳"),
    ],
}
# The demo logins among them get their own password (README); the others share one
# hash made once, so seeding stays a matter of seconds (a hash costs most of a second).
LOGINS = ("olivia@acme.example", "mateo@acme.example", "yuki@acme.example")


@dataclass(frozen=True, slots=True)
class Assignment:
    """A course given to whole departments (or people) on a day, due some days later."""

    course: int  # index into the demo's courses
    groups: tuple[str, ...]
    people: tuple[str, ...]
    days_ago: int
    due_in_days: int  # from the day of assignment


PLAN = [
    # Leading Teams for the customer-facing teams, long ago: its due date has passed,
    # so whoever has not finished is overdue.
    Assignment(0, ("Sales", "Operations"), ("yuki@acme.example",), days_ago=100, due_in_days=75),
    # Feedback for engineers (and Olivia), due in a couple of weeks.
    Assignment(1, ("Engineering",), ("olivia@acme.example",), days_ago=45, due_in_days=60),
    # Data protection for everyone: People & Culture first (overdue for a few), the
    # rest recently, due next month.
    Assignment(2, ("People & Culture",), (), days_ago=50, due_in_days=40),
    Assignment(2, ("Sales", "Engineering", "Operations"), (), days_ago=12, due_in_days=40),
]


def outcome(person: int, course: int) -> str:
    """Where a person stands in a course, spread evenly and the same on every seed:
    'done', 'started' (part of the way) or 'none'."""
    return ("done", "done", "started", "done", "none", "started", "done")[(person * 3 + course) % 7]


DATA_PROTECTION_TITLE = "Data Protection Essentials"
DATA_PROTECTION_DESCRIPTION = "What personal data is, and how we keep it safe."
