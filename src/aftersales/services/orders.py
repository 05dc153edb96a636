"""Use cases on what the marketplace's order system pushes in (stores, orders, store policies)
and on order lines (eligibility, reopening after review)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from aftersales.domain import access, eligibility, errors, order_facts
from aftersales.domain import store_policy as store_policies
from aftersales.domain.clauses import Finding, Verdict
from aftersales.domain.eligibility import LineFacts, Option
from aftersales.domain.model import Actor, Line, Order, Reopening, Role
from aftersales.domain.stores import Store, StorePolicy
from aftersales.domain.timecalc import Duration, Unit, add
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.deps import Deps
from aftersales.services.order_events import follow_cases
from aftersales.services.ports import UnitOfWork
from aftersales.services.record import store_of
from aftersales.services.values import Page

_PROGRESS = tuple(order_facts.FIELD[kind] for kind in order_facts.PROGRESS)


def upsert_store(cmd: c.UpsertStore, uow: UnitOfWork, deps: Deps) -> bool:
    """Create or update a store; True when created."""
    access.require(cmd.actor, "write_orders")
    if not cmd.store.return_address.strip():
        raise errors.ValidationFailed("return_address must not be empty", "退货地址不能为空", field="return_address")
    with uow.transaction():
        return uow.stores.upsert(cmd.store)


def upsert_order(cmd: c.UpsertOrder, uow: UnitOfWork, deps: Deps) -> bool:
    """Create an order or advance it; True when created.

    A later post may fill in or move later ``shipped_at``, ``delivered_at`` and
    ``completed_at``; it may not move them back, change the buyer or store, or
    drop a line (cases refer to them).
    """
    access.require(cmd.actor, "write_orders")
    order = cmd.order
    _validate_order(order)
    with uow.transaction():
        if uow.stores.get(order.store_id) is None:
            raise errors.ValidationFailed(
                f"unknown store {order.store_id!r}; create it first", f"店铺 {order.store_id!r} 不存在,请先创建",
                field="store",
            )
        old = uow.orders.get(order.id)
        if old is not None:
            _validate_advance(old, order)
            order = dataclasses.replace(order, cancelled_at=old.cancelled_at)  # an event's to set, not a post's
        field = order_facts.FIELD
        changed = [kind for kind in order_facts.PROGRESS
                   if old is not None and getattr(old, field[kind]) != getattr(order, field[kind])]
        if changed and old is not None and old.cancelled_at is not None:
            raise errors.OrderEventConflict("the order was cancelled: it takes no shipment, delivery or completion",
                                            "订单已取消,不能再记录发货、签收或交易成功", field="shipped_at")
        created = uow.orders.upsert(order)
        if changed:  # only an order that was there before has changed
            follow_cases(uow, deps, cmd.actor, order, changed[-1])
        return created


def _validate_order(order: Order) -> None:
    if not order.lines:
        raise errors.ValidationFailed("an order needs at least one line", "订单至少需要一个商品", field="lines")
    ids = [line.id for line in order.lines]
    if len(set(ids)) != len(ids):
        raise errors.ValidationFailed("line ids must be unique within the order", "订单内商品 id 不能重复",
                                      field="lines")
    prev_name, prev = "paid_at", order.paid_at
    for name in _PROGRESS:
        value: datetime | None = getattr(order, name)
        if value is None:
            continue
        if value < prev:
            raise errors.ValidationFailed(f"{name} is before {prev_name}", f"{name} 早于 {prev_name}", field=name)
        prev_name, prev = name, value


def _validate_advance(old: Order, new: Order) -> None:
    if (old.buyer_id, old.store_id) != (new.buyer_id, new.store_id):
        raise errors.ValidationFailed("an order's buyer and store cannot change", "订单的买家和店铺不能修改",
                                      field="buyer")
    for name in _PROGRESS:
        before: datetime | None = getattr(old, name)
        after: datetime | None = getattr(new, name)
        if before is not None and (after is None or after < before):
            raise errors.ValidationFailed(
                f"{name} may only be filled in or moved later", f"{name} 只能补充或推后,不能撤回或提前", field=name
            )
    missing = {line.id for line in old.lines} - {line.id for line in new.lines}
    if missing:
        raise errors.ValidationFailed(
            f"lines cannot be removed: {', '.join(sorted(missing))}", "订单商品不能删除", field="lines"
        )


def set_store_policy(cmd: c.SetStorePolicy, uow: UnitOfWork, deps: Deps) -> list[Finding]:
    """Replace a store's policy. Refused whole when a clause is void, naming each and the rule it
    breaks; otherwise stored, with every clause's finding returned."""
    with uow.transaction():
        access.set_policy(cmd.actor, cmd.store_id, uow.stores.get(cmd.store_id) is not None)
        findings = _lint(cmd.policy, deps)
        void = [f for f in findings if f.verdict is Verdict.VOID]
        if void:
            raise errors.PolicyVoidClause(
                "these clauses take away what the rules give the buyer: "
                + "; ".join(f"{f.clause} ({f.scope or 'all'}): {f.why.en}" for f in void),
                "以下条款减损了买家的权利:" + ";".join(f"{f.clause}({f.scope or '全部'}):{f.why.zh}" for f in void),
                findings=[f.as_dict() for f in findings],
            )
        uow.stores.set_policy(cmd.store_id, cmd.policy)
        return findings


def _lint(policy: StorePolicy | None, deps: Deps) -> list[Finding]:
    return store_policies.lint(policy, deps.pack) if policy is not None else []


def lint_policy(query: q.LintPolicy, uow: UnitOfWork, deps: Deps) -> list[Finding]:
    return _lint(query.policy, deps)


def get_store(query: q.GetStore, uow: UnitOfWork, deps: Deps) -> Store:
    with uow.read():
        store = uow.stores.get(query.store_id)
    access.visible_store(query.actor, query.store_id, store is not None)
    assert store is not None
    return store


def get_store_policy(query: q.GetStorePolicy, uow: UnitOfWork, deps: Deps) -> tuple[StorePolicy | None, list[Finding]]:
    store = get_store(q.GetStore(actor=query.actor, store_id=query.store_id), uow, deps)
    return store.policy, _lint(store.policy, deps)


def get_order(query: q.GetOrder, uow: UnitOfWork, deps: Deps) -> Order:
    with uow.read():
        return access.visible_order(query.actor, uow.orders.get(query.order_id))


def list_orders(query: q.ListOrders, uow: UnitOfWork, deps: Deps) -> Page[Order]:
    """A buyer's own orders; other roles find orders by id."""
    if query.actor.role is not Role.BUYER:
        raise errors.Forbidden("only a buyer lists their orders", "只有买家可以查看自己的订单列表")
    with uow.read():
        rows = uow.orders.of_buyer(query.actor.id, query.before, query.limit + 1)
    return Page.of(rows, query.limit, lambda o: (o.paid_at, o.id))


def line_eligibility(query: q.LineEligibility, uow: UnitOfWork, deps: Deps) -> tuple[datetime, list[Option]]:
    """Every type and reason pair for one line, as the buyer would be answered at ``at``."""
    at = deps.now(query.at)
    with uow.read():
        order, line = visible_line(uow, query.actor, query.order_id, query.line_id)
        facts = line_facts(uow, deps, order, line)
    return at, eligibility.options(facts, at)


def visible_line(uow: UnitOfWork, actor: Actor, order_id: str, line_id: str) -> tuple[Order, Line]:
    """The order and its line, if the actor may see them (inside the caller's read); NotFound otherwise."""
    order = access.visible_order(actor, uow.orders.get(order_id))
    line = order.line(line_id)
    if line is None:
        raise errors.NotFound("no such order line", "订单商品不存在")
    return order, line


def line_facts(uow: UnitOfWork, deps: Deps, order: Order, line: Line) -> LineFacts:
    """What eligibility weighs for a line (inside the caller's read): its cases so far, the
    calendar and the store's own rules beside the pack's."""
    history = uow.cases.line_history(order.id, line.id)
    store = store_of(uow, order.store_id)
    rules = store_policies.store_rules(store.policy, deps.pack)
    return LineFacts(order, line, deps.pack, history, deps.calendar, rules)


def line_reopenings(query: q.LineReopenings, uow: UnitOfWork, deps: Deps) -> list[Reopening]:
    with uow.read():
        order = uow.orders.get(query.order_id)
        if order is None or order.line(query.line_id) is None or not access.can_see_order(query.actor, order):
            raise errors.NotFound("no such order line", "订单商品不存在")
        return uow.reopenings.for_line(query.order_id, query.line_id)


def reopen_line(cmd: c.ReopenLine, uow: UnitOfWork, deps: Deps) -> Reopening:
    """After review, the platform reopens a line's closed windows for ``days`` natural days
    from now, with one more after-sale claim (DESIGN 3.4). Recorded; never edited."""
    access.require(cmd.actor, "reopen_line")
    if not 1 <= cmd.days <= 365:
        raise errors.ValidationFailed("days must be between 1 and 365", "天数须在 1 到 365 之间", field="days")
    at = deps.now(cmd.at)
    with uow.transaction():
        order = uow.orders.get(cmd.order_id)
        if order is None or order.line(cmd.line_id) is None:
            raise errors.NotFound("no such order line", "订单商品不存在")
        until = add(at, Duration(cmd.days, Unit.DAYS), deps.pack.zone, deps.calendar).at
        grant = Reopening(cmd.order_id, cmd.line_id, at, until, cmd.days, cmd.actor, cmd.note)
        uow.reopenings.add(grant)
        return grant
