"""Stores and their policies."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from aftersales.adapters.db import rows
from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository, utcnow
from aftersales.domain.stores import Store, StorePolicy

_STORE_GET = select(t.stores.c.id, t.stores.c.name, t.stores.c.return_address, t.stores.c.policy).where(
    t.stores.c.id == bindparam("id"))


class SqlStores(Repository):
    def get(self, store_id: str) -> Store | None:
        cached = self.tx.seen_stores.get(store_id)
        if cached is not None:
            return cached
        row = self.tx.conn.execute(_STORE_GET, {"id": store_id}).first()
        return None if row is None else Store(row.id, row.name, row.return_address, rows.policy(row.policy))

    def upsert(self, store: Store) -> bool:
        created = self.get(store.id) is None
        now = utcnow()
        values = {"id": store.id, "name": store.name, "return_address": store.return_address,
                  "created_at": now, "updated_at": now}
        self.tx.upsert(t.stores, values, ["id"], ["name", "return_address", "updated_at"])
        self.tx.seen_stores.pop(store.id, None)
        return created

    def all(self, limit: int) -> list[Store]:
        c = t.stores.c
        found = self.tx.conn.execute(select(c.id, c.name, c.return_address, c.policy).order_by(c.id).limit(limit))
        return [Store(r.id, r.name, r.return_address, rows.policy(r.policy)) for r in found.all()]

    def set_policy(self, store_id: str, policy: StorePolicy | None) -> None:
        self.tx.conn.execute(update(t.stores).where(t.stores.c.id == store_id).values(
            policy=policy.as_dict() if policy is not None else None, updated_at=utcnow()))
        self.tx.seen_stores.pop(store_id, None)
