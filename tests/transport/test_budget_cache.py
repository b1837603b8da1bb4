"""The budget's verdicts are kept per document and page sizes, and only for passes.

``extensions._BudgetCache`` spares the walk of a document already measured within the
budget with the same values of the variables the walk read. A test here fails if a
cached pass leaked to other page sizes (a refused document would then run) or if a
refusal were served from the cache.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from llp_gql.schema import Mutation, Query
from llp_gql.transport import budget as budget_module
from llp_gql.transport.budget import Budget
from llp_gql.transport.extensions import _BudgetCache

DOCUMENT = """query C($n: Int, $other: String) {
  courses(first: $n) { edges { node { id lessons { id title } } } }
}"""


@pytest.fixture
def schema() -> Any:
    import strawberry

    return strawberry.Schema(query=Query, mutation=Mutation)._schema


def test_a_pass_is_kept_for_its_page_size_only(
    schema: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[object] = []
    real = budget_module.measure

    def counted(*args: Any, **kwargs: Any) -> Any:
        walks.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr("llp_gql.transport.extensions.measure", counted)
    cache = _BudgetCache(8, Budget(max_depth=10, max_aliases=10, max_fields=100, max_cost=300))
    document = parse(DOCUMENT)
    # a small page passes and is measured once, whatever the other variables
    assert cache.errors(schema, document, {"n": 2, "other": "a"}) == []
    assert cache.errors(schema, document, {"n": 2, "other": "b"}) == []
    assert len(walks) == 1
    # a large page of the same document is measured (not the small page's verdict)
    refused = cache.errors(schema, document, {"n": 100})
    assert refused
    assert {e.extensions["code"] for e in refused if e.extensions} == {"QUERY_TOO_COSTLY"}
    # and a refusal is measured again each time (never served from the cache)
    assert cache.errors(schema, document, {"n": 100})
    assert len(walks) == 3
    # a value that cannot be a key is measured, not crashed on
    assert cache.errors(schema, document, {"n": [1, 2]}) == []
    # the same text parsed again is another document: measured again
    assert cache.errors(schema, parse(DOCUMENT), {"n": 2}) == []
    assert len(walks) == 5
