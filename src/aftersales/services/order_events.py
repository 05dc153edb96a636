"""Order facts coming in one at a time from the order system (shipped, delivered, completed,
cancelled), taken once by their id, and the deadlines of the order's open cases that follow
the goods' state. A whole order posted again moves those deadlines the same way."""

from __future__ import annotations

from aftersales.domain import access, errors, order_facts
from aftersales.domain.model import Actor, Order
from aftersales.services import commands as c
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.record import record
from aftersales.services.values import OrderEventTaken


def record_order_event(cmd: c.RecordOrderEvent, uow: UnitOfWork, deps: Deps) -> OrderEventTaken:
    """Apply one fact to the order, or answer the repeat of one taken before (by its id, or by
    the same fact already known) without applying it again."""
    access.require(cmd.actor, "write_orders")
    if cmd.type not in order_facts.KINDS:
        raise errors.ValidationFailed(f"type is one of {', '.join(order_facts.KINDS)}",
                                      f"事件类型须为 {'、'.join(order_facts.KINDS)} 之一", field="type",
                                      allowed=list(order_facts.KINDS))
    now = deps.clock.now()
    with uow.transaction():
        order = uow.orders.get(cmd.order_id)
        if order is None or not access.can_see_order(cmd.actor, order):
            raise errors.NotFound("no such order", "订单不存在")
        if cmd.event_id is not None:
            taken = uow.orders.event_taken(order.id, cmd.event_id)
            if taken is not None:
                if taken != (cmd.type, cmd.at):
                    raise errors.IdempotencyConflict(
                        f"event {cmd.event_id!r} of this order was taken before as {taken[0]} at "
                        f"{taken[1].isoformat()}", f"该订单的事件 {cmd.event_id!r} 已记录为不同内容", field="id")
                return OrderEventTaken(order, False, [])
        new = order_facts.apply(order, cmd.type, cmd.at)
        if cmd.event_id is not None:
            uow.orders.take_event(order.id, cmd.event_id, cmd.type, cmd.at, now)
        if new is None:
            return OrderEventTaken(order, False, [])
        uow.orders.upsert(new)
        moved = follow_cases(uow, deps, cmd.actor, new, cmd.type)
    return OrderEventTaken(new, True, moved)


def follow_cases(uow: UnitOfWork, deps: Deps, actor: Actor, order: Order, fact: str) -> list[str]:
    """Inside the caller's transaction: move the deadlines of the order's open cases that depend
    on the goods' state; the ids of the cases moved."""
    now = deps.clock.now()
    moved = []
    for line in order.lines:
        open_id = uow.cases.line_history(order.id, line.id).open_case_id
        case = uow.cases.get(open_id) if open_id is not None else None
        if case is None:
            continue
        out = order_facts.follow(case, order, actor, now, deps.pack, deps.calendar, fact)
        if out is not None:
            record(uow, deps, out, case.version)
            moved.append(case.id)
    return moved
