"""Response bodies, each built from the domain object it shows (``CaseOut.from_case`` …).

These are the routes' ``response_model``s: what the API answers is what OpenAPI says,
because there is no other way to build an answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from aftersales.domain.clauses import Finding
from aftersales.domain.eligibility import Option
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.model import (
    Actor,
    Case,
    CaseType,
    Category,
    Event,
    Message,
    Order,
    Party,
    Reason,
    Reopening,
    Role,
    RulingOutcome,
    Shipment,
)
from aftersales.domain.money import format_fen
from aftersales.domain.policy import Pack
from aftersales.domain.stores import Store, StorePolicy
from aftersales.domain.timecalc import Unit
from aftersales.domain.transitions import allowed_actions
from aftersales.entrypoints.schemas.types import Money, WireTime, shown
from aftersales.services.values import IssuedToken, QueueItem, TokenRecord


def _money(value: int | None) -> str | None:
    return None if value is None else format_fen(value)


def _who(actor: Actor) -> dict[str, str]:
    return {"role": actor.role.value, "id": actor.id}


class Text(BaseModel):
    zh: str
    en: str


class FreightOut(BaseModel):
    return_leg: Literal["buyer", "seller"] | None
    outbound_leg: Literal["buyer", "seller"] | None
    replacement_leg: Literal["buyer", "seller"] | None
    compensation: Money
    insurance: Money
    rule: str


class ShipmentOut(BaseModel):
    carrier: str
    tracking_no: str
    fee: Money | None
    at: WireTime

    @classmethod
    def from_shipment(cls, s: Shipment | None, pack: Pack) -> ShipmentOut | None:
        if s is None:
            return None
        return cls(carrier=s.carrier, tracking_no=s.tracking_no, fee=_money(s.fee), at=shown(s.at, pack.zone))


class RulingOut(BaseModel):
    outcome: RulingOutcome
    amount: Money | None
    fault: Party | None
    note: str | None
    agent_id: str
    at: WireTime


Clock = Literal["natural_hours", "natural_days", "business_days", "natural_years"]
CLOCKS: dict[Unit, Clock] = {Unit.HOURS: "natural_hours", Unit.DAYS: "natural_days",
                             Unit.BUSINESS_DAYS: "business_days", Unit.YEARS: "natural_years"}


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
    amount: Money
    refunded: Money
    line_paid: Money
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
    allowed_actions: list[str]

    @classmethod
    def from_case(cls, c: Case, pack: Pack, viewer: Role | None = None) -> CaseOut:
        z = pack.zone
        explanation: Text | None = None
        clock: Clock | None = None
        rule = next((r for r in pack.timeouts if r.id == c.deadline_rule), None) if c.deadline_rule else None
        if rule is not None:
            clock = CLOCKS[rule.after.unit]
            when = shown(c.deadline, z)
            when_text = when.isoformat() if when is not None else None
            explanation = Text(zh=f"{rule.text.zh}(截止 {when_text};依据:{rule.source})",
                               en=f"{rule.text.en} (by {when_text}; source: {rule.source})")
        return cls(
            id=c.id, order_id=c.order_id, line_id=c.line_id, store_id=c.store_id, buyer_id=c.buyer_id, type=c.type,
            reason=c.reason, status=c.status.value, phase=c.phase.value, amount=format_fen(c.amount),
            refunded=format_fen(c.refunded), line_paid=format_fen(c.line_paid), deadline=shown(c.deadline, z),
            deadline_action=c.deadline_action, deadline_rule=c.deadline_rule,
            deadline_provisional=c.deadline_provisional, deadline_clock=clock, deadline_explanation=explanation,
            version=c.version, freight=_freight(c), opened_at=shown(c.opened_at, z),
            status_since=shown(c.status_since, z), updated_at=shown(c.updated_at or c.status_since, z),
            description=c.description, evidence_ids=list(c.evidence_ids), eligibility_rule=c.eligibility_rule,
            return_address=c.return_address, return_shipment=ShipmentOut.from_shipment(c.return_shipment, pack),
            replacement_shipment=ShipmentOut.from_shipment(c.replacement_shipment, pack),
            refusal=None if c.refusal_reason is None else {"reason": c.refusal_reason, "note": c.refusal_note},
            receipt_refused=c.receipt_refused, repair_failures=c.repair_failures, ruling=_ruling(c, pack),
            closed_by=c.closed_by, allowed_actions=allowed_actions(c, viewer) if viewer is not None else [],
        )


def _freight(c: Case) -> FreightOut | None:
    f = c.freight
    if f is None:
        return None
    return FreightOut(
        return_leg=f.return_leg.value if f.return_leg else None,
        outbound_leg=f.outbound_leg.value if f.outbound_leg else None,
        replacement_leg=f.replacement_leg.value if f.replacement_leg else None,
        compensation=format_fen(f.compensation), insurance=format_fen(f.insurance), rule=f.rule)


def _ruling(c: Case, pack: Pack) -> RulingOut | None:
    r = c.ruling
    if r is None:
        return None
    return RulingOut(outcome=r.outcome, amount=_money(r.amount), fault=r.fault, note=r.note, agent_id=r.agent_id,
                     at=shown(r.at, pack.zone))


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
        return cls(seq=e.seq, at=shown(e.at, pack.zone), actor=_who(e.actor), action=e.action,
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

    @classmethod
    def from_item(cls, e: EvidenceItem, pack: Pack) -> EvidenceOut:
        return cls(id=e.id, kind=e.kind, sha256=e.sha256, content_type=e.content_type, size=e.size,
                   filename=e.filename, case_id=e.case_id, uploaded_by=_who(e.uploaded_by),
                   created_at=shown(e.created_at, pack.zone))


class EvidenceList(BaseModel):
    data: list[EvidenceOut]
    has_more: bool
    next_cursor: str | None


class MessageOut(BaseModel):
    id: int
    case_id: str
    author: dict[str, str]
    text: str
    created_at: WireTime

    @classmethod
    def from_message(cls, m: Message, pack: Pack) -> MessageOut:
        return cls(id=m.id, case_id=m.case_id, author=_who(m.author), text=m.text,
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
    amount: Money
    # Why an agent must look at a case that is not in review ("timer_failed"); null for one in review.
    attention: str | None = None

    @classmethod
    def from_item(cls, item: QueueItem, pack: Pack) -> InterventionOut:
        c = item.case
        return cls(case_id=c.id, status=c.status.value, sla_due=shown(item.sla_due, pack.zone),
                   breached=item.breached, escalated_at=shown(c.status_since, pack.zone), order_id=c.order_id,
                   line_id=c.line_id, store_id=c.store_id, type=c.type, reason=c.reason,
                   amount=format_fen(c.amount), attention=c.attention)


class InterventionList(BaseModel):
    data: list[InterventionOut]
    has_more: bool
    next_cursor: str | None


class LineOut(BaseModel):
    id: str
    title: str
    category: Category
    quantity: int
    paid: Money
    no_reason_waived: bool
    usage_days: int | None
    return_insurance_cap: Money | None


class OrderOut(BaseModel):
    id: str
    store: str
    buyer: str
    paid_at: WireTime
    shipped_at: WireTime | None
    delivered_at: WireTime | None
    completed_at: WireTime | None
    shipping_fee: Money
    free_shipping_threshold: Money | None
    lines: list[LineOut]

    @classmethod
    def from_order(cls, o: Order, pack: Pack) -> OrderOut:
        z = pack.zone
        lines = [LineOut(id=x.id, title=x.title, category=x.category, quantity=x.quantity, paid=format_fen(x.paid),
                         no_reason_waived=x.no_reason_waived, usage_days=x.usage_days,
                         return_insurance_cap=_money(x.return_insurance_cap)) for x in o.lines]
        return cls(id=o.id, store=o.store_id, buyer=o.buyer_id, paid_at=shown(o.paid_at, z),
                   shipped_at=shown(o.shipped_at, z), delivered_at=shown(o.delivered_at, z),
                   completed_at=shown(o.completed_at, z), shipping_fee=format_fen(o.shipping_fee),
                   free_shipping_threshold=_money(o.free_shipping_threshold), lines=lines)


class StoreOut(BaseModel):
    id: str
    name: str
    return_address: str

    @classmethod
    def from_store(cls, s: Store) -> StoreOut:
        return cls(id=s.id, name=s.name, return_address=s.return_address)


class FindingOut(BaseModel):
    clause: str
    verdict: Literal["applies", "stands", "conditional", "void", "no_effect"]
    scope: str
    why: Text
    rules: list[str]


class StorePolicyOut(BaseModel):
    store: str
    clauses: list[dict[str, Any]]
    findings: list[FindingOut]

    @classmethod
    def from_policy(cls, store_id: str, policy: StorePolicy | None, findings: list[Finding]) -> StorePolicyOut:
        return cls(store=store_id, clauses=policy.as_dict()["clauses"] if policy else [],
                   findings=[FindingOut.model_validate(f.as_dict()) for f in findings])


class ReopeningOut(BaseModel):
    order_id: str
    line_id: str
    granted_at: WireTime
    until: WireTime
    days: int
    granted_by: dict[str, str]
    note: str | None

    @classmethod
    def from_reopening(cls, g: Reopening, pack: Pack) -> ReopeningOut:
        return cls(order_id=g.order_id, line_id=g.line_id, granted_at=shown(g.granted_at, pack.zone),
                   until=shown(g.until, pack.zone), days=g.days, granted_by=_who(g.granted_by), note=g.note)


class ReopeningList(BaseModel):
    data: list[ReopeningOut]
    has_more: bool
    next_cursor: str | None


class TokenOut(BaseModel):
    """A token just issued: shown this once, never stored in the clear and never replayed."""

    id: int
    token: str
    role: str
    subject: str
    expires_at: WireTime | None = None

    @classmethod
    def from_issued(cls, t: IssuedToken, pack: Pack) -> TokenOut:
        return cls(id=t.id, token=t.token, role=t.role, subject=t.subject, expires_at=shown(t.expires_at, pack.zone))


class TokenInfoOut(BaseModel):
    """A token as an operator sees it later: who it speaks for, never the token itself."""

    id: int
    role: str
    subject: str
    created_at: WireTime
    expires_at: WireTime | None
    revoked_at: WireTime | None

    @classmethod
    def from_record(cls, t: TokenRecord, pack: Pack) -> TokenInfoOut:
        z = pack.zone
        return cls(id=t.id, role=t.role, subject=t.subject, created_at=shown(t.created_at, z),
                   expires_at=shown(t.expires_at, z), revoked_at=shown(t.revoked_at, z))


class TokenList(BaseModel):
    data: list[TokenInfoOut]
    has_more: bool
    next_cursor: str | None


class ClockOut(BaseModel):
    now: WireTime
    set: bool


class Health(BaseModel):
    status: str


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable ``code``."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    detail_zh: str | None = None
    instance: str | None = None
