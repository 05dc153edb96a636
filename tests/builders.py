"""Small builders for tests: orders in a given state, and a world to run services in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from aftersales.adapters import packs
from aftersales.adapters.payments import InMemoryGateway
from aftersales.domain.case import Params
from aftersales.domain.model import (
    Actor,
    Case,
    CaseType,
    Category,
    Line,
    Order,
    Party,
    Reason,
    Role,
    RulingOutcome,
    Store,
)
from aftersales.services import handlers as svc
from aftersales.services.ports import UnitOfWork

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")  # a Monday
INTEGRATION = Actor(Role.INTEGRATION, "oms")
STORE = Store("s1", "s1", "浙江省杭州市余杭区文一西路 969 号")


def make_order(
    oid: str = "o1", *, state: str = "delivered", at: datetime = T0, paid: int = 19900, category: Category =
    Category.APPAREL, shipping_fee: int = 0, buyer: str = "b1", store: str = "s1", lines: list[Line] | None = None,
    free_shipping_threshold: int | None = None, waived: bool = False,
) -> Order:
    """An order whose progress at ``at`` is ``state``: paid, shipped, delivered or completed."""
    paid_at = at - timedelta(days=3)
    shipped = at - timedelta(days=2) if state in ("shipped", "delivered", "completed") else None
    delivered = at - timedelta(days=1) if state in ("delivered", "completed") else None
    completed = at - timedelta(hours=1) if state == "completed" else None
    return Order(oid, store, buyer, paid_at, shipped, delivered, completed, shipping_fee,
                 lines or [Line("l1", "羊毛衫", category, 1, paid, no_reason_waived=waived)], free_shipping_threshold)


@dataclass
class World:
    """Services over one unit of work, with a clock the test moves by hand."""

    uow: UnitOfWork
    now: datetime = T0

    def __post_init__(self) -> None:
        self.pack = packs.load("taobao")
        self._ids: Iterator[int] = count(1)
        self.deps = svc.Deps(self.pack, lambda: f"c{next(self._ids)}")
        self.gateway = InMemoryGateway()
        svc.upsert_store(self.uow, INTEGRATION, STORE)

    def order(self, order: Order) -> Order:
        svc.upsert_order(self.uow, INTEGRATION, order)
        return order

    def open(self, case_type: CaseType | str = CaseType.RETURN_REFUND, reason: Reason | str = Reason.QUALITY,
             amount: int | None = 19900, *, order: str = "o1", line: str = "l1", buyer: str = "b1") -> Case:
        return svc.open_case(self.uow, self.deps, Actor(Role.BUYER, buyer), order, line, CaseType(case_type),
                             Reason(reason), amount, self.now)

    def act(self, case: Case | str, action: str, who: Actor | str = "", **params: Any) -> Case:
        case_id = case if isinstance(case, str) else case.id
        actor = who if isinstance(who, Actor) else self.actor_for(action, who)
        for key, enum in (("outcome", RulingOutcome), ("fault", Party), ("type", CaseType)):
            if isinstance(params.get(key), str):
                params[key] = enum(params[key])
        return svc.act(self.uow, self.deps, actor, case_id, action, self.now, Params(**params))

    @staticmethod
    def actor_for(action: str, who: str) -> Actor:
        if who:
            role, _, ident = who.partition(":")
            return Actor(Role(role), ident)
        seller_actions = {"agree", "refuse", "confirm_receipt", "refuse_receipt", "ship_replacement"}
        if action in seller_actions:
            return Actor(Role.SELLER, "s1")
        if action == "rule":
            return Actor(Role.AGENT, "agent1")
        return Actor(Role.BUYER, "b1")

    def get(self, case: Case | str) -> Case:
        return svc.get_case(self.uow, Actor(Role.OPERATOR, "t"), case if isinstance(case, str) else case.id)

    def advance(self, delta: timedelta | None = None, *, to: datetime | None = None) -> int:
        """Move the clock and run the system to rest, as the worker would."""
        self.now = to if to is not None else self.now + (delta or timedelta())
        real = datetime.now(UTC)
        return svc.run_to_rest(self.uow, self.deps, self.gateway, self.now, "test", real, real + timedelta(hours=1))
