"""Password hashing: Argon2id through argon2-cffi, with one hasher per process.

Argon2id is OWASP's first recommendation; argon2-cffi's defaults (RFC 9106's low-memory
profile) take 0.1-0.3 s of a core per hash, which is the point. A hash records its own
parameters, so `verify` checks any hash whatever the current parameters are, and stronger
ones can be introduced later. Unknown users are checked against a dummy hash, so a log-in
takes as long whether the name exists or not; it is made on first use, not at import
(0.26 s of every `torget` process's start otherwise).

`use_parameters` is the seam for a test suite, which makes thousands of hashes: it swaps the
parameters for the process, never the algorithm.
"""

from __future__ import annotations

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "password_matches", "use_parameters"]

_hasher = PasswordHasher()
_dummy: str | None = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether `password` is the one `stored` was made from; None (no such user) takes as
    long and is never a match."""
    global _dummy
    if stored is None:
        _dummy = _dummy or _hasher.hash("not a real password, used to even out timing")
    try:
        _hasher.verify(stored or _dummy or "", password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def use_parameters(parameters: Parameters) -> None:
    """Hash with `parameters` from now on in this process (the test suite's cheap profile)."""
    global _hasher, _dummy
    _hasher, _dummy = PasswordHasher.from_parameters(parameters), None
