"""Public ids: a prefix and a ULID-like body (time-ordered, 80 random bits)."""

from __future__ import annotations

import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _b32(n: int, length: int) -> str:
    out = []
    for _ in range(length):
        n, r = divmod(n, 32)
        out.append(_CROCKFORD[r])
    return "".join(reversed(out))


def new_id(prefix: str) -> str:
    ms = time.time_ns() // 1_000_000
    return f"{prefix}_{_b32(ms, 10)}{_b32(secrets.randbits(80), 16)}"



def new_token(role: str) -> str:
    """A new API token: its role's mark for a human reader, then 256 random bits."""
    return f"as_{role[:3]}_{secrets.token_urlsafe(32)}"
