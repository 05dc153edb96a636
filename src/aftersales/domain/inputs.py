"""What an action on a case takes: its parameters, and what it acts on besides the case."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from aftersales.domain import store_policy
from aftersales.domain.eligibility import LineFacts, LineHistory
from aftersales.domain.model import CaseType, Line, Order, Party, Reason, RulingOutcome
from aftersales.domain.policy import EligibilityRule, Pack
from aftersales.domain.stores import Store
from aftersales.domain.timecalc import BusinessCalendar, WeekdayCalendar


@dataclass(frozen=True, slots=True)
class CaseRequest:
    """What a buyer asks for when opening a case."""

    type: CaseType
    reason: Reason
    amount: int | None = None
    description: str | None = None
    evidence_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Params:
    """An action's input, already parsed (money in fen). Unused fields stay None."""

    reason: str | None = None
    note: str | None = None
    evidence_ids: tuple[str, ...] = ()
    carrier: str | None = None
    tracking_no: str | None = None
    fee: int | None = None
    type: CaseType | None = None
    case_reason: Reason | None = None
    amount: int | None = None
    outcome: RulingOutcome | None = None
    fault: Party | None = None
    parties: tuple[Party, ...] = ()  # whom an agent asks for evidence
    hours: int | None = None  # an evidence round's length, where the agent sets it
    agent: str | None = None  # the agent an operator gives a dispute to
    kind: str | None = None  # a suspension's: "negotiation" or "proceedings"
    days: int | None = None  # how long a granted reopening keeps the line's window open

    def data(self) -> dict[str, Any]:
        """The parts worth keeping in the history, JSON-ready."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v is None or v == ():
                continue
            out[f.name] = list(v) if isinstance(v, tuple) else (v.value if hasattr(v, "value") else v)
        return out


@dataclass(frozen=True)
class Context:
    """What an action acts on besides the case itself, read in the same transaction."""

    pack: Pack
    order: Order
    line: Line
    store: Store
    history: LineHistory  # the line's *other* cases
    calendar: BusinessCalendar = field(default_factory=WeekdayCalendar)
    # Goods refunded by the order's other cases (other lines included): a partial return
    # may break the order's free-shipping threshold only with them counted (DESIGN 3.5).
    order_refunded_elsewhere: int = 0
    # The kinds of evidence each party has on the case or cites now ((role, kind) pairs), read
    # for the actions a pack may ask evidence before.
    evidence: frozenset[tuple[str, str]] = frozenset()

    def kinds_of(self, party: str) -> frozenset[str]:
        return frozenset(kind for role, kind in self.evidence if role == party)

    @property
    def facts(self) -> LineFacts:
        return LineFacts(self.order, self.line, self.pack, self.history, self.calendar, self.store_rules)

    @property
    def store_rules(self) -> tuple[EligibilityRule, ...]:
        return store_policy.store_rules(self.store.policy, self.pack)
