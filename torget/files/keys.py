"""File keys: relative, slash-separated paths that cannot climb out of their store.

One rule for every store, so a key valid in the test store is valid in production: segments
of letters, digits and `-_.~ +()@,` (Unicode letters too), none empty, `.` or `..`, none
starting with a dot (the local store writes its temporary files as dot-files), no
backslashes or control characters, at most 1,024 bytes.
"""

from __future__ import annotations

import unicodedata

__all__ = ["InvalidKey", "check_key", "MAX_KEY_BYTES"]

MAX_KEY_BYTES = 1024
_ALLOWED_PUNCTUATION = set("-_.~ +()@,")


class InvalidKey(ValueError):
    """A key that is not a safe relative path."""


def _segment_ok(segment: str) -> bool:
    return (
        bool(segment)
        and not segment.startswith(".")
        and segment == segment.strip()
        and all(c.isalnum() or c in _ALLOWED_PUNCTUATION for c in segment)
    )


def check_key(key: str) -> str:
    """The key itself when it is safe; InvalidKey otherwise."""
    if not isinstance(key, str) or not key or len(key.encode()) > MAX_KEY_BYTES:
        raise InvalidKey(f"invalid file key {key!r}: empty or too long")
    if unicodedata.normalize("NFC", key) != key:
        raise InvalidKey(f"invalid file key {key!r}: not in Unicode NFC form")
    if not all(_segment_ok(s) for s in key.split("/")):
        raise InvalidKey(
            f"invalid file key {key!r}: use '/'-separated names of letters, digits and "
            "'-_.~ +()@,', none empty, none starting with '.'"
        )
    return key
