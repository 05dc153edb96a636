"""Money: integer fen inside, ``"199.00"`` strings on the wire.

A float never holds an amount: ``0.1 + 0.2`` is not a price. Parsing is strict,
so ``"1e3"``, ``"12.345"`` and ``"-1.00"`` are input errors, not amounts.
"""

from __future__ import annotations

import re

# At most ten digits of yuan: the wire's pattern (openapi.json) says exactly what is accepted.
_AMOUNT = re.compile(r"^(0|[1-9]\d{0,9})(?:\.(\d{1,2}))?$")

# 9,999,999,999.99 yuan: larger than any single order line a marketplace will see, small
# enough that sums of many lines stay far inside a signed 64-bit column, and the largest
# amount the pattern admits, so no amount that matches it is refused.
MAX_FEN = 999_999_999_999


class InvalidAmount(ValueError):
    """The text is not a non-negative yuan amount with at most two decimals."""


def parse_yuan(text: str) -> int:
    """Parse ``"199.00"`` / ``"199"`` / ``"0.5"`` into fen; raise InvalidAmount otherwise."""
    if not isinstance(text, str):
        raise InvalidAmount(f"amount must be a string like \"199.00\", got {type(text).__name__}")
    m = _AMOUNT.match(text.strip())
    if m is None:
        raise InvalidAmount(f"{text!r} is not an amount like \"199.00\"")
    whole, frac = m.group(1), (m.group(2) or "")
    fen = int(whole) * 100 + int(frac.ljust(2, "0") or "0")
    if fen > MAX_FEN:
        raise InvalidAmount(f"{text!r} is larger than the largest amount accepted")
    return fen


def format_fen(fen: int) -> str:
    """Format fen as a two-decimal yuan string: 19900 -> "199.00"."""
    sign = "-" if fen < 0 else ""
    whole, frac = divmod(abs(fen), 100)
    return f"{sign}{whole}.{frac:02d}"
