"""A lexical precheck: refuse a document certainly over a limit before parsing it.

graphql-core's parser builds an object per token, so a 2,000-token document costs
5-20 ms to parse before ``budget.measure`` can refuse it, and a caller allowed ten
refusals a minute (``throttle.py``) could still keep a worker busy. This scan reads
the raw text once with one regular expression, in about a tenth of that, and
counts, for the whole document:

    tokens     every token but comments (the parser counts comments too)
    aliases    every ``alias:`` in a selection set
    fields     every field, a name repeated in one selection set counting once more
               for each earlier copy (as ``budget.py`` does), plus one for each
               fragment spread beyond one per fragment defined
    cost       per operation, every field 1, times ``first: <int>`` around it

Each count is a lower bound of what ``budget.measure`` (or the parser) finds for a
valid document: unknown page sizes count 0, lists without ``first`` count 1, a
fragment spread at least one field. So a refusal here is one the exact check
would make too, with the same code; what passes here is measured exactly after
parsing. (A document with fragments it never uses, or with several operations, is
counted whole: the first is invalid anyway; the second is refused as the exact
check refuses it, which also counts aliases and fields over all operations.)

The scan gives no verdict (and leaves the document to the parser) on anything it
does not recognise: an unknown character, an unterminated string, a name outside
a definition. Texts it passed are remembered, so a client's repeated query costs
one dictionary look-up.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from itertools import islice

from graphql import GraphQLError

from llp_gql.transport.budget import (
    QUERY_TOO_COSTLY,
    TOO_MANY_ALIASES,
    TOO_MANY_FIELDS,
    TOO_MANY_TOKENS,
    Budget,
    refusal,
)

__all__ = ["Precheck"]

# One token per match, after any ignored text (white space, commas, BOM, comments);
# the last alternative takes any other character, which the scan then refuses to judge.
# Strings use possessive repeats: the scan stays linear on hostile input.
_TOKEN = re.compile(
    r"""(?:[\s,\ufeff]++|\#[^\n\r]*+)*+
    (
        [_A-Za-z][_0-9A-Za-z]*+
      | \.\.\.
      | -?[0-9]++(?:\.[0-9]++)?+(?:[eE][+-]?+[0-9]++)?+
      | \"\"\"(?:[^"\\]++|\\\"\"\"|\\|"(?!""))*+\"\"\"
      | "(?:[^"\\\n\r]++|\\.)*+"
      | .
    )""",
    re.VERBOSE | re.DOTALL,
)
_NAME_START = frozenset("_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_VALUE_START = frozenset('-0123456789"')
_ONE_CHARACTER_TOKENS = _NAME_START | frozenset("!$&():=@[]{|}0123456789")
_OPERATION_WORDS = frozenset({"query", "mutation", "subscription"})


class _NoVerdict(Exception):
    """The text is not something this scan understands: let the parser decide."""


class _OverLimit(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


@dataclass
class _Frame:
    """One open selection set."""

    multiplier: int  # how many times the enclosing field repeats it (its `first`)
    is_operation: bool
    fragment: str | None = None  # the fragment it defines, at the top level
    fields_before: int = 0  # the document's field count when it opened
    seen: Counter[str] = field(default_factory=Counter)  # response names of its own fields
    spreads: list[str] = field(default_factory=list)  # fragments spread in it
    cost: int = 0


class Precheck:
    """The scan of the module docstring, for one schema's limits (shared by requests)."""

    def __init__(self, budget: Budget, max_tokens: int, remember: int = 256) -> None:
        self.budget = budget
        self.max_tokens = max_tokens
        self.remember = remember
        self.passed: OrderedDict[str, None] = OrderedDict()

    def __call__(self, text: str) -> list[GraphQLError]:
        """The error of a limit ``text`` certainly exceeds; empty when it may pass."""
        if text in self.passed:
            self.passed.move_to_end(text)
            return []
        lexemes = [match[1] for match in islice(_TOKEN.finditer(text), self.max_tokens + 1)]
        try:
            if len(lexemes) > self.max_tokens:
                raise _OverLimit(TOO_MANY_TOKENS)
            _Scan(lexemes, self.budget).run()
        except _NoVerdict:
            return []
        except _OverLimit as over:
            if over.code == TOO_MANY_TOKENS:
                message = (
                    f"Syntax Error: Document contains more than {self.max_tokens} tokens. "
                    "Parsing aborted."
                )
                return [GraphQLError(message, extensions={"code": TOO_MANY_TOKENS})]
            return [refusal(over.code, self.budget)]
        self.passed[text] = None
        if len(self.passed) > self.remember:
            self.passed.popitem(last=False)
        return []


class _Scan:
    """Walk the lexemes once, keeping the open selection sets on a stack; raise
    ``_OverLimit`` as soon as a count passes its limit."""

    def __init__(self, lexemes: list[str], budget: Budget) -> None:
        self.lexemes = lexemes
        self.budget = budget
        self.index = 0
        self.stack: list[_Frame] = []
        self.next_fragment: str | None = None  # the fragment the next top-level "{" opens
        self.pending_multiplier = 1  # the `first` of the field whose "{" may follow
        self.aliases = self.fields = self.spreads = 0
        # Every fragment defined is spread at least once (or the document is invalid),
        # so only the spreads beyond that many are sure to add a field each.
        self.fragments = lexemes.count("fragment")
        # For the spreads, once every fragment is known: where each was spread (with
        # the response names already there) and what each holds.
        self.spread_sites: list[_Frame] = []
        self.defined: dict[str, tuple[Counter[str], int]] = {}

    def run(self) -> None:
        lexemes = self.lexemes
        count = len(lexemes)
        while self.index < count:
            lexeme = lexemes[self.index]
            self.index += 1
            if lexeme[0] in _NAME_START:
                if self.stack:
                    self.selection_name(lexeme)
                else:
                    self.top_level_name(lexeme)
            elif lexeme == "{":
                self.open()
            elif lexeme == "}":
                self.close()
            elif lexeme == "(":
                self.arguments(first_matters=False)
            elif lexeme == "@":
                self.name()  # a directive; its arguments follow as "("
            elif lexeme == "...":
                self.spread()
            else:
                # Values and other punctuators belong in argument lists and variable
                # definitions, which `arguments` consumes whole.
                raise _NoVerdict
        if self.stack:
            raise _NoVerdict  # unbalanced: the parser will say where
        if self.fields + self.spread_fields() > self.budget.max_fields:
            raise _OverLimit(TOO_MANY_FIELDS)

    def peek(self) -> str:
        return self.lexemes[self.index] if self.index < len(self.lexemes) else ""

    def name(self) -> str:
        lexeme = self.peek()
        if not lexeme or lexeme[0] not in _NAME_START:
            raise _NoVerdict
        self.index += 1
        return lexeme

    def open(self) -> None:
        if self.stack:
            self.stack.append(_Frame(self.pending_multiplier, is_operation=False))
        else:
            fragment, self.next_fragment = self.next_fragment, None
            self.stack.append(_Frame(1, fragment is None, fragment, self.fields))
        self.pending_multiplier = 1

    def close(self) -> None:
        if not self.stack:
            raise _NoVerdict
        frame = self.stack.pop()
        if frame.spreads:
            self.spread_sites.append(frame)
        if self.stack:
            self.add_cost(self.stack[-1], frame.multiplier * frame.cost)
        elif frame.fragment is not None:
            self.defined[frame.fragment] = (frame.seen, self.fields - frame.fields_before)
        elif frame.cost > self.budget.max_cost:
            raise _OverLimit(QUERY_TOO_COSTLY)

    def add_cost(self, frame: _Frame, cost: int) -> None:
        # Capped: past the limit only "over" matters, and multipliers would grow it.
        frame.cost = min(frame.cost + cost, self.budget.max_cost + 1)

    def top_level_name(self, lexeme: str) -> None:
        if lexeme == "fragment":  # fragment Name on Type
            self.next_fragment = self.name()
            if self.name() != "on":
                raise _NoVerdict
            self.name()
        elif lexeme in _OPERATION_WORDS:
            lexeme = self.peek()
            if lexeme and lexeme[0] in _NAME_START:
                self.index += 1  # the operation's name
            if self.peek() == "(":
                self.index += 1
                self.arguments(first_matters=False)  # variable definitions
        else:
            raise _NoVerdict  # not an executable definition

    def selection_name(self, key: str) -> None:
        if self.peek() == ":":
            self.index += 1
            self.name()  # the field's name; `key` is its alias
            self.aliases += 1
            if self.aliases > self.budget.max_aliases:
                raise _OverLimit(TOO_MANY_ALIASES)
        frame = self.stack[-1]
        frame.seen[key] += 1
        self.fields += frame.seen[key]
        self.check_fields()
        self.add_cost(frame, 1)
        self.pending_multiplier = 1
        if self.peek() == "(":
            self.index += 1
            self.pending_multiplier = self.arguments(first_matters=True)

    def check_fields(self) -> None:
        if self.fields + max(0, self.spreads - self.fragments) > self.budget.max_fields:
            raise _OverLimit(TOO_MANY_FIELDS)

    def spread(self) -> None:
        lexeme = self.peek()
        if lexeme == "on":
            self.index += 1
            self.name()  # the type condition; directives or "{" follow
            self.pending_multiplier = 1
        elif lexeme and lexeme[0] in _NAME_START:
            self.index += 1
            self.spreads += 1
            self.check_fields()
            if self.stack:
                frame = self.stack[-1]
                frame.spreads.append(lexeme)
                self.add_cost(frame, 1)  # a fragment holds a field at least
        else:
            self.pending_multiplier = 1  # "... {" or "... @include": an inline fragment

    def spread_fields(self) -> int:
        """What the spreads add, as budget.py counts them: every spread after a
        fragment's first brings its fields again, and each response name it brings
        counts once for every copy already in the selection set it lands in."""
        total = 0
        spread_count: Counter[str] = Counter()
        for frame in self.spread_sites:
            seen = Counter(frame.seen)
            for name in frame.spreads:
                keys, fields = self.defined.get(name, (Counter(), 0))
                spread_count[name] += 1
                if spread_count[name] > 1:
                    total += fields
                for key, count in keys.items():
                    total += seen[key] * count
                    seen[key] += count
                if total > self.budget.max_fields:
                    return total
        return max(total, self.spreads - self.fragments)

    def arguments(self, *, first_matters: bool) -> int:
        """Skip to the matching ")"; the items a field's ``first: <int>`` asks for.

        0 when ``first`` is a variable or null (unknown here), 1 when absent.
        """
        lexemes = self.lexemes
        depth = 1  # ( [ { nesting inside the argument list
        multiplier = 1
        while self.index < len(lexemes):
            lexeme = lexemes[self.index]
            self.index += 1
            if lexeme in ("(", "[", "{"):
                depth += 1
            elif lexeme in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return multiplier
            elif first_matters and depth == 1 and lexeme == "first" and self.peek() == ":":
                self.index += 1
                literal = self.peek()
                if literal[:1] in _VALUE_START and literal.lstrip("-").isdigit():
                    multiplier = max(0, min(int(literal), self.budget.max_page_size))
                else:
                    multiplier = 0
            elif len(lexeme) == 1 and lexeme not in _ONE_CHARACTER_TOKENS:
                raise _NoVerdict  # a character no token starts with
        raise _NoVerdict
