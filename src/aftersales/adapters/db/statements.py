"""Statements built once and executed with bound parameters.

SQLAlchemy then finds the compiled form in its cache by identity instead of rebuilding
and re-keying a statement on every call, which profiling showed cost more than the SQL
itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def upsert_statement(dialect: str, table: Table, keys: tuple[str, ...], cols: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET cols, for this dialect."""
    key = (dialect, table.name, keys, cols)
    stmt = _UPSERTS.get(key)
    if stmt is None:
        ins: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        stmt = _UPSERTS[key] = ins.on_conflict_do_update(
            index_elements=list(keys), set_={c: ins.excluded[c] for c in cols}
        )
    return stmt
