"""Payouts to the buyer, pending until the gateway gives its final answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.adapters.db.rows import payout_row
from aftersales.domain.payouts import Payout, PayoutRequest

_p = t.payouts.c
_PAYOUT_COLS = (_p.id, _p.case_id, _p.kind, _p.amount, _p.key, _p.state, _p.requested_at, _p.attempts)
_PAYOUT_INSERT = insert(t.payouts)
_CLAIMABLE = (
    select(_p.id)
    .where(_p.state == "pending", _p.lease_until.is_(None) | (_p.lease_until < bindparam("lease_now")))
    .order_by(_p.id)
    .limit(bindparam("limit"))
)
_PAYOUT_GET = select(*_PAYOUT_COLS).where(_p.key == bindparam("k"))
_PAYOUTS_OF_CASE = select(*_PAYOUT_COLS).where(_p.case_id == bindparam("c")).order_by(_p.id)
_PAYOUT_GET_LOCKED = _PAYOUT_GET.with_for_update()
_PAYOUT_MARK = update(t.payouts).where(_p.key == bindparam("k")).values(
    state=bindparam("state"), reference=bindparam("ref"), settled_at=bindparam("at"), lease_owner=None,
    lease_until=None,
)
_PAYOUT_DEFER = update(t.payouts).where(_p.key == bindparam("k")).values(
    lease_owner=bindparam("owner"), lease_until=bindparam("until"),
)


def _claim(claimable: Any) -> Any:
    return (update(t.payouts).where(_p.id.in_(claimable.scalar_subquery()))
            .values(lease_owner=bindparam("owner"), lease_until=bindparam("until"), attempts=_p.attempts + 1)
            .returning(*_PAYOUT_COLS))


# PostgreSQL: a second worker skips the rows the first is claiming instead of waiting for
# them; SQLite's single writer serialises the claims anyway.
_PAYOUT_CLAIM = {"postgresql": _claim(_CLAIMABLE.with_for_update(skip_locked=True)), "sqlite": _claim(_CLAIMABLE)}


class SqlPayouts(Repository):
    def add(self, payouts: Sequence[PayoutRequest], at: datetime) -> None:
        self.tx.conn.execute(_PAYOUT_INSERT, [payout_row(p, at) for p in payouts])

    def claim(self, lease_now: datetime, owner: str, lease_until: datetime, limit: int) -> list[Payout]:
        found = self.tx.conn.execute(_PAYOUT_CLAIM.get(self.tx.dialect, _PAYOUT_CLAIM["sqlite"]), {
            "lease_now": lease_now, "limit": limit, "owner": owner, "until": lease_until}).all()
        return sorted((Payout(*r) for r in found), key=lambda p: p.id)

    def defer(self, key: str, owner: str, lease_until: datetime) -> None:
        self.tx.conn.execute(_PAYOUT_DEFER, {"k": key, "owner": owner, "until": lease_until})

    def get(self, key: str) -> Payout | None:
        q = _PAYOUT_GET_LOCKED if self.tx.writing and self.tx.dialect == "postgresql" else _PAYOUT_GET
        row = self.tx.conn.execute(q, {"k": key}).first()
        return None if row is None else Payout(*row)

    def for_case(self, case_id: str) -> list[Payout]:
        return [Payout(*r) for r in self.tx.conn.execute(_PAYOUTS_OF_CASE, {"c": case_id}).all()]

    def mark(self, key: str, state: str, reference: str, settled_at: datetime | None) -> None:
        self.tx.conn.execute(_PAYOUT_MARK, {"k": key, "state": state, "ref": reference, "at": settled_at})
