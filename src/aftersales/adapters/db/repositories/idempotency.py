"""Replies kept under idempotency keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.domain.errors import KeyTaken
from aftersales.services.values import StoredReply

_k = t.idempotency_keys.c


class SqlIdempotency(Repository):
    def get(self, principal: str, key: str) -> StoredReply | None:
        row = self.tx.conn.execute(
            select(_k.fingerprint, _k.status_code, _k.body, _k.headers).where(_k.principal == principal, _k.key == key)
        ).first()
        return None if row is None else StoredReply(row.fingerprint, row.status_code, bytes(row.body),
                                                    dict(row.headers))

    def put(self, principal: str, key: str, reply: StoredReply, at: datetime) -> None:
        try:
            self.tx.conn.execute(insert(t.idempotency_keys).values(
                principal=principal, key=key, fingerprint=reply.fingerprint, status_code=reply.status_code,
                body=reply.body, headers=reply.headers, created_at=at,
            ))
        except IntegrityError as exc:
            # On PostgreSQL a concurrent request with the same key committed first.
            raise KeyTaken(f"idempotency key {key!r} of {principal}") from exc

    def purge(self, before: datetime) -> int:
        res = self.tx.conn.execute(delete(t.idempotency_keys).where(_k.created_at < before))
        return int(res.rowcount or 0)
