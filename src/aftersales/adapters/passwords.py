"""Password hashing with argon2id (argon2-cffi's defaults: RFC 9106's second recommended
setting, 64 MiB and 3 passes)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


def fast_for_tests() -> Argon2Hasher:
    """argon2 with the smallest cost: the same code path, milliseconds instead of a tenth of a second."""
    return Argon2Hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
