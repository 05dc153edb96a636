"""A hypothesis state machine over the services: buyers, sellers and agents act,
the clock moves, timers fire and are replayed, and after every step the
invariants hold:

- what a line's cases refunded never exceeds what was paid for it;
- at most one case is open per line;
- a terminal case never changes again;
- every change has exactly one history event (events are 1..version);
- no timer acts twice (a replayed or stale timer changes nothing);
- after the system comes to rest no open case is past its deadline;
- each payout is paid once, and a completed refund paid exactly its amount.

It is written once and run on the in-memory fake (tests/unit) and on SQLite and
PostgreSQL (tests/integration).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from aftersales.domain import errors
from aftersales.domain.model import Actor, Case, CaseType, Category, DueTimer, Line, Reason, Role, Status
from aftersales.domain.transitions import PUBLIC_ACTIONS, allowed_actions
from aftersales.services import commands as cmds
from aftersales.services.ports import UnitOfWork
from tests.builders import World, make_order

LINES = {
    ("o1", "l1"): 19900, ("o1", "l2"): 5900,   # delivered, in sale
    ("o2", "l1"): 45900,                       # completed (after sale)
    ("o3", "l1"): 9900,                        # paid, not shipped
}


def _params(action: str, data: Any, case: Case) -> dict[str, Any]:
    if action in ("refuse", "refuse_receipt"):
        return {"reason": data.draw(st.sampled_from(["tags_removed", "not_as_claimed", "seal_broken"]))}
    if action in ("ship_return", "ship_replacement"):
        return {"carrier": "SF", "tracking_no": "SF1", "fee": data.draw(st.sampled_from([None, 0, 1200, 4500]))}
    if action == "modify":
        t = data.draw(st.sampled_from(list(CaseType)))
        amount = data.draw(st.integers(1, 50000)) if t.refunds_goods else None
        return {"type": t, "amount": amount}
    if action == "rule":
        return {"outcome": data.draw(st.sampled_from(["refund", "return_then_refund", "reject"])),
                "fault": data.draw(st.sampled_from([None, "buyer", "seller"])),
                "amount": data.draw(st.sampled_from([None, 100, 5000, 99999]))}
    return {}


class CaseMachine(RuleBasedStateMachine):
    uow_factory: Callable[[], UnitOfWork]

    def __init__(self) -> None:
        super().__init__()
        self.w = World(self.uow_factory())
        self.w.order(make_order("o1", lines=[Line("l1", "毛衣", Category.APPAREL, 1, 19900),
                                             Line("l2", "围巾", Category.APPAREL, 1, 5900)]))
        self.w.order(make_order("o2", state="completed", paid=45900))
        self.w.order(make_order("o3", state="paid", paid=9900))
        self.case_ids: list[str] = []
        self.terminal: dict[str, int] = {}
        self.claimed: list[DueTimer] = []

    # --- rules ---

    @precondition(lambda self: sum(1 for c in self._cases() if c.open) < 3)
    @rule(line=st.sampled_from(sorted(LINES)), t=st.sampled_from(list(CaseType)), r=st.sampled_from(list(Reason)),
          amount=st.sampled_from([None, 100, 5900, 19900, 45900, 60000]))
    def open_case(self, line: tuple[str, str], t: CaseType, r: Reason, amount: int | None) -> None:
        try:
            c = self.w.open(t, r, amount if t.refunds_goods else None, order=line[0], line=line[1])
        except errors.DomainError:
            return
        self.case_ids.append(c.id)

    def _act_allowed(self, data: Any) -> None:
        """A party takes one of the actions open to it now (open cases first)."""
        open_ids = [c.id for c in self._cases() if c.open] or self.case_ids
        case = self.w.get(data.draw(st.sampled_from(open_ids)))
        options = [(role, a) for role in (Role.BUYER, Role.SELLER, Role.AGENT) for a in allowed_actions(case, role)]
        if not options:
            return
        # Mostly move the case forward; sometimes take a way out (withdraw, modify, escalate).
        forward = [o for o in options if o[1] not in ("withdraw", "modify", "escalate")]
        if forward and data.draw(st.integers(0, 3)):
            options = forward
        role, action = data.draw(st.sampled_from(options))
        actor = Actor(role, {"buyer": case.buyer_id, "seller": case.store_id}.get(role.value, "agent1"))
        try:
            self.w.act(case, action, actor, **_params(action, data, case))
        except errors.DomainError:
            after = self.w.get(case)
            assert after.version == case.version, "a refused action must change nothing"

    # Three rules for the same move weigh it three times in hypothesis's uniform choice of rule,
    # which is what walks cases deep into their flows (exchanges confirmed, rulings carried out).
    @precondition(lambda self: self.case_ids)
    @rule(data=st.data())
    def act_allowed(self, data: Any) -> None:
        self._act_allowed(data)

    @precondition(lambda self: self.case_ids)
    @rule(data=st.data())
    def act_allowed_again(self, data: Any) -> None:
        self._act_allowed(data)

    @precondition(lambda self: self.case_ids)
    @rule(data=st.data())
    def act_allowed_once_more(self, data: Any) -> None:
        self._act_allowed(data)

    @precondition(lambda self: self.case_ids)
    @rule(data=st.data())
    def act_anything(self, data: Any) -> None:
        """Anyone tries anything: refusals must leave the case untouched."""
        case = self.w.get(data.draw(st.sampled_from(self.case_ids)))
        action = data.draw(st.sampled_from(PUBLIC_ACTIONS))
        who = data.draw(st.sampled_from(["buyer:b1", "buyer:b2", "seller:s1", "seller:s2", "agent:a", "integration:x"]))
        try:
            self.w.act(case, action, who, **_params(action, data, case))
        except errors.DomainError:
            assert self.w.get(case).version == case.version

    @precondition(lambda self: self.case_ids)
    @rule(data=st.data())
    def message(self, data: Any) -> None:
        case = self.w.get(data.draw(st.sampled_from(self.case_ids)))
        try:
            self.w(cmds.PostMessage(actor=Actor(Role.BUYER, case.buyer_id), case_id=case.id, text="还在吗"))
        except errors.DomainError:
            assert case.status.terminal

    @rule(hours=st.sampled_from([1, 12, 24, 36, 47, 48, 49, 24 * 5, 24 * 7, 24 * 10, 24 * 31]))
    def advance(self, hours: int) -> None:
        self.w.now += timedelta(hours=hours)
        self._rest()

    @precondition(lambda self: self.claimed)
    @rule(data=st.data())
    def replay_a_fired_timer(self, data: Any) -> None:
        """A crashed worker's timer comes round again: it must change nothing."""
        timer = data.draw(st.sampled_from(self.claimed))
        before = self.w.get(timer.case_id)
        assert not self.w(cmds.FireTimer(timer=timer))
        assert self.w.get(timer.case_id).version == before.version

    def _rest(self) -> None:
        from datetime import UTC, datetime

        real = datetime.now(UTC)
        uow = self.w.uow
        while True:
            with uow.transaction():
                due = uow.timers.claim_due(self.w.now, "sm", real + timedelta(hours=1), real, 100)
            for timer in sorted(due, key=lambda t: t.due_at):
                self.w(cmds.FireTimer(timer=timer))
            self.claimed += due
            n = self.w(cmds.SettlePayouts(owner="sm", lease_seconds=3600))
            if not due and not n:
                return

    # --- invariants ---

    def _cases(self) -> list[Case]:
        return [self.w.get(c) for c in self.case_ids]

    @invariant()
    def refunds_never_exceed_paid(self) -> None:
        per_line: dict[tuple[str, str], int] = {}
        for c in self._cases():
            per_line[(c.order_id, c.line_id)] = per_line.get((c.order_id, c.line_id), 0) + c.refunded
            assert c.refunded in (0, c.amount), "a refund is all of the case's amount or nothing"
        for line, total in per_line.items():
            assert total <= LINES[line], (line, total)

    @invariant()
    def one_open_case_per_line(self) -> None:
        lines = [(c.order_id, c.line_id) for c in self._cases() if c.open]
        assert len(lines) == len(set(lines))

    @invariant()
    def terminal_stays_terminal(self) -> None:
        for c in self._cases():
            if c.id in self.terminal:
                assert c.status.terminal and c.version == self.terminal[c.id], c.id
            elif c.status.terminal:
                self.terminal[c.id] = c.version

    @invariant()
    def one_event_per_change(self) -> None:
        for case in self._cases():
            with self.w.uow.read():
                seqs = [e.seq for e in self.w.uow.cases.events(case.id, 0, 10_000)]
            assert seqs == list(range(1, case.version + 1)), (case.id, seqs, case.version)

    @invariant()
    def paid_once(self) -> None:
        assert all(n == 1 for n in self.w.gateway.calls.values()), self.w.gateway.calls
        for c in self._cases():
            if c.status is Status.COMPLETED and c.type.refunds_goods:
                assert self.w.gateway.paid[f"{c.id}:goods"] == (c.id, c.amount)
                assert c.refunded == c.amount

    @invariant()
    def nothing_overdue_at_rest(self) -> None:
        for c in self._cases():
            if c.open and c.deadline is not None:
                assert c.deadline > self.w.now, (c.id, c.status, c.deadline, self.w.now)


def machine_for(factory: Callable[[], UnitOfWork]) -> type[CaseMachine]:
    return type("Machine", (CaseMachine,), {"uow_factory": staticmethod(factory)})
