"""Staff users and their failed sign-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.services.values import FailedSignIns, User

_u = t.users.c
_f = t.login_failures.c


def _user(r: Any) -> User:
    return User(r.id, r.name, r.role, r.store_id, r.password_hash, r.created_at)


class SqlUsers(Repository):
    def add(self, name: str, role: str, store_id: str | None, password_hash: str, at: datetime) -> int | None:
        if self.by_name(name) is not None:
            return None
        res = self.tx.conn.execute(insert(t.users).values(
            name=name, role=role, store_id=store_id, password_hash=password_hash, created_at=at).returning(_u.id))
        return int(res.scalar_one())

    def by_name(self, name: str) -> User | None:
        row = self.tx.conn.execute(select(t.users).where(_u.name == name)).first()
        return _user(row) if row is not None else None

    def by_id(self, user_id: int) -> User | None:
        row = self.tx.conn.execute(select(t.users).where(_u.id == user_id)).first()
        return _user(row) if row is not None else None

    def of_store(self, store_id: str) -> list[User]:
        rows = self.tx.conn.execute(select(t.users).where(_u.store_id == store_id).order_by(_u.name)).all()
        return [_user(r) for r in rows]

    def fail(self, name: str, source: str, at: datetime) -> None:
        self.tx.conn.execute(insert(t.login_failures).values(name=name, source=source, at=at))

    def failures_since(self, name: str, since: datetime) -> int:
        return int(self.tx.conn.execute(
            select(func.count()).select_from(t.login_failures).where(_f.name == name, _f.at > since)).scalar_one())

    def source_failures_since(self, source: str, since: datetime) -> int:
        return int(self.tx.conn.execute(
            select(func.count()).select_from(t.login_failures).where(_f.source == source, _f.at > since)
        ).scalar_one())

    def clear_failures(self, name: str, source: str) -> None:
        self.tx.conn.execute(delete(t.login_failures).where(_f.name == name, _f.source == source))

    def busiest(self, since: datetime, at_least: int, by: str, limit: int = 50) -> list[FailedSignIns]:
        col = _f.source if by == "source" else _f.name
        n = func.count().label("n")
        rows = self.tx.conn.execute(
            select(col, n, func.min(_f.at).label("first_at")).where(_f.at > since).group_by(col)
            .having(func.count() >= at_least).order_by(n.desc(), col).limit(limit)).all()
        return [FailedSignIns(r[0], int(r.n), r.first_at) for r in rows]
