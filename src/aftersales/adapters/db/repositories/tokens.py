"""API tokens, by hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.services.values import TokenRecord

_k = t.tokens.c
_COLS = (_k.id, _k.role, _k.subject, _k.created_at, _k.expires_at, _k.revoked_at)
_LOOKUP = select(*_COLS).where(_k.token_hash == bindparam("h"))


def _record(r: Any) -> TokenRecord:
    return TokenRecord(r.id, r.role, r.subject, r.created_at, r.expires_at, r.revoked_at)


class SqlTokens(Repository):
    def create(self, token_hash: str, role: str, subject: str, at: datetime, expires_at: datetime | None) -> int:
        res = self.tx.conn.execute(insert(t.tokens).values(
            token_hash=token_hash, role=role, subject=subject, created_at=at, expires_at=expires_at,
        ).returning(_k.id))
        return int(res.scalar_one())

    def lookup(self, token_hash: str) -> TokenRecord | None:
        row = self.tx.conn.execute(_LOOKUP, {"h": token_hash}).first()
        return None if row is None else _record(row)

    def revoke(self, token_id: int, at: datetime) -> bool:
        res = self.tx.conn.execute(
            update(t.tokens).where(_k.id == token_id, _k.revoked_at.is_(None)).values(revoked_at=at))
        if res.rowcount:
            return True
        return self.tx.conn.execute(select(_k.id).where(_k.id == token_id)).first() is not None

    def page(self, after_id: int, limit: int) -> list[TokenRecord]:
        found = self.tx.conn.execute(select(*_COLS).where(_k.id > after_id).order_by(_k.id).limit(limit)).all()
        return [_record(r) for r in found]
