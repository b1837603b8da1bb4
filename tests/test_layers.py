"""Layers point one way, and modules stay small (docs/architecture.md).

Read from the source with ``ast``, so a wrong arrow fails here even when nothing
runs the import (a function-level import counts too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("llp_gql", "admin_ui", "learner_ui", "llp_portal")
MAX_LINES = 400

# (package prefix, modules it must not import, why)
RULES = [
    (
        "llp_gql",
        ("admin_ui", "learner_ui", "llp_portal"),
        "the core knows no web pages nor their assembly",
    ),
    ("admin_ui", ("llp_portal",), "the pages know nothing of the assembly"),
    ("learner_ui", ("llp_portal",), "the pages know nothing of the assembly"),
    (
        "llp_gql.domain",
        (
            "starlette",
            "strawberry",
            "graphql",
            "llp_gql.schema",
            "llp_gql.transport",
            "admin_ui",
            "learner_ui",
        ),
        "the rules know no web and no GraphQL",
    ),
    (
        "llp_gql.schema",
        ("starlette", "llp_gql.transport", "cross_web"),
        "the schema is the contract, not its HTTP transport",
    ),
    ("llp_gql.resolvers", ("starlette", "llp_gql.transport"), "resolvers know no HTTP"),
    ("llp_gql.models", ("llp_gql.domain", "llp_gql.schema"), "models are the bottom layer"),
]


def modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def wrong_arrows(found: list[tuple[str, Path]]) -> list[str]:
    wrong = []
    for module, path in found:
        names = imported(path)
        for prefix, forbidden, why in RULES:
            if not within(module, prefix):
                continue
            for name in sorted(names):
                if any(within(name, bad) for bad in forbidden):
                    wrong.append(f"{module} imports {name}: {why}")
    return wrong


def test_layers_point_one_way() -> None:
    assert wrong_arrows(modules()) == []


def test_a_wrong_arrow_is_found(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from admin_ui import admin_routes\n", encoding="utf-8")
    schema = tmp_path / "schema.py"
    schema.write_text("from llp_gql.transport.view import LLPGraphQLView\n", encoding="utf-8")
    assert wrong_arrows([("llp_gql.app", bad), ("llp_gql.schema.root", schema)]) == [
        "llp_gql.app imports admin_ui: the core knows no web pages nor their assembly",
        "llp_gql.app imports admin_ui.admin_routes: the core knows no web pages nor their assembly",
        "llp_gql.schema.root imports llp_gql.transport.view: "
        "the schema is the contract, not its HTTP transport",
        "llp_gql.schema.root imports llp_gql.transport.view.LLPGraphQLView: "
        "the schema is the contract, not its HTTP transport",
    ]


# The learner pages reach data only through llp_gql.domain (docs/architecture.md);
# model classes are tolerated as annotations under ``if TYPE_CHECKING:``.
PAGE_DATA = ("llp_gql.models", "tortoise", "llp_gql.db")


def runtime_imported(path: Path) -> set[str]:
    """Like :func:`imported`, without what only the type checker reads."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def data_shortcuts(found: list[tuple[str, Path]]) -> list[str]:
    return [
        f"{module} imports {name}: pages reach data only through llp_gql.domain"
        for module, path in found
        if within(module, "learner_ui")
        for name in sorted(runtime_imported(path))
        if any(within(name, bad) for bad in PAGE_DATA)
    ]


def test_learner_pages_reach_data_only_through_the_domain() -> None:
    assert data_shortcuts(modules()) == []


def test_a_data_shortcut_in_a_learner_page_is_found(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from llp_gql.models import User\n"
        "def f():\n    from llp_gql.models import Enrollment\n    import tortoise\n",
        encoding="utf-8",
    )
    assert data_shortcuts([("learner_ui.page", page)]) == [
        "learner_ui.page imports llp_gql.models: pages reach data only through llp_gql.domain",
        "learner_ui.page imports llp_gql.models.Enrollment: "
        "pages reach data only through llp_gql.domain",
        "learner_ui.page imports tortoise: pages reach data only through llp_gql.domain",
    ]
    assert wrong_arrows([("learner_ui.page", page)]) == []


@pytest.mark.parametrize(("module", "path"), modules(), ids=[name for name, _ in modules()])
def test_no_module_is_over_400_lines(module: str, path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by concern"
