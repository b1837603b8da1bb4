"""Every distribution the service imports is declared in pyproject.toml.

A module imported only because another dependency happens to pull it in (graphql-core
through strawberry, say) breaks the day that dependency stops needing it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("llp_gql", "admin_ui")


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - set(PACKAGES) - {"__future__"}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[\[<>=!~;\s]", spec, maxsplit=1)[0] for spec in project["dependencies"]}
    return {_normal(name) for name in names}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_distribution_is_declared() -> None:
    # given the top-level modules the service imports, and the distribution of each
    owners = packages_distributions()
    modules = _imported_top_level_modules()
    assert {"strawberry", "graphql", "tortoise", "fpdf"} <= modules  # the scan sees imports
    missing = {
        module: owners.get(module)
        for module in sorted(modules)
        if not {_normal(d) for d in owners.get(module, [])} & _declared()
    }
    # then each one's distribution is a declared dependency
    assert missing == {}
