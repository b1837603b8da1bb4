"""The admin UI reaches data only through ``llp_gql.domain`` (issue 14).

Its pages read and write through domain functions, which decide access through
``llp_gql.domain.access``; a page that imported the models, the ORM or the
database setup could skip that. Both checks read the source with ``ast``, so they
see every module, imported by a route or not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "admin_ui"
FORBIDDEN_MODULES = ("llp_gql.models", "tortoise", "llp_gql.db")
# Query methods of Tortoise models and querysets (those no dict or form shares): a row
# handed out by the domain is read, never queried or saved again from a page.
ORM_CALLS = {
    "all",
    "annotate",
    "bulk_create",
    "create",
    "exclude",
    "filter",
    "get_or_create",
    "get_or_none",
    "in_transaction",
    "refresh_from_db",
    "save",
    "select_for_update",
    "update_or_create",
    "values_list",
}


def _modules() -> list[Path]:
    paths = sorted(PACKAGE.rglob("*.py"))
    assert len(paths) > 5  # the scan sees the package
    return paths


def _forbidden(name: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in FORBIDDEN_MODULES)


def imported_names(tree: ast.AST) -> list[str]:
    """Every module an ``import`` or ``from ... import`` names, with its imported names."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def orm_calls(tree: ast.AST) -> list[str]:
    return [
        f"line {node.lineno}: .{node.func.attr}("
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ORM_CALLS
    ]


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_an_admin_ui_module_imports_no_models_orm_or_database(path: Path) -> None:
    # given one module of the admin UI
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # then it imports nothing below the domain
    assert [name for name in imported_names(tree) if _forbidden(name)] == []


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_an_admin_ui_module_runs_no_orm_query(path: Path) -> None:
    # given one module of the admin UI
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # then it calls no query method of a model or queryset
    assert orm_calls(tree) == []


@pytest.mark.parametrize(
    ("source", "imports_below", "queries"),
    [
        ("from llp_gql.models import User", True, False),
        ("import llp_gql.models.users", True, False),
        ("from llp_gql import models", True, False),
        ("from tortoise.expressions import Q", True, False),
        ("import tortoise", True, False),
        ("from llp_gql.db import TORTOISE_ORM", True, False),
        ("from llp_gql.domain import access", False, False),
        ("from llp_gql.domain.access import is_staff", False, False),
        ("rows = await access.Actor.filter(id=1)", False, True),
        ("await company.save()", False, True),
        ("value = form.get('name')", False, False),
    ],
)
def test_the_checks_catch_what_they_are_for(
    source: str, imports_below: bool, queries: bool
) -> None:
    # given a line of source; then each check judges it as intended
    tree = ast.parse(source)
    assert any(_forbidden(name) for name in imported_names(tree)) is imports_below
    assert bool(orm_calls(tree)) is queries
