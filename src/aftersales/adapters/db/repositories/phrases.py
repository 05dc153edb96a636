"""Quick phrases, a store's and the platform's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, insert, select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.services.values import Phrase

_p = t.quick_phrases.c


def _scope(store_id: str | None) -> ColumnElement[bool]:
    return _p.store_id.is_(None) if store_id is None else _p.store_id == store_id


class SqlPhrases(Repository):
    def add(self, store_id: str | None, text: str, by: str, at: datetime) -> Phrase:
        res = self.tx.conn.execute(insert(t.quick_phrases).values(store_id=store_id, text=text, created_by=by,
                                                                  created_at=at))
        key = res.inserted_primary_key
        assert key is not None
        return Phrase(int(key[0]), store_id, text, by, at)

    def of(self, store_id: str | None) -> list[Phrase]:
        rows = self.tx.conn.execute(select(t.quick_phrases).where(_scope(store_id)).order_by(_p.id)).all()
        return [Phrase(r.id, r.store_id, r.text, r.created_by, r.created_at) for r in rows]

    def get(self, phrase_id: int) -> Phrase | None:
        r = self.tx.conn.execute(select(t.quick_phrases).where(_p.id == phrase_id)).first()
        return None if r is None else Phrase(r.id, r.store_id, r.text, r.created_by, r.created_at)

    def remove(self, phrase_id: int) -> None:
        self.tx.conn.execute(delete(t.quick_phrases).where(_p.id == phrase_id))
