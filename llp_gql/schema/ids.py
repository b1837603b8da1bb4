"""Opaque IDs for the schema; the codec lives in ``llp_gql.ids`` so that rules (the CSV
import reads course IDs) use the same one."""

from __future__ import annotations

from llp_gql.ids import MAX_PK, decode_id, decode_ids, encode_id, parse_pk

__all__ = ["MAX_PK", "decode_id", "decode_ids", "encode_id", "parse_pk"]
