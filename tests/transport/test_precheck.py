"""The lexical precheck refuses only what the exact check refuses, and cheaply.

The exact check is graphql-core's parser (token limit) and ``budget.measure`` on
the parsed document. The precheck may pass a document the exact check refuses
(it then gets parsed and refused there), never the other way round: thousands of
random documents built from the real schema, with small limits so that every
limit is hit often, hold it to that.
"""

from __future__ import annotations

import random

import pytest
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    get_introspection_query,
    get_named_type,
    is_non_null_type,
    parse,
)

from benchmarks import queries
from llp_gql.settings import Settings
from llp_gql.transport import build_schema
from llp_gql.transport.budget import Budget, measure
from llp_gql.transport.precheck import Precheck

BUDGET = Budget(max_depth=12, max_aliases=30, max_fields=300, max_cost=10_000)
MAX_TOKENS = 2000


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(Settings(secret_key="x" * 40))._schema


def exact_codes(schema: GraphQLSchema, document: str, budget: Budget, max_tokens: int) -> set[str]:
    """Every limit the exact check finds exceeded: the parser's token limit, and
    ``measure``'s limits on the same document parsed without it (the server stops at
    the first, but either is a refusal the precheck may name)."""
    codes = set()
    try:
        parse(document, max_tokens=max_tokens)
    except GraphQLSyntaxError as error:
        codes.add("TOO_MANY_TOKENS" if "tokens" in error.message else "GRAPHQL_PARSE_FAILED")
        if len(document) > 100_000:
            return codes  # parsing a megabyte without a limit takes a minute
    try:
        parsed = parse(document)
    except GraphQLSyntaxError:
        return codes
    codes |= {str((e.extensions or {})["code"]) for e in measure(schema, parsed, None, budget)}
    return codes - {"QUERY_TOO_DEEP"}  # left to the parser and the exact check


def precheck_codes(document: str, budget: Budget, max_tokens: int) -> set[str]:
    return {
        str((e.extensions or {})["code"])
        for e in Precheck(budget, max_tokens, remember=0)(document)
    }


ME_499 = "{" + " ".join(["me { id }"] * 499) + "}"
ALIASES_100 = "{" + " ".join(f"a{i}: me {{ id }}" for i in range(100)) + "}"
FAN_OUT = (
    "{"
    + " ".join(
        f"c{i}: courses(first: 100) {{ edges {{ node {{ id title lessons {{ id }} }} }} }}"
        for i in range(30)
    )
    + "}"
)
FRAGMENTS_150 = (
    "{"
    + " ".join(f"...F{i}" for i in range(150))
    + "} "
    + " ".join(f"fragment F{i} on Query {{ me {{ id }} }}" for i in range(150))
)
ONE_FRAGMENT_150 = "{" + " ...F" * 150 + "} fragment F on Query { me { id } }"
TOKENS_3000 = "{ " + "__typename " * 3000 + "}"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (ME_499, "TOO_MANY_FIELDS"),
        (ALIASES_100, "TOO_MANY_ALIASES"),
        (FAN_OUT, "QUERY_TOO_COSTLY"),
        (FRAGMENTS_150, "TOO_MANY_FIELDS"),
        (ONE_FRAGMENT_150, "TOO_MANY_FIELDS"),
        (TOKENS_3000, "TOO_MANY_TOKENS"),
        ("{ " + "__typename " * 1_000_000 + "}", "TOO_MANY_TOKENS"),
    ],
    ids=["repeats", "aliases", "fan-out", "fragments", "one-fragment", "tokens", "megabytes"],
)
def test_the_r14_documents_are_refused_with_the_exact_code(
    schema: GraphQLSchema, document: str, code: str
) -> None:
    assert precheck_codes(document, BUDGET, MAX_TOKENS) == {code}
    assert code in exact_codes(schema, document, BUDGET, MAX_TOKENS)


CLIENT_DOCUMENTS = {
    "dashboard": queries.DASHBOARD,
    "dashboard-lessons": queries.DASHBOARD_LESSONS,
    "heartbeat": queries.HEARTBEAT,
    "complete": queries.COMPLETE,
    "catalog": queries.CATALOG,
    "introspection": get_introspection_query(
        descriptions=True, input_value_deprecation=True, directive_is_repeatable=True
    ),
}


@pytest.mark.parametrize("document", CLIENT_DOCUMENTS.values(), ids=list(CLIENT_DOCUMENTS))
def test_the_documents_clients_send_pass(document: str) -> None:
    assert precheck_codes(document, BUDGET, MAX_TOKENS) == set()


MANY_ME = " me { id }" * 400 + " }"


@pytest.mark.parametrize(
    "document",
    [
        '{ me(x: "unterminated) { id }' + MANY_ME,
        "{ me % " + MANY_ME,
        "type Query { " + "a: Int " * 100 + "}",
        "{ courses(first: 100) { edges { node { id title lessons { id } } } }",
        "query Q($n: Int = 5) 42 {" + MANY_ME,
    ],
    ids=["string", "character", "sdl", "unclosed", "stray-value"],
)
def test_what_it_does_not_understand_is_left_to_the_parser(document: str) -> None:
    # Each would be over a limit, had the scan read on.
    assert precheck_codes(document, Budget(12, 30, 300, 10), MAX_TOKENS) == set()


def test_values_in_arguments_count_for_nothing() -> None:
    # Braces, names and `first` inside strings, objects and lists are values, not fields.
    document = (
        '{ courses(first: 2, filter: {first: 100, x: "{ a b c }"}, ids: [1, 2]) '
        '{ edges { node { id title(format: """ { first: 100 } """) } } } }'
    )
    tight = Budget(max_depth=12, max_aliases=0, max_fields=6, max_cost=13)
    assert precheck_codes(document, tight, MAX_TOKENS) == set()
    # 5 fields; cost 1 + 2 x (edges 1 + node 1 + id 1 + title 1) = 9
    assert precheck_codes(document, Budget(12, 0, 4, 100), MAX_TOKENS) == {"TOO_MANY_FIELDS"}
    assert precheck_codes(document, Budget(12, 0, 100, 8), MAX_TOKENS) == {"QUERY_TOO_COSTLY"}


def test_a_field_without_first_counts_once() -> None:
    # course(id:) is one course: 1 + (lessons 1 + 1 x id) = 3 here, 7 to the exact
    # check (a list without `first` is taken to hold 5 items).
    document = '{ course(id: "x") { lessons { id } } }'
    assert precheck_codes(document, Budget(12, 0, 100, 3), MAX_TOKENS) == set()
    assert precheck_codes(document, Budget(12, 0, 100, 2), MAX_TOKENS) == {"QUERY_TOO_COSTLY"}


def test_an_unknown_page_size_counts_as_none() -> None:
    document = "query Q($n: Int) { courses(first: $n) { edges { node { id } } } }"
    assert precheck_codes(document, Budget(12, 0, 100, 1), MAX_TOKENS) == set()


def test_passed_texts_are_remembered_and_refused_ones_not() -> None:
    precheck = Precheck(BUDGET, MAX_TOKENS, remember=2)
    precheck("{ me { id } }")
    precheck(ME_499)
    assert list(precheck.passed) == ["{ me { id } }"]
    precheck("{ a }")
    precheck("{ b }")
    assert list(precheck.passed) == ["{ a }", "{ b }"]


# -- random documents from the schema ------------------------------------------------


class DocumentMaker:
    """Random documents, valid enough for the bound (every fragment spread)."""

    def __init__(self, schema: GraphQLSchema, rng: random.Random) -> None:
        self.schema = schema
        self.rng = rng
        self.fragments: list[str] = []
        self.fragment_types: dict[str, str] = {}

    def document(self) -> str:
        rng = self.rng
        query = self.schema.query_type
        assert query is not None
        operations = []
        for number in range(rng.choice([1, 1, 1, 2])):
            head = rng.choice(["", "query ", f"query Q{number} ", f"query Q{number}($n: Int) "])
            operations.append(head + self.selection(query, 0))
        definitions = []
        spreads = self.fragments
        for name in dict.fromkeys(spreads):
            type_name = self.fragment_types[name]
            type_ = self.schema.get_type(type_name)
            assert isinstance(type_, GraphQLObjectType)
            definitions.append(f"fragment {name} on {type_name} " + self.selection(type_, 3))
        text = " ".join(operations + definitions)
        if rng.random() < 0.2:
            text = text.replace(" ", " # a comment\n", rng.randint(1, 5))
        if rng.random() < 0.2:
            text = text.replace(" ", " , ", rng.randint(1, 5))
        return text

    def selection(self, type_: GraphQLObjectType, depth: int) -> str:
        rng = self.rng
        items = []
        fields = list(type_.fields.items())
        for _ in range(rng.randint(1, 4)):
            name, field = rng.choice(fields)
            roll = rng.random()
            if roll < 0.1 and depth < 3:
                fragment = f"F{rng.randint(0, 3)}_{type_.name}"
                self.fragment_types[fragment] = type_.name
                self.fragments.append(fragment)
                items.append(f"...{fragment}")
                continue
            if roll < 0.2 and depth < 4:
                items.append(f"... on {type_.name} " + self.selection(type_, depth + 1))
                continue
            items.append(self.field(name, field, depth))
        return "{ " + " ".join(items) + " }"

    def field(self, name: str, field: GraphQLField, depth: int) -> str:
        rng = self.rng
        text = name
        if rng.random() < 0.3:
            text = f"{rng.choice(['a', 'b', name])}: {name}"
        arguments = []
        for argument_name, argument in field.args.items():
            if argument_name == "first" and rng.random() < 0.8:
                value = rng.choice([str(rng.randint(0, 150)), "$n", "null", "-1", "1e2", "2.5"])
                arguments.append(f"first: {value}")
            elif is_non_null_type(argument.type) or rng.random() < 0.2:
                value = rng.choice(["1", '"x"', "true", "{a: 1}"])
                arguments.append(f"{argument_name}: {value}")
        if arguments:
            text += "(" + ", ".join(arguments) + ")"
        if rng.random() < 0.1:
            text += " @include(if: true)"
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType):
            if depth >= 3:
                return "__typename"
            text += " " + self.selection(named, depth + 1)
        return text


def test_random_documents_are_never_refused_more_than_the_exact_check(
    schema: GraphQLSchema,
) -> None:
    rng = random.Random(20261202)
    refused = agreed = 0
    for _ in range(800):
        # One limit tight at a time, so that the first one passed cannot hide the others.
        focus = rng.choice(["aliases", "fields", "cost", "tokens"])
        budget = Budget(
            max_depth=12,
            max_aliases=rng.randint(0, 6) if focus == "aliases" else 10_000,
            max_fields=rng.randint(3, 80) if focus == "fields" else 10_000,
            max_cost=rng.randint(3, 300) if focus == "cost" else 10**9,
        )
        max_tokens = rng.randint(20, 400) if focus == "tokens" else 100_000
        document = DocumentMaker(schema, rng).document()
        exact = exact_codes(schema, document, budget, max_tokens)
        early = precheck_codes(document, budget, max_tokens)
        assert early <= exact, (document, budget, max_tokens, early, exact)
        refused += bool(exact - {"GRAPHQL_PARSE_FAILED"})
        agreed += bool(early)
    # The bound is not vacuous: most documents the exact check refuses never get parsed.
    print(f"precheck refused {agreed} of {refused} documents over a limit")
    assert 200 < refused < 700  # both sides of every limit are tried
    assert agreed > 0.6 * refused


def test_a_fragment_spread_many_times_is_counted_as_the_exact_check_does(
    schema: GraphQLSchema,
) -> None:
    rng = random.Random(7)
    for _ in range(300):
        copies = rng.randint(1, 40)
        names = rng.sample(["me", "courses", "myEnrollments"], rng.randint(1, 3))
        body = " ".join(f"{name} {{ __typename }}" for name in names)
        document = (
            "{ " + " ...F" * copies + " me { __typename } }" + f" fragment F on Query {{ {body} }}"
        )
        budget = Budget(12, 30, rng.randint(5, 400), 10_000)
        exact = exact_codes(schema, document, budget, MAX_TOKENS)
        assert precheck_codes(document, budget, MAX_TOKENS) <= exact
