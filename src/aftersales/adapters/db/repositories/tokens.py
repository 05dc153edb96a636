"""API tokens, by hash."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.services.values import TokenRecord

_k = t.tokens.c
_COLS = (_k.id, _k.role, _k.subject, _k.created_at, _k.expires_at, _k.revoked_at)
# Every request authenticates: the lookup goes straight to the driver, as the SQLite BEGIN
# does, because SQLAlchemy's execution path costs several times what the database spends on a
# point lookup by a unique key (about a tenth of a request, measured; docs/performance.md).
_LOOKUP_SQL = {
    "sqlite": "SELECT id, role, subject, created_at, expires_at, revoked_at FROM tokens WHERE token_hash = ?",
    "postgresql": "SELECT id, role, subject, created_at, expires_at, revoked_at FROM tokens WHERE token_hash = %s",
}


def _record(r: Any) -> TokenRecord:
    return TokenRecord(r.id, r.role, r.subject, r.created_at, r.expires_at, r.revoked_at)


def _when(value: Any) -> datetime | None:
    """A time as the driver gives it: aware from psycopg, naive UTC text from SQLite."""
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


class SqlTokens(Repository):
    def create(self, token_hash: str, role: str, subject: str, at: datetime, expires_at: datetime | None) -> int:
        res = self.tx.conn.execute(insert(t.tokens).values(
            token_hash=token_hash, role=role, subject=subject, created_at=at, expires_at=expires_at,
        ).returning(_k.id))
        return int(res.scalar_one())

    def lookup(self, token_hash: str) -> TokenRecord | None:
        row = self.tx.db.read_one(_LOOKUP_SQL[self.tx.dialect], (token_hash,))
        if row is None:
            return None
        token_id, role, subject, created, expires, revoked = row
        created_at = _when(created)
        assert created_at is not None  # NOT NULL
        return TokenRecord(token_id, role, subject, created_at, _when(expires), _when(revoked))

    def revoke(self, token_id: int, at: datetime) -> bool:
        res = self.tx.conn.execute(
            update(t.tokens).where(_k.id == token_id, _k.revoked_at.is_(None)).values(revoked_at=at))
        if res.rowcount:
            return True
        return self.tx.conn.execute(select(_k.id).where(_k.id == token_id)).first() is not None

    def page(self, after_id: int, limit: int) -> list[TokenRecord]:
        found = self.tx.conn.execute(select(*_COLS).where(_k.id > after_id).order_by(_k.id).limit(limit)).all()
        return [_record(r) for r in found]
