"""A stand-in for ``passwords._hasher`` that records how many hashes run at once.

Each call holds its thread for ``hold`` seconds, so calls that the pool lets run
together really overlap; ``peak`` is then the most that were ever in flight.
"""

from __future__ import annotations

import threading
import time

from argon2.exceptions import VerifyMismatchError


class RecordingHasher:
    def __init__(self, hold: float = 0.02) -> None:
        self.hold = hold
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.hashes = 0
        self.verifications = 0

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def hash(self, password: str) -> str:
        self._enter()
        try:
            time.sleep(self.hold)
            with self._lock:
                self.hashes += 1
            return "fake$" + password
        finally:
            self._leave()

    def verify(self, hash_: str, password: str) -> bool:
        self._enter()
        try:
            time.sleep(self.hold)
            with self._lock:
                self.verifications += 1
            if hash_ != "fake$" + password:
                raise VerifyMismatchError()
            return True
        finally:
            self._leave()
