"""Response bodies, each built from the domain object it shows (``CaseOut.from_case`` …).

These are the routes' ``response_model``s: what the API answers is what OpenAPI says,
because there is no other way to build an answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from aftersales.domain.access import actions_for
from aftersales.domain.eligibility import Option
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.model import (
    Actor,
    Case,
    CaseType,
    Event,
    Message,
    Party,
    Reason,
    RulingOutcome,
    Shipment,
)
from aftersales.domain.money import format_fen
from aftersales.domain.policy import Pack

# The platform's resources are in ``platform``; re-exported so that every response model has one address.
from aftersales.entrypoints.schemas.platform import (
    ClockOut,
    FindingOut,
    Health,
    LineOut,
    OrderOut,
    Problem,
    ReopeningList,
    ReopeningOut,
    StoreOut,
    StorePolicyOut,
    TokenInfoOut,
    TokenList,
    TokenOut,
)
from aftersales.entrypoints.schemas.types import MoneyOut, Text, WireTime, display_zone, money_text, shown, who
from aftersales.services.case_doc import case_document
from aftersales.services.values import QueueItem


class FreightOut(BaseModel):
    return_leg: Literal["buyer", "seller"] | None
    outbound_leg: Literal["buyer", "seller"] | None
    replacement_leg: Literal["buyer", "seller"] | None
    compensation: MoneyOut
    insurance: MoneyOut
    rule: str


class ShipmentOut(BaseModel):
    carrier: str
    tracking_no: str
    fee: MoneyOut | None
    at: WireTime

    @classmethod
    def from_shipment(cls, s: Shipment | None, pack: Pack) -> ShipmentOut | None:
        if s is None:
            return None
        return cls(carrier=s.carrier, tracking_no=s.tracking_no, fee=money_text(s.fee), at=shown(s.at, pack.zone))


class RulingOut(BaseModel):
    outcome: RulingOutcome
    amount: MoneyOut | None
    fault: Party | None
    note: str | None
    agent_id: str
    at: WireTime


class OfferOut(BaseModel):
    """The seller's counter-offer waiting for the buyer; it lapses with the status's deadline."""

    type: CaseType
    amount: MoneyOut
    note: str | None
    evidence_ids: list[str]
    at: WireTime


class PauseOut(BaseModel):
    """The platform's review stands still: an evidence round (``kind`` "evidence", asking
    ``parties``) or a suspension ("negotiation", "proceedings"); it ends at ``until``."""

    kind: Literal["evidence", "negotiation", "proceedings", "proceedings_proven"]
    parties: list[Party]
    note: str | None
    since: WireTime
    until: WireTime
    by: Party | None


Clock = Literal["natural_hours", "natural_days", "business_days", "natural_years"]

class CaseOut(BaseModel):
    id: str
    order_id: str
    line_id: str
    store_id: str
    buyer_id: str
    type: CaseType
    reason: Reason
    status: str
    phase: str
    amount: MoneyOut
    refunded: MoneyOut
    line_paid: MoneyOut
    deadline: WireTime | None
    deadline_action: str | None
    deadline_rule: str | None
    deadline_provisional: bool
    deadline_clock: Clock | None
    deadline_explanation: Text | None
    version: int
    freight: FreightOut | None
    opened_at: WireTime
    status_since: WireTime
    updated_at: WireTime
    description: str | None
    evidence_ids: list[str]
    eligibility_rule: str | None
    return_address: str | None
    return_shipment: ShipmentOut | None
    replacement_shipment: ShipmentOut | None
    refusal: dict[str, str | None] | None
    receipt_refused: bool
    repair_failures: int
    ruling: RulingOut | None
    closed_by: str | None
    assignee: str | None
    offer: OfferOut | None = None
    agent: str | None = None
    pause: PauseOut | None = None
    suspend_asked: Party | None = None
    sla_due: WireTime | None = None
    kind: Literal["dispute", "appeal", "reopening"] = "dispute"
    appeal_of: str | None = None
    appeal_id: str | None = None
    allowed_actions: list[str]

    @classmethod
    def from_case(cls, c: Case, pack: Pack, viewer: Actor | None = None) -> CaseOut:
        doc = case_document(c, pack, display_zone.get())
        doc["allowed_actions"] = actions_for(viewer, c) if viewer is not None else []
        return cls.model_validate(doc)


class CaseList(BaseModel):
    data: list[CaseOut]
    has_more: bool
    next_cursor: str | None


class OptionOut(BaseModel):
    type: CaseType
    reason: Reason
    allowed: bool
    deadline: WireTime | None
    provisional: bool
    rule: str
    explanation: Text

    @classmethod
    def from_option(cls, o: Option, pack: Pack) -> OptionOut:
        return cls(type=o.type, reason=o.reason, allowed=o.allowed, deadline=shown(o.deadline, pack.zone),
                   provisional=o.provisional, rule=o.rule, explanation=Text(zh=o.explanation.zh, en=o.explanation.en))


class EligibilityOut(BaseModel):
    order_id: str
    line_id: str
    at: WireTime
    options: list[OptionOut]

    @classmethod
    def from_options(cls, order_id: str, line_id: str, at: datetime, options: list[Option],
                     pack: Pack) -> EligibilityOut:
        return cls(order_id=order_id, line_id=line_id, at=shown(at, pack.zone),
                   options=[OptionOut.from_option(o, pack) for o in options])


class EventOut(BaseModel):
    seq: int
    at: WireTime
    actor: dict[str, str]
    action: str
    from_status: str | None
    to_status: str
    before: dict[str, Any]
    after: dict[str, Any]
    data: dict[str, Any]

    @classmethod
    def from_event(cls, e: Event, pack: Pack) -> EventOut:
        return cls(seq=e.seq, at=shown(e.at, pack.zone), actor=who(e.actor), action=e.action,
                   from_status=e.from_status.value if e.from_status else None, to_status=e.to_status.value,
                   before=e.before, after=e.after, data=e.data)


class EventList(BaseModel):
    data: list[EventOut]
    has_more: bool
    next_cursor: str | None


class EvidenceOut(BaseModel):
    id: str
    kind: str
    sha256: str
    content_type: str
    size: int
    filename: str | None = None
    case_id: str | None = None
    uploaded_by: dict[str, str] | None = None
    created_at: WireTime | None = None
    # An image's small JPEG (GET /api/v1/evidence/{id}/thumbnail); null for other files.
    thumbnail_sha256: str | None = None

    @classmethod
    def from_item(cls, e: EvidenceItem, pack: Pack) -> EvidenceOut:
        return cls(id=e.id, kind=e.kind, sha256=e.sha256, content_type=e.content_type, size=e.size,
                   filename=e.filename, case_id=e.case_id, uploaded_by=who(e.uploaded_by),
                   created_at=shown(e.created_at, pack.zone), thumbnail_sha256=e.thumb_sha256)


class EvidenceList(BaseModel):
    data: list[EvidenceOut]
    has_more: bool
    next_cursor: str | None


class MessageOut(BaseModel):
    id: int
    case_id: str
    author: dict[str, str]
    # "party": a party's or an agent's words; "system": a change of the case told in both
    # languages (``text`` English, ``text_zh`` Chinese); "note": an agent's private note.
    kind: Literal["party", "system", "note"]
    text: str
    text_zh: str | None
    created_at: WireTime

    @classmethod
    def from_message(cls, m: Message, pack: Pack) -> MessageOut:
        kind: Literal["party", "system", "note"] = "system" if m.kind == "system" else (
            "note" if m.kind == "note" else "party")
        return cls(id=m.id, case_id=m.case_id, author=who(m.author), kind=kind, text=m.text, text_zh=m.text_zh,
                   created_at=shown(m.created_at, pack.zone))


class MessageList(BaseModel):
    data: list[MessageOut]
    has_more: bool
    next_cursor: str | None


class InterventionOut(BaseModel):
    case_id: str
    status: str
    sla_due: WireTime
    breached: bool
    escalated_at: WireTime
    order_id: str
    line_id: str
    store_id: str
    type: CaseType
    reason: Reason
    amount: MoneyOut
    # Why an agent must look at a case that is not in review ("timer_failed"); null for one in review.
    attention: str | None = None
    kind: Literal["dispute", "appeal", "reopening"] = "dispute"
    agent: str | None = None
    # An evidence round or a suspension running: the SLA stands still meanwhile.
    paused: Literal["evidence", "negotiation", "proceedings", "proceedings_proven"] | None = None

    @classmethod
    def from_item(cls, item: QueueItem, pack: Pack) -> InterventionOut:
        c = item.case
        return cls(case_id=c.id, status=c.status.value, sla_due=shown(item.sla_due, pack.zone),
                   breached=item.breached, escalated_at=shown(c.status_since, pack.zone), order_id=c.order_id,
                   line_id=c.line_id, store_id=c.store_id, type=c.type, reason=c.reason,
                   amount=format_fen(c.amount), attention=c.attention, kind=c.kind,  # type: ignore[arg-type]
                   agent=c.agent, paused=c.pause.kind if c.pause else None)  # type: ignore[arg-type]


class InterventionList(BaseModel):
    data: list[InterventionOut]
    has_more: bool
    next_cursor: str | None


__all__ = [
    "CaseList",
    "CaseOut",
    "ClockOut",
    "EligibilityOut",
    "EventList",
    "EventOut",
    "EvidenceList",
    "EvidenceOut",
    "FindingOut",
    "FreightOut",
    "Health",
    "InterventionList",
    "InterventionOut",
    "LineOut",
    "MessageList",
    "MessageOut",
    "OfferOut",
    "OptionOut",
    "OrderOut",
    "PauseOut",
    "Problem",
    "ReopeningList",
    "ReopeningOut",
    "RulingOut",
    "ShipmentOut",
    "StoreOut",
    "StorePolicyOut",
    "Text",
    "TokenInfoOut",
    "TokenList",
    "TokenOut",
]
