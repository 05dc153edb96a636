"""Orders with their lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, tuple_

from aftersales.adapters.db import rows
from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository, utcnow
from aftersales.domain.model import Category, Line, Order
from aftersales.domain.stores import Store

_ORDER_COLS = [c for c in t.orders.c if c.name not in ("created_at",)]
_LINE_COLS = [c for c in t.order_lines.c if c.name != "order_id"]
# The order, its lines and its store in one round trip: every action needs all three.
_ORDER_GET = (
    select(*_ORDER_COLS, *[c.label(f"l_{c.name}") for c in _LINE_COLS],
           t.stores.c.name.label("s_name"), t.stores.c.return_address.label("s_return_address"),
           t.stores.c.policy.label("s_policy"))
    .join_from(t.orders, t.order_lines, t.order_lines.c.order_id == t.orders.c.id)
    .join(t.stores, t.stores.c.id == t.orders.c.store_id)
    .where(t.orders.c.id == bindparam("id"))
    .order_by(t.order_lines.c.position)
)
_ORDER_EXISTS = select(t.orders.c.id).where(t.orders.c.id == bindparam("id"))


class SqlOrders(Repository):
    def get(self, order_id: str) -> Order | None:
        found = self.tx.conn.execute(_ORDER_GET, {"id": order_id}).all()
        if not found:
            return None
        r = found[0]
        self.tx.seen_stores[r.store_id] = Store(r.store_id, r.s_name, r.s_return_address, rows.policy(r.s_policy))
        lines = [
            Line(x.l_line_id, x.l_title, Category(x.l_category), x.l_quantity, x.l_paid, bool(x.l_no_reason_waived),
                 x.l_usage_days, x.l_return_insurance_cap)
            for x in found
        ]
        return Order(r.id, r.store_id, r.buyer_id, r.paid_at, r.shipped_at, r.delivered_at, r.completed_at,
                     r.shipping_fee, lines, r.free_shipping_threshold, r.cancelled_at)

    def upsert(self, order: Order) -> bool:
        created = self.tx.conn.execute(_ORDER_EXISTS, {"id": order.id}).first() is None
        now = utcnow()
        values = {
            "id": order.id, "store_id": order.store_id, "buyer_id": order.buyer_id, "paid_at": order.paid_at,
            "shipped_at": order.shipped_at, "delivered_at": order.delivered_at, "completed_at": order.completed_at,
            "shipping_fee": order.shipping_fee, "free_shipping_threshold": order.free_shipping_threshold,
            "cancelled_at": order.cancelled_at, "created_at": now, "updated_at": now,
        }
        self.tx.upsert(t.orders, values, ["id"], [k for k in values if k not in ("id", "created_at")])
        for pos, line in enumerate(order.lines):
            lv = {
                "order_id": order.id, "line_id": line.id, "position": pos, "title": line.title,
                "category": line.category.value, "quantity": line.quantity, "paid": line.paid,
                "no_reason_waived": line.no_reason_waived, "usage_days": line.usage_days,
                "return_insurance_cap": line.return_insurance_cap,
            }
            self.tx.upsert(t.order_lines, lv, ["order_id", "line_id"],
                           [k for k in lv if k not in ("order_id", "line_id")])
        return created

    def event_taken(self, order_id: str, event_id: str) -> tuple[str, datetime] | None:
        e = t.order_events.c
        found = self.tx.conn.execute(select(e.type, e.at).where(e.order_id == order_id,
                                                                e.event_id == event_id)).first()
        return None if found is None else (str(found.type), found.at)

    def take_event(self, order_id: str, event_id: str, kind: str, at: datetime, recorded_at: datetime) -> None:
        self.tx.conn.execute(insert(t.order_events).values(order_id=order_id, event_id=event_id, type=kind, at=at,
                                                           recorded_at=recorded_at))

    def of_buyer(self, buyer_id: str, before: tuple[datetime, str] | None, limit: int) -> list[Order]:
        """The buyer's orders, most recently paid first (keyset on paid time and id)."""
        o = t.orders.c
        query = select(o.id).where(o.buyer_id == buyer_id)
        if before is not None:
            query = query.where(tuple_(o.paid_at, o.id) < tuple_(*before))
        ids = self.tx.conn.execute(query.order_by(o.paid_at.desc(), o.id.desc()).limit(limit)).scalars().all()
        return [order for order in map(self.get, ids) if order is not None]
