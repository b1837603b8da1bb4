"""How GraphQL reaches the network: the HTTP view, request limits and extensions.

Layers point one way: ``transport`` imports ``schema`` (the contract: types,
queries, mutations), which calls ``resolvers`` and ``domain``; nothing below
imports this package. A request passes, in order:

1. ``view.py`` / ``payload.py``: method, media types, body size and shape, batch size;
2. ``endpoint.py``'s context getter: the door (``throttle.py``: anonymous callers
   per address, callers who keep sending refused documents);
3. ``precheck.py``: a lexical count of tokens, aliases, fields and cost on the raw
   text, refusing documents certainly over a limit before they are parsed;
4. ``extensions.py``: parsing with a token limit and a cache, ``budget.py``'s exact
   measure, validation with a cache, execution;
5. ``errors.py``: every error gets its stable code; unexpected ones are masked.
"""

from llp_gql.transport.endpoint import build_graphql_routes, build_schema

__all__ = ["build_graphql_routes", "build_schema"]
