"""Small builders for tests: orders in a given state, and a world to run use cases in."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count
from typing import Any, TypeVar

from aftersales.adapters import packs
from aftersales.adapters.blobs import MemoryBlobStore
from aftersales.adapters.clocks import SystemClock
from aftersales.adapters.files import PillowInspector
from aftersales.adapters.keys import DerivedSecrets
from aftersales.adapters.passwords import fast_for_tests
from aftersales.adapters.payments import InMemoryGateway
from aftersales.adapters.webhooks import HttpSender
from aftersales.domain.inputs import CaseRequest, Params
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
)
from aftersales.domain.stores import Store
from aftersales.domain.timecalc import WeekdayCalendar
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.commands import Request
from aftersales.services.deps import Deps
from aftersales.services.dispatch import REACTIONS, Dispatcher
from aftersales.services.ports import UnitOfWork

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")  # a Monday
INTEGRATION = Actor(Role.INTEGRATION, "oms")
OPERATOR = Actor(Role.OPERATOR, "t")
STORE = Store("s1", "s1", "浙江省杭州市余杭区文一西路 969 号")
R = TypeVar("R")


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


class _WorldClock:
    def __init__(self, world: World) -> None:
        self.world = world

    def now(self) -> datetime:
        return self.world.now


@dataclass
class World:
    """Use cases over one unit of work through the dispatcher, with a clock the test moves by hand."""

    uow: UnitOfWork
    now: datetime = T0

    def __post_init__(self) -> None:
        self.pack = packs.load("taobao")
        self._ids: Iterator[int] = count(1)
        self.gateway = InMemoryGateway()
        self.deps = Deps(pack=self.pack, calendar=WeekdayCalendar(), clock=_WorldClock(self), wall_clock=SystemClock(),
                         gateway=self.gateway, new_id=self._new_id,
                         new_secret=lambda role: f"tok_{role}_{next(self._ids)}", passwords=fast_for_tests(),
                         files=PillowInspector(), blobs=MemoryBlobStore(), sender=HttpSender(allow_private=True),
                         secrets=DerivedSecrets(b"a test key of sixteen bytes or more"), reactions=REACTIONS)
        self.dispatch = Dispatcher(lambda: self.uow, self.deps)
        self.dispatch(c.UpsertStore(actor=INTEGRATION, store=STORE))

    def twin(self, uow: UnitOfWork) -> World:
        """Another connection to the same deployment: its own unit of work; the same ids, clock and gateway."""
        other = copy.copy(self)
        other.uow = uow
        other.dispatch = Dispatcher(lambda: uow, self.deps)
        return other

    def _new_id(self, prefix: str) -> str:
        return f"{'c' if prefix == 'cs' else prefix}{next(self._ids)}"

    def __call__(self, request: Request[R]) -> R:
        return self.dispatch(request)

    def order(self, order: Order) -> Order:
        self.dispatch(c.UpsertOrder(actor=INTEGRATION, order=order))
        return order

    def open(self, case_type: CaseType | str = CaseType.RETURN_REFUND, reason: Reason | str = Reason.QUALITY,
             amount: int | None = 19900, *, order: str = "o1", line: str = "l1", buyer: str = "b1",
             evidence_ids: tuple[str, ...] = ()) -> Case:
        request = CaseRequest(CaseType(case_type), Reason(reason), amount, evidence_ids=evidence_ids)
        return self.dispatch(c.OpenCase(actor=Actor(Role.BUYER, buyer), order_id=order, line_id=line,
                                        request=request))

    def act(self, case: Case | str, action: str, who: Actor | str = "", **params: Any) -> Case:
        case_id = case if isinstance(case, str) else case.id
        actor = who if isinstance(who, Actor) else self.actor_for(action, who)
        for key, enum in (("outcome", RulingOutcome), ("fault", Party), ("type", CaseType)):
            if isinstance(params.get(key), str):
                params[key] = enum(params[key])
        expected = params.pop("expected_version", None)
        return self.dispatch(c.Act(actor=actor, case_id=case_id, action=action, params=Params(**params),
                                   expected_version=expected))

    @staticmethod
    def actor_for(action: str, who: str) -> Actor:
        if who:
            role, _, ident = who.partition(":")
            return Actor(Role(role), ident)
        seller_actions = {"agree", "refuse", "confirm_receipt", "refuse_receipt", "ship_replacement", "counter_offer"}
        if action in seller_actions:
            return Actor(Role.SELLER, "s1")
        if action == "rule":
            return Actor(Role.AGENT, "agent1")
        return Actor(Role.BUYER, "b1")

    def get(self, case: Case | str) -> Case:
        return self.dispatch(q.GetCase(actor=OPERATOR, case_id=case if isinstance(case, str) else case.id))

    def advance(self, delta: timedelta | None = None, *, to: datetime | None = None) -> int:
        """Move the clock and run the system to rest, as the worker would."""
        self.now = to if to is not None else self.now + (delta or timedelta())
        return self.dispatch(c.RunToRest(owner="test"))

