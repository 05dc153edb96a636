"""The outbox of event objects, webhook endpoints, their deliveries and attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository, utcnow
from aftersales.domain.event_types import TEST
from aftersales.domain.webhooks import Endpoint
from aftersales.services.webhooks.values import (
    ANSWER_KEPT,
    Attempt,
    Delivery,
    DueDelivery,
    NewEvent,
    SendResult,
    StoredEvent,
    Unsent,
)

_o, _e, _d, _a = t.outbox.c, t.webhook_endpoints.c, t.webhook_deliveries.c, t.webhook_attempts.c
# Any constant will do: every transaction that writes events takes this one lock just before it
# commits, so on PostgreSQL the outbox's positions are given in commit order (SQLite has one writer).
_OUTBOX_LOCK = text("SELECT pg_advisory_xact_lock(7260415)")
_EVENT_COLS = (_o.seq, _o.id, _o.type, _o.case_id, _o.store_id, _o.created_at, _o.body)
# Built once: a statement made per event (its .values() and cache key) cost more than running it.
_EVENT_INSERT = insert(t.outbox)
_DELIVERY_INSERT = insert(t.webhook_deliveries)
_FAN_OUT = "webhooks"
_CURSOR = select(t.outbox_cursors.c.seq).where(t.outbox_cursors.c.name == _FAN_OUT)
_CURSOR_LOCKED = _CURSOR.with_for_update()
_CURSOR_MADE = {"postgresql": postgresql.insert(t.outbox_cursors).on_conflict_do_nothing(),
                "sqlite": sqlite.insert(t.outbox_cursors).on_conflict_do_nothing()}
_CURSOR_MOVE = update(t.outbox_cursors).where(t.outbox_cursors.c.name == _FAN_OUT).values(seq=bindparam("seq"))
_UNSENT = (select(_o.seq, _o.type, _o.case_id, _o.store_id, _o.endpoint_id).where(_o.seq > bindparam("after"))
           .order_by(_o.seq).limit(bindparam("limit")))
_ENABLED = select(t.webhook_endpoints).where(_e.enabled.is_(True))


class SqlOutbox(Repository):
    """Events are held until the transaction commits (``flush``), then written under the lock."""

    def __init__(self, tx: Any) -> None:
        super().__init__(tx)
        self.pending: list[NewEvent] = []

    def add(self, event: NewEvent) -> None:
        self.pending.append(event)

    def flush(self) -> None:
        """Write the held events, in the transaction about to commit."""
        if not self.pending:
            return
        events, self.pending = self.pending, []
        conn = self.tx.conn
        if self.tx.dialect == "postgresql":
            conn.execute(_OUTBOX_LOCK)
        now = utcnow()
        rows = [{"id": e.id, "type": e.type, "case_id": e.case_id, "store_id": e.store_id, "created_at": e.created_at,
                 "recorded_at": now, "body": e.body, "endpoint_id": e.endpoint_id} for e in events]
        # One row (nearly always) as one row: a list, even of one, takes the batching path.
        conn.execute(_EVENT_INSERT, rows[0] if len(rows) == 1 else rows)

    def unsent(self, limit: int) -> tuple[int, list[Unsent]]:
        conn = self.tx.conn
        conn.execute(_CURSOR_MADE[self.tx.dialect], {"name": _FAN_OUT, "seq": 0})
        at = conn.execute(_CURSOR_LOCKED if self.tx.dialect == "postgresql" else _CURSOR).scalar_one()
        rows = conn.execute(_UNSENT, {"after": at, "limit": limit}).all()
        return int(at), [Unsent(*r) for r in rows]

    def sent_up_to(self, seq: int) -> None:
        self.tx.conn.execute(_CURSOR_MOVE, {"seq": seq})

    def purge(self, before: datetime, limit: int) -> int:
        conn = self.tx.conn
        fanned = conn.execute(_CURSOR).scalar_one_or_none() or 0
        waiting = select(_d.event_seq).where(_d.state == "pending")
        seqs = list(conn.execute(select(_o.seq).where(_o.recorded_at < before, _o.seq <= fanned,
                                                      _o.seq.not_in(waiting)).order_by(_o.seq).limit(limit)).scalars())
        if not seqs:
            return 0
        gone = select(_d.id).where(_d.event_seq.in_(seqs))
        conn.execute(delete(t.webhook_attempts).where(_a.delivery_id.in_(gone)))
        conn.execute(delete(t.webhook_deliveries).where(_d.event_seq.in_(seqs)))
        conn.execute(delete(t.outbox).where(_o.seq.in_(seqs)))
        return len(seqs)

    def page(self, store_id: str | None, after: int, types: Sequence[str], case_id: str | None,
             limit: int) -> list[StoredEvent]:
        q = select(*_EVENT_COLS).where(_o.seq > after, _o.type != TEST)
        if store_id is not None:
            q = q.where(_o.store_id == store_id)
        if types:
            q = q.where(_o.type.in_(list(types)))
        if case_id is not None:
            q = q.where(_o.case_id == case_id)
        return [StoredEvent(*r) for r in self.tx.conn.execute(q.order_by(_o.seq).limit(limit)).all()]

    def position(self, event_id: str, store_id: str | None) -> int | None:
        q = select(_o.seq).where(_o.id == event_id)
        if store_id is not None:
            q = q.where(_o.store_id == store_id)
        return self.tx.conn.execute(q).scalar_one_or_none()


def _endpoint(r: Any) -> Endpoint:
    return Endpoint(r.id, r.url, r.store_id, tuple(r.events) if r.events is not None else None, r.description,
                    r.generation, r.previous_until, r.enabled, r.disabled_reason, r.failing_since, r.created_by,
                    r.created_at, r.updated_at)


def _endpoint_row(e: Endpoint) -> dict[str, Any]:
    return {"id": e.id, "url": e.url, "store_id": e.store_id, "events": list(e.events) if e.events else None,
            "description": e.description, "generation": e.generation, "previous_until": e.previous_until,
            "enabled": e.enabled, "disabled_reason": e.disabled_reason, "failing_since": e.failing_since,
            "created_by": e.created_by, "created_at": e.created_at, "updated_at": e.updated_at}


_earlier = aliased(t.webhook_deliveries)
# The first waiting event of its case to its endpoint, asked per candidate as a scalar subquery:
# an index probe each (ix_webhook_deliveries_waiting), taken in due order until the claim is
# full. As a NOT EXISTS it was planned as an anti-join over everything waiting, which before
# statistics meant every waiting row scanned for every waiting row (0.7 s with 3,000 waiting).
_HEAD = (select(func.min(_earlier.c.event_seq))
         .where(_earlier.c.endpoint_id == _d.endpoint_id, _earlier.c.case_id == _d.case_id,
                _earlier.c.state == "pending")
         .scalar_subquery())
_DUE = (
    select(_d.id)
    .join(t.webhook_endpoints, _e.id == _d.endpoint_id)
    .where(_d.state == "pending", _d.next_at <= bindparam("now"), _e.enabled.is_(True),
           _d.lease_until.is_(None) | (_d.lease_until < bindparam("now")),
           _d.case_id.is_(None) | (_d.event_seq == _HEAD))
    .order_by(_d.next_at, _d.id)
)


class SqlWebhooks(Repository):
    def add(self, endpoint: Endpoint) -> None:
        self.tx.conn.execute(insert(t.webhook_endpoints).values(**_endpoint_row(endpoint)))

    def get(self, endpoint_id: str) -> Endpoint | None:
        q = select(t.webhook_endpoints).where(_e.id == endpoint_id)
        if self.tx.writing and self.tx.dialect == "postgresql":
            q = q.with_for_update()  # read to be changed: a concurrent change waits, none is lost
        row = self.tx.conn.execute(q).first()
        return None if row is None else _endpoint(row)

    def of(self, store_id: str | None) -> list[Endpoint]:
        q = select(t.webhook_endpoints).order_by(_e.created_at, _e.id)
        if store_id is not None:
            q = q.where(_e.store_id == store_id)
        return [_endpoint(r) for r in self.tx.conn.execute(q).all()]

    def enabled(self) -> list[Endpoint]:
        rows = self.tx.conn.execute(_ENABLED).all()
        return [_endpoint(r) for r in rows]

    def update(self, endpoint: Endpoint) -> None:
        row = _endpoint_row(endpoint)
        del row["id"]
        self.tx.conn.execute(update(t.webhook_endpoints).where(_e.id == endpoint.id).values(**row))

    def answered(self, endpoint_id: str) -> None:
        self.tx.conn.execute(update(t.webhook_endpoints).where(_e.id == endpoint_id, _e.failing_since.is_not(None))
                             .values(failing_since=None))

    def failed(self, endpoint_id: str, at: datetime, failing_before: datetime) -> bool:
        conn = self.tx.conn
        conn.execute(update(t.webhook_endpoints).where(_e.id == endpoint_id, _e.failing_since.is_(None))
                     .values(failing_since=at))
        off = conn.execute(update(t.webhook_endpoints).where(
            _e.id == endpoint_id, _e.enabled.is_(True), _e.failing_since <= failing_before)
            .values(enabled=False, disabled_reason="failing", updated_at=at))
        return bool(off.rowcount)

    def add_deliveries(self, deliveries: Sequence[tuple[str, int, str | None]], at: datetime) -> None:
        if deliveries:
            self.tx.conn.execute(_DELIVERY_INSERT, [
                {"endpoint_id": e, "event_seq": seq, "case_id": case, "state": "pending", "attempts": 0, "next_at": at,
                 "first_at": at} for e, seq, case in deliveries])

    def delete(self, endpoint_id: str) -> None:
        conn = self.tx.conn
        ids = select(_d.id).where(_d.endpoint_id == endpoint_id).scalar_subquery()
        conn.execute(delete(t.webhook_attempts).where(_a.delivery_id.in_(ids)))
        conn.execute(delete(t.webhook_deliveries).where(_d.endpoint_id == endpoint_id))
        conn.execute(delete(t.webhook_endpoints).where(_e.id == endpoint_id))

    def claim(self, now: datetime, owner: str, lease_until: datetime, limit: int) -> list[DueDelivery]:
        due = _DUE.limit(limit)
        if self.tx.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True, of=t.webhook_deliveries)
        conn = self.tx.conn
        claimed = conn.execute(
            update(t.webhook_deliveries).where(_d.id.in_(due.scalar_subquery()))
            .values(lease_owner=owner, lease_until=lease_until, attempts=_d.attempts + 1)
            .returning(_d.id, _d.endpoint_id, _d.event_seq, _d.attempts, _d.first_at),
            {"now": now},
        ).all()
        if not claimed:
            return []
        endpoints = {r.id: _endpoint(r) for r in conn.execute(
            select(t.webhook_endpoints).where(_e.id.in_({c.endpoint_id for c in claimed}))).all()}
        bodies = {r.seq: (r.id, r.body) for r in conn.execute(
            select(_o.seq, _o.id, _o.body).where(_o.seq.in_({c.event_seq for c in claimed}))).all()}
        return [DueDelivery(c.id, endpoints[c.endpoint_id], *bodies[c.event_seq], c.attempts, c.first_at)
                for c in sorted(claimed, key=lambda c: c.id)]

    def finish(self, delivery: DueDelivery, owner: str, result: SendResult, at: datetime, state: str,
               next_at: datetime | None) -> bool:
        conn = self.tx.conn
        values: dict[str, Any] = {"state": state, "lease_owner": None, "lease_until": None}
        if next_at is not None:
            values["next_at"] = next_at
        if state == "delivered":
            values["delivered_at"] = at
        done = conn.execute(update(t.webhook_deliveries).where(
            _d.id == delivery.id, _d.lease_owner == owner, _d.state == "pending").values(**values))
        if done.rowcount != 1:
            return False
        conn.execute(insert(t.webhook_attempts).values(
            delivery_id=delivery.id, attempt=delivery.attempt, at=at, status=result.status,
            duration_ms=result.duration_ms, error=(result.error or None) and result.error[:200],
            answer=result.answer[:ANSWER_KEPT] or None, ok=result.ok))
        return True

    def deliveries(self, endpoint_id: str, before: int | None, state: str | None, limit: int) -> list[Delivery]:
        q = (select(_d.id, _d.endpoint_id, _o.id.label("event_id"), _o.type, _d.case_id, _d.state, _d.attempts,
                    _d.next_at, _d.first_at, _d.delivered_at)
             .join(t.outbox, _o.seq == _d.event_seq).where(_d.endpoint_id == endpoint_id))
        if before is not None:
            q = q.where(_d.id < before)
        if state is not None:
            q = q.where(_d.state == state)
        rows = self.tx.conn.execute(q.order_by(_d.id.desc()).limit(limit)).all()
        tries: dict[int, list[Attempt]] = {}
        if rows:
            for a in self.tx.conn.execute(select(t.webhook_attempts).where(
                    _a.delivery_id.in_([r.id for r in rows])).order_by(_a.delivery_id, _a.attempt)).all():
                tries.setdefault(a.delivery_id, []).append(
                    Attempt(a.attempt, a.at, a.status, a.duration_ms, a.error, a.answer, a.ok))
        return [Delivery(r.id, r.endpoint_id, r.event_id, r.type, r.case_id, r.state, r.attempts,
                         r.next_at if r.state == "pending" else None, r.first_at, r.delivered_at,
                         tuple(tries.get(r.id, ()))) for r in rows]

    def replay(self, endpoint_id: str, delivery_id: int | None, since: datetime | None, at: datetime) -> int:
        # One being sent right now is left to its sender.
        which = and_(_d.endpoint_id == endpoint_id, _d.lease_until.is_(None) | (_d.lease_until < at))
        if delivery_id is not None:
            which = and_(which, _d.id == delivery_id)
        else:
            which = and_(which, _d.state == "failed", _d.first_at >= since)
        done = self.tx.conn.execute(update(t.webhook_deliveries).where(which).values(
            state="pending", next_at=at, first_at=at, lease_owner=None, lease_until=None))
        return int(done.rowcount)
