"""Shared bits of the import tests."""

from __future__ import annotations


def csv_text(*rows: str, header: str = "email,name,group,courses,due_date") -> str:
    return "\n".join((header, *rows)) + "\n"
