"""API tokens, by hash."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.services.values import TokenRecord

_k = t.tokens.c
_COLS = (_k.id, _k.role, _k.subject, _k.created_at, _k.expires_at, _k.revoked_at, _k.kind, _k.user_id)
# Every request authenticates: the lookup goes straight to the driver, as the SQLite BEGIN
# does, because SQLAlchemy's execution path costs several times what the database spends on a
# point lookup by a unique key (about a tenth of a request, measured; docs/performance.md).
_LOOKUP = "SELECT id, role, subject, created_at, expires_at, revoked_at, kind, user_id FROM tokens WHERE token_hash = "
_LOOKUP_SQL = {"sqlite": _LOOKUP + "?", "postgresql": _LOOKUP + "%s"}


def _record(r: Any) -> TokenRecord:
    return TokenRecord(r.id, r.role, r.subject, r.created_at, r.expires_at, r.revoked_at, r.kind, r.user_id)


def _when(value: Any) -> datetime | None:
    """A time as the driver gives it: aware from psycopg, naive UTC text from SQLite."""
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


class SqlTokens(Repository):
    def create(self, token_hash: str, role: str, subject: str, at: datetime, expires_at: datetime | None,
               kind: str = "api", user_id: int | None = None) -> int:
        res = self.tx.conn.execute(insert(t.tokens).values(
            token_hash=token_hash, role=role, subject=subject, created_at=at, expires_at=expires_at, kind=kind,
            user_id=user_id,
        ).returning(_k.id))
        return int(res.scalar_one())

    def lookup(self, token_hash: str) -> TokenRecord | None:
        row = self.tx.db.read_one(_LOOKUP_SQL[self.tx.dialect], (token_hash,))
        if row is None:
            return None
        token_id, role, subject, created, expires, revoked, kind, user_id = row
        created_at = _when(created)
        assert created_at is not None  # NOT NULL
        return TokenRecord(token_id, role, subject, created_at, _when(expires), _when(revoked), kind, user_id)

    def revoke(self, token_id: int, at: datetime) -> bool:
        res = self.tx.conn.execute(
            update(t.tokens).where(_k.id == token_id, _k.revoked_at.is_(None)).values(revoked_at=at))
        if res.rowcount:
            return True
        return self.tx.conn.execute(select(_k.id).where(_k.id == token_id)).first() is not None

    def consume(self, token_hash: str, kind: str, at: datetime) -> bool:
        """Revoke a live token of this kind by its hash; False if it was not live (used, revoked
        or unknown). One statement, so two requests racing to use a one-time link cannot both win."""
        res = self.tx.conn.execute(update(t.tokens).where(
            _k.token_hash == token_hash, _k.kind == kind, _k.revoked_at.is_(None),
            (_k.expires_at.is_(None)) | (_k.expires_at > at)).values(revoked_at=at))
        return bool(res.rowcount)

    def revoke_all(self, kind: str, at: datetime, *, user_id: int | None = None, subject: str | None = None) -> int:
        """Revoke every live token of this kind for a staff user or a subject (signing out everywhere)."""
        where = [_k.kind == kind, _k.revoked_at.is_(None)]
        where.append(_k.user_id == user_id if user_id is not None else _k.subject == subject)
        return int(self.tx.conn.execute(update(t.tokens).where(*where).values(revoked_at=at)).rowcount)

    def page(self, after_id: int, limit: int) -> list[TokenRecord]:
        """API tokens only: sessions and login links are not the operator's to list."""
        found = self.tx.conn.execute(select(*_COLS).where(_k.id > after_id, _k.kind == "api")
                                     .order_by(_k.id).limit(limit)).all()
        return [_record(r) for r in found]
