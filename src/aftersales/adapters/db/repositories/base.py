"""What a repository needs of the unit of work it belongs to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Table

from aftersales.adapters.db.engine import Database
from aftersales.domain.stores import Store


class Tx(Protocol):
    """The unit of work as its repositories see it: the open transaction's connection."""

    @property
    def conn(self) -> Connection: ...

    @property
    def dialect(self) -> str: ...

    @property
    def writing(self) -> bool: ...

    @property
    def db(self) -> Database: ...

    seen_stores: dict[str, Store]
    seen_cases: dict[str, dict[str, Any]]

    def upsert(self, table: Table, values: dict[str, Any], keys: list[str], update_cols: list[str]) -> None: ...


class Repository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx


def utcnow() -> datetime:
    """Bookkeeping time (created_at, recorded_at): always the real clock, never a test clock."""
    return datetime.now(UTC)
