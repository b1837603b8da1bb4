"""Passwords: the policy a new one must meet, and argon2id hashing off the event loop.

A hash (or a verification: it recomputes the same hash) costs 64 MiB and about
a quarter of a second of CPU with the library's parameters. It is the most
expensive thing the service does for an anonymous caller, so every hash and
every verification in the process runs in one small pool of threads of
``LLP_MAX_CONCURRENT_HASHES`` workers (issue 13: 40 concurrent sign-ups without
a bound took the server from 162 MiB to 2.65 GiB). Callers beyond the pool wait
in its queue, which costs a closure each, not 64 MiB; a caller that goes away
while queued is dropped from the queue. The bound is per process, on purpose:
it protects this process's memory, whatever the other workers do.

A dedicated pool rather than anyio's shared one (40 threads) or a semaphore:
its size *is* the bound, it belongs to no event loop (the CLI, the tests and
the server each run their own), and hashing never takes the threads that
other blocking work needs.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from llp_gql.domain.common_passwords import is_common
from llp_gql.errors import WeakPassword

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
DEFAULT_MAX_CONCURRENT_HASHES = 2

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash of nothing, checked against when the account does not exist, so that an
# unknown email and a wrong password take about the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-same-cost")


def check_password_rules(password: str, field: str = "password") -> None:
    """Raise VALIDATION (``WeakPassword``, with a ``reason``) unless ``password`` may be set.

    Length first (NIST SP 800-63B: length and a list of common passwords, no
    composition rules), then the list of common passwords (see common_passwords).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            reason="TOO_SHORT",
            field=field,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters.",
            reason="TOO_LONG",
            field=field,
        )
    if is_common(password):
        raise WeakPassword(
            "This password is on the list of the most common passwords, which attackers "
            "try first. Choose another one; a few unrelated words make a good password.",
            reason="COMMON",
            field=field,
        )


def hash_password(password: str) -> str:
    """Check the rules and hash, in the calling thread (seeds, tests; the service uses
    ``hash_password_async``)."""
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when it matches; runs the same work for a missing account and for one with
    no password yet (an empty hash: an invited person), and is False for both, even for
    the dummy hash's own password."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)  # raises on a mismatch
    except (VerificationError, InvalidHashError):
        return False
    return bool(password_hash)


# -- the pool --------------------------------------------------------------------------------

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_size = DEFAULT_MAX_CONCURRENT_HASHES


def set_max_concurrent_hashes(size: int) -> None:
    """Size the process's hashing pool (``create_app`` does it from the settings)."""
    global _pool, _pool_size
    if size < 1:
        raise ValueError("at least one hash must be allowed at a time")
    with _pool_lock:
        if size == _pool_size:
            return
        old, _pool, _pool_size = _pool, None, size
    if old is not None:
        old.shutdown(wait=False)  # its queued work still runs; only at reconfiguration


def max_concurrent_hashes() -> int:
    return _pool_size


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_pool_size, thread_name_prefix="llp-hash")
        return _pool


async def hash_password_async(password: str, field: str = "password") -> str:
    """Check the rules here (cheap, and a refusal never waits for the pool), then hash
    in the pool."""
    check_password_rules(password, field)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), functools.partial(_hasher.hash, password))


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """``verify_password`` in the pool: same cost for a missing account."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        _executor(), functools.partial(verify_password, password_hash, password)
    )
