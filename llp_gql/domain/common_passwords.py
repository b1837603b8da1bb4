"""Is a password one of the passwords attackers try first?

The list is not ours: it is the 30,000 most common passwords that the ``zxcvbn``
package (MIT, the Python port of Dropbox's estimator) ships as its ``passwords``
frequency list, taken from a corpus of ten million leaked passwords. A maintained
list beats a hand-written rule set: it holds what people really choose, and a
newer release of the package brings a newer list. It works offline; nothing is
fetched at run time.

With a 12-character minimum most entries are too short to matter anyway; the
ones that remain ("password1234", "qwertyuiopas", "1qaz2wsx3edc", ...) are
exactly the long-but-worthless choices a length rule lets through. A password is
compared lower-cased, and also with its spaces removed, so "Password 1234" is
caught as well.
"""

from __future__ import annotations

from functools import cache

# A corrupted or emptied install must not silently turn the check off.
MINIMUM_LIST_SIZE = 10_000


@cache
def common_passwords() -> frozenset[str]:
    """The list, loaded once per process (0.4 s, about 12 MB: warm it at start-up)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = frozenset(FREQUENCY_LISTS["passwords"])
    if len(words) < MINIMUM_LIST_SIZE:
        raise RuntimeError(f"the common-password list has only {len(words)} entries")
    return words


def is_common(password: str) -> bool:
    lowered = password.lower()
    words = common_passwords()
    return lowered in words or "".join(lowered.split()) in words
