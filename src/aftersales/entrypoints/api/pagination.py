"""Keyset cursors: opaque to clients, checked on the way in (DESIGN 3.6: ``?cursor=``, ``?limit=``).

A cursor is the key of the last item a page showed, base64 of a little JSON. Keys are
bounded on decoding, so a forged cursor with a huge number is a 422, never an overflow
in the database.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from aftersales.domain import errors

MAX_KEY = 2**31 - 1  # sequence columns are 32-bit integers on PostgreSQL


def encode(key: tuple[object, ...] | None) -> str | None:
    if key is None:
        return None
    value: Any = key[0] if len(key) == 1 else [k.isoformat() if isinstance(k, datetime) else k for k in key]
    return base64.urlsafe_b64encode(json.dumps({"k": value}).encode()).decode().rstrip("=")


def _bad() -> errors.ValidationFailed:
    return errors.ValidationFailed("cursor is not one this API gave out", "cursor 无效", field="cursor")


def _raw(cursor: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["k"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _bad() from exc


def _key(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_KEY:
        raise _bad()
    return value


def decode_int(cursor: str | None) -> int | None:
    """The sequence number a cursor continues after (or before, for newest-first lists)."""
    return None if cursor is None else _key(_raw(cursor))


def decode_due(cursor: str | None) -> tuple[datetime, int] | None:
    """The (due time, sequence number) the agents' queue continues after."""
    if cursor is None:
        return None
    value = _raw(cursor)
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str):
        raise _bad()
    try:
        due = datetime.fromisoformat(value[0])
    except ValueError as exc:
        raise _bad() from exc
    if due.tzinfo is None:
        raise _bad()
    return due, _key(value[1])


def link(path: str, cursor: str | None, limit: int) -> dict[str, str]:
    """The ``Link`` header of a page that has a next one."""
    return {"Link": f'<{path}?cursor={cursor}&limit={limit}>; rel="next"'} if cursor else {}
