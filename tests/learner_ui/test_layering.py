"""The learner app reaches data only through ``llp_gql.domain``, like the admin UI.

The same two checks as ``tests/admin_ui/test_layering.py`` (whose cases show they
catch what they are for), run over every module of ``learner_ui``: no import of the
models, the ORM or the database setup (not even for annotations: ``access.Actor``
names the signed-in person), and no query method called on a row.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.admin_ui.test_layering import _forbidden, imported_names, orm_calls

PACKAGE = Path(__file__).resolve().parents[2] / "learner_ui"


def _modules() -> list[Path]:
    paths = sorted(PACKAGE.rglob("*.py"))
    assert len(paths) > 5  # the scan sees the package
    return paths


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_a_learner_ui_module_imports_no_models_orm_or_database(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [name for name in imported_names(tree) if _forbidden(name)] == []


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_a_learner_ui_module_runs_no_orm_query(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert orm_calls(tree) == []
