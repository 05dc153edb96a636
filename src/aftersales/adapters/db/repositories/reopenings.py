"""A line's reopenings, granted after review (append-only)."""

from __future__ import annotations

from sqlalchemy import insert, select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.domain.model import Actor, Reason, Reopening, Role

_r = t.line_reopenings.c


class SqlReopenings(Repository):
    def add(self, reopening: Reopening) -> None:
        self.tx.conn.execute(insert(t.line_reopenings).values(
            order_id=reopening.order_id, line_id=reopening.line_id, granted_at=reopening.granted_at,
            until=reopening.until, days=reopening.days, granted_by_role=reopening.granted_by.role.value,
            granted_by=reopening.granted_by.id, note=reopening.note,
            reason=reopening.reason.value if reopening.reason else None))

    def for_line(self, order_id: str, line_id: str) -> list[Reopening]:
        found = self.tx.conn.execute(
            select(t.line_reopenings).where(_r.order_id == order_id, _r.line_id == line_id).order_by(_r.id)).all()
        return [Reopening(x.order_id, x.line_id, x.granted_at, x.until, x.days,
                          Actor(Role(x.granted_by_role), x.granted_by), x.note,
                          Reason(x.reason) if x.reason else None) for x in found]
