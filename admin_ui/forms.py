"""Reading forms and query strings within bounds a hostile client cannot stretch.

Values are cut and cleaned here; whether they are right is the domain's to say.
"""

from __future__ import annotations

import math

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from admin_ui.app_state import settings_of
from llp_gql.errors import LLPError

# Forms are small; the one upload (the logo) is checked against its own limit after
# parsing. These bound what a hostile client can make us parse.
MAX_FORM_FIELDS = 400
MAX_FORM_FILES = 1
MIN_PART_BYTES = 256 * 1024
MAX_ID = 2**31 - 1  # ids are 32-bit columns; a larger number cannot name a row


class BadForm(Exception):
    """The body could not be parsed as a form within our limits."""


async def read_form(request: Request) -> FormData:
    # Twice the logo limit: a logo somewhat too large still reaches the logo check and
    # gets its precise message; anything larger is refused while parsing.
    part_limit = max(MIN_PART_BYTES, 2 * settings_of(request).logo_max_bytes)
    try:
        return await request.form(
            max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS, max_part_size=part_limit
        )
    except (MultiPartException, HTTPException, UnicodeDecodeError, ValueError) as exc:
        raise BadForm(str(exc)) from None


def clean(value: str, limit: int) -> str:
    """Cut to ``limit`` and drop NUL characters, which PostgreSQL text cannot hold (it
    would answer with an error, not a row); the domain judges everything else."""
    return value[:limit].replace("\x00", "")


def text(form: FormData, name: str, *, limit: int = 100_000) -> str:
    """A text field ('' when missing or a file); over-long values are cut, the domain
    then reports what is wrong with them."""
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return ""
    return clean(value, limit)


def texts(form: FormData, name: str) -> list[str]:
    return [clean(v, 100) for v in form.getlist(name) if isinstance(v, str)]


def query_text(request: Request, name: str, *, limit: int = 100) -> str:
    return clean(request.query_params.get(name, ""), limit).strip()


def int_or_none(raw: str | None) -> int | None:
    if raw is None:
        return None
    raw = raw.strip()
    if not raw or len(raw) > 12:
        return None
    try:
        value = int(raw)
    except ValueError:
        return None
    # Ids and counts are 32-bit columns; PostgreSQL refuses larger numbers with an error.
    return value if abs(value) <= MAX_ID else None


def float_or_none(raw: str | None) -> float | None:
    if raw is None or not raw.strip() or len(raw) > 30:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def errors_of(exc: LLPError, known_fields: set[str]) -> dict[str, str]:
    """Place a domain error next to its field, or at the top of the form."""
    field = exc.field if exc.field in known_fields else "__all__"
    return {field or "__all__": exc.message}
