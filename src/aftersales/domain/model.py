"""Entities and value types of the after-sales domain. Names follow DESIGN 3 exactly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the dispute's values name this module's types; the case only holds them
    from aftersales.domain.dispute import Offer, Pause


class Status(StrEnum):
    AWAITING_SELLER = "awaiting_seller"
    SELLER_REFUSED = "seller_refused"
    AWAITING_RETURN = "awaiting_return"
    AWAITING_RECEIPT = "awaiting_receipt"
    PLATFORM_REVIEW = "platform_review"
    AWAITING_REPLACEMENT = "awaiting_replacement"
    AWAITING_BUYER_CONFIRMATION = "awaiting_buyer_confirmation"
    REFUNDING = "refunding"
    COMPLETED = "completed"
    CLOSED = "closed"

    @property
    def terminal(self) -> bool:
        return self in (Status.COMPLETED, Status.CLOSED)


OPEN_STATUSES = frozenset(s for s in Status if not s.terminal)


class CaseType(StrEnum):
    REFUND_ONLY = "refund_only"
    RETURN_REFUND = "return_refund"
    EXCHANGE = "exchange"
    REPAIR = "repair"
    RESHIP = "reship"

    @property
    def refunds_goods(self) -> bool:
        return self in (CaseType.REFUND_ONLY, CaseType.RETURN_REFUND)

    @property
    def has_return(self) -> bool:
        return self in (CaseType.RETURN_REFUND, CaseType.EXCHANGE, CaseType.REPAIR)

    @property
    def has_replacement(self) -> bool:
        return self in (CaseType.EXCHANGE, CaseType.REPAIR, CaseType.RESHIP)


@dataclass(frozen=True, slots=True)
class Text:
    """Words in both languages the product speaks."""

    zh: str
    en: str


class Reason(StrEnum):
    NO_REASON = "no_reason"
    CHANGED_MIND = "changed_mind"
    SIZE = "size"
    QUALITY = "quality"
    NOT_AS_DESCRIBED = "not_as_described"
    WRONG_ITEM = "wrong_item"
    DAMAGED = "damaged"
    MISSING_PARTS = "missing_parts"
    COUNTERFEIT = "counterfeit"
    NOT_RECEIVED = "not_received"


class ReasonClass(StrEnum):
    BUYER_PREFERENCE = "buyer_preference"
    SELLER_FAULT = "seller_fault"
    COUNTERFEIT = "counterfeit"
    NOT_RECEIVED = "not_received"


REASON_CLASS: dict[Reason, ReasonClass] = {
    Reason.NO_REASON: ReasonClass.BUYER_PREFERENCE,
    Reason.CHANGED_MIND: ReasonClass.BUYER_PREFERENCE,
    Reason.SIZE: ReasonClass.BUYER_PREFERENCE,
    Reason.QUALITY: ReasonClass.SELLER_FAULT,
    Reason.NOT_AS_DESCRIBED: ReasonClass.SELLER_FAULT,
    Reason.WRONG_ITEM: ReasonClass.SELLER_FAULT,
    Reason.DAMAGED: ReasonClass.SELLER_FAULT,
    Reason.MISSING_PARTS: ReasonClass.SELLER_FAULT,
    Reason.COUNTERFEIT: ReasonClass.COUNTERFEIT,
    Reason.NOT_RECEIVED: ReasonClass.NOT_RECEIVED,
}


class Category(StrEnum):
    GENERAL = "general"
    APPAREL = "apparel"
    SHOES = "shoes"
    BAGS = "bags"
    INTIMATE_APPAREL = "intimate_apparel"
    FOOD = "food"
    COSMETICS = "cosmetics"
    CUSTOM_MADE = "custom_made"
    FRESH = "fresh"
    DIGITAL_DOWNLOAD = "digital_download"
    PERIODICAL = "periodical"
    SANBAO_DURABLE = "sanbao_durable"
    SANBAO_NONDURABLE = "sanbao_nondurable"
    VIRTUAL = "virtual"


class Role(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    AGENT = "agent"
    OPERATOR = "operator"
    INTEGRATION = "integration"
    SYSTEM = "system"


class Phase(StrEnum):
    IN_SALE = "in_sale"
    AFTER_SALE = "after_sale"


class Party(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"


class RulingOutcome(StrEnum):
    REFUND = "refund"
    RETURN_THEN_REFUND = "return_then_refund"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a role and the party it speaks for (the buyer, the store, the agent). A signed-in
    member of a store's team acts for the store (role seller, id the store) and is named in
    ``staff``; ``team_role`` is their place in the team ("owner", "after_sales", "viewer").
    Neither takes part in equality: the party is the store, whoever of its team clicked."""

    role: Role
    id: str
    staff: str | None = field(default=None, compare=False)
    team_role: str | None = field(default=None, compare=False)

    @classmethod
    def system(cls) -> Actor:
        return cls(Role.SYSTEM, "system")


@dataclass(slots=True)
class Line:
    id: str
    title: str
    category: Category
    quantity: int
    paid: int
    no_reason_waived: bool = False
    usage_days: int | None = None
    return_insurance_cap: int | None = None


@dataclass(slots=True)
class Order:
    id: str
    store_id: str
    buyer_id: str
    paid_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    shipping_fee: int
    lines: list[Line]
    free_shipping_threshold: int | None = None
    # The order system cancelled the order before it shipped (its refund is the order system's).
    cancelled_at: datetime | None = None

    def line(self, line_id: str) -> Line | None:
        for line in self.lines:
            if line.id == line_id:
                return line
        return None

    @property
    def total_paid(self) -> int:
        return sum(line.paid for line in self.lines)

    # "Times after now count as not yet happened" (DESIGN 3.6): every question
    # about the order's progress is asked at an instant.
    def shipped(self, at: datetime) -> bool:
        return self.shipped_at is not None and self.shipped_at <= at

    def delivered(self, at: datetime) -> bool:
        return self.delivered_at is not None and self.delivered_at <= at

    def completed(self, at: datetime) -> bool:
        return self.completed_at is not None and self.completed_at <= at

    def phase(self, at: datetime) -> Phase:
        return Phase.AFTER_SALE if self.completed(at) else Phase.IN_SALE

    def cancelled(self, at: datetime) -> bool:
        return self.cancelled_at is not None and self.cancelled_at <= at

    def goods_state(self, at: datetime) -> str:
        """``not_shipped`` / ``shipped`` (not yet delivered) / ``delivered``."""
        if self.delivered(at):
            return "delivered"
        if self.shipped(at):
            return "shipped"
        return "not_shipped"


@dataclass(frozen=True, slots=True)
class Shipment:
    carrier: str
    tracking_no: str
    fee: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Ruling:
    outcome: RulingOutcome
    amount: int | None
    fault: Party | None
    note: str | None
    agent_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Freight:
    """Who bears each shipping leg (DESIGN 3.5); ``None`` where the case has no such leg."""

    return_leg: Party | None
    outbound_leg: Party | None
    replacement_leg: Party | None
    compensation: int
    rule: str
    # Return-shipping insurance (运费险): what the line's insurance pays towards a return leg
    # the buyer bears, up to its cap.
    insurance: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "return_leg": self.return_leg.value if self.return_leg else None,
            "outbound_leg": self.outbound_leg.value if self.outbound_leg else None,
            "replacement_leg": self.replacement_leg.value if self.replacement_leg else None,
            "compensation": self.compensation,
            "insurance": self.insurance,
            "rule": self.rule,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Freight:
        def party(v: Any) -> Party | None:
            return Party(v) if v else None

        return cls(
            party(d.get("return_leg")),
            party(d.get("outbound_leg")),
            party(d.get("replacement_leg")),
            int(d.get("compensation", 0)),
            str(d.get("rule", "")),
            int(d.get("insurance", 0)),
        )


@dataclass(slots=True)
class Case:
    """One after-sales request on one order line, from open to completed/closed.

    ``version`` changes on every change (and so counts the history events);
    ``entry`` changes only when a status is entered or its deadline re-armed,
    which is what a timer is fenced by (DESIGN 4).
    """

    id: str
    order_id: str
    line_id: str
    store_id: str
    buyer_id: str
    type: CaseType
    reason: Reason
    status: Status
    phase: Phase
    amount: int
    refunded: int
    line_paid: int
    opened_at: datetime
    status_since: datetime
    deadline: datetime | None = None
    deadline_action: str | None = None
    deadline_rule: str | None = None
    deadline_provisional: bool = False
    version: int = 0
    entry: int = 0
    description: str | None = None
    evidence_ids: list[str] = field(default_factory=list)
    eligibility_rule: str | None = None
    return_address: str | None = None
    return_shipment: Shipment | None = None
    replacement_shipment: Shipment | None = None
    refusal_reason: str | None = None
    refusal_note: str | None = None
    receipt_refused: bool = False
    repair_failures: int = 0
    ruling: Ruling | None = None
    freight: Freight | None = None
    closed_by: str | None = None
    updated_at: datetime | None = None
    # When the platform owes a look at the case: set on entering review (the SLA), or when
    # the case is flagged (``attention``); the agents' queue is ordered by it.
    sla_due: datetime | None = None
    attention: str | None = None  # why an agent must look: "timer_failed"
    assignee: str | None = None  # the member of the store's team the case is given to
    offer: Offer | None = None  # the seller's counter-offer while the buyer has not answered it
    agent: str | None = None  # the platform's agent handling the dispute (claimed or assigned)
    pause: Pause | None = None  # an evidence round or a suspension running in review
    suspend_asked: Party | None = None  # one party asked to negotiate themselves; the other has not yet
    # "dispute": a buyer's request (which may become a dispute); "appeal": a ruling appealed
    # (``appeal_of`` the ruled case); "reopening": a buyer's request to reopen a closed window.
    kind: str = "dispute"
    appeal_of: str | None = None
    appeal_id: str | None = None  # the appeal against this case's ruling (one per ruling)
    # On an appeal, the agent who ruled the case appealed: another agent decides the appeal.
    first_agent: str | None = None

    @property
    def open(self) -> bool:
        return not self.status.terminal


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a case's append-only history: who did what, when, and what changed."""

    case_id: str
    seq: int
    at: datetime
    actor: Actor
    action: str
    from_status: Status | None
    to_status: Status
    before: dict[str, Any]
    after: dict[str, Any]
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Reopening:
    """The platform reopened a line's closed windows until ``until``, after review: for the
    ``reason`` a buyer's request was reviewed on, or (None) for every problem with the goods
    when an agent reopened the line on their own."""

    order_id: str
    line_id: str
    granted_at: datetime
    until: datetime
    days: int
    granted_by: Actor
    note: str | None
    reason: Reason | None = None


@dataclass(frozen=True, slots=True)
class DueTimer:
    """A case's armed deadline: the default outcome ``action`` at ``due_at``, valid only
    while the case is still in the status entry ``entry`` that armed it."""

    case_id: str
    entry: int
    due_at: datetime
    action: str


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a case's negotiation (协商记录): a party's or an agent's words
    (``kind`` "party"), the system's account of a change ("system", in both languages:
    ``text`` in English, ``text_zh`` in Chinese), or an agent's private note ("note",
    read by the platform's staff only)."""

    id: int
    case_id: str
    author: Actor
    text: str
    created_at: datetime
    kind: str = "party"
    text_zh: str | None = None
