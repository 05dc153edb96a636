"""Armed deadlines, one row per case, claimed by lease."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.domain.model import DueTimer

_c = t.timers.c
_TIMER_DELETE = delete(t.timers).where(_c.case_id == bindparam("id"))


class SqlTimers(Repository):
    def arm(self, timer: DueTimer) -> None:
        self.tx.upsert(
            t.timers,
            {"case_id": timer.case_id, "entry": timer.entry, "due_at": timer.due_at, "action": timer.action,
             "lease_owner": None, "lease_until": None},
            ["case_id"],
            ["entry", "due_at", "action", "lease_owner", "lease_until"],
        )

    def clear(self, case_id: str) -> None:
        self.tx.conn.execute(_TIMER_DELETE, {"id": case_id})

    def claim_due(self, now: datetime, owner: str, lease_until: datetime, lease_now: datetime,
                  limit: int) -> list[DueTimer]:
        sub = (
            select(_c.case_id)
            .where(_c.due_at <= now, (_c.lease_until.is_(None)) | (_c.lease_until < lease_now))
            .order_by(_c.due_at)
            .limit(limit)
        )
        if self.tx.dialect == "postgresql":
            sub = sub.with_for_update(skip_locked=True)
        found = self.tx.conn.execute(
            update(t.timers)
            .where(_c.case_id.in_(sub.scalar_subquery()))
            .values(lease_owner=owner, lease_until=lease_until)
            .returning(_c.case_id, _c.entry, _c.due_at, _c.action)
        ).all()
        return [DueTimer(r.case_id, r.entry, r.due_at, r.action) for r in found]

    def discard(self, timer: DueTimer) -> None:
        self.tx.conn.execute(delete(t.timers).where(_c.case_id == timer.case_id, _c.entry == timer.entry))
