"""Wire shapes (Pydantic v2) and the JSON views of domain objects.

Shared by the HTTP API and the scenario runner, so a scenario's ``with:`` is
validated and a scenario's ``expect:`` is matched exactly as a client's request
and response would be.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from aftersales.domain import case as case_engine
from aftersales.domain.eligibility import Option
from aftersales.domain.model import (
    Case,
    CaseType,
    Category,
    Event,
    Line,
    Order,
    Party,
    Reason,
    Reopening,
    Role,
    RulingOutcome,
    Shipment,
    Store,
)
from aftersales.domain.money import format_fen, parse_yuan
from aftersales.domain.policy import Pack
from aftersales.domain.timecalc import Unit
from aftersales.services.ports import EvidenceItem, Message

MONEY_PATTERN = r"^(0|[1-9]\d{0,11})(\.\d{1,2})?$"
def _valid_money(text: str) -> str:
    parse_yuan(text)  # InvalidAmount is a ValueError: pydantic reports it as a validation error
    return text


Money = Annotated[
    str,
    Field(pattern=MONEY_PATTERN, examples=["199.00"], description="yuan, two decimals"),
    AfterValidator(_valid_money),
]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=4000)]
EvidenceIds = Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)]

# The zone times are shown in: the pack's, unless the client asked for another.
display_zone: ContextVar[ZoneInfo | None] = ContextVar("display_zone", default=None)


def fen(text: str | None) -> int | None:
    return None if text is None else parse_yuan(text)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Lenient(BaseModel):
    # Orders and stores come from the marketplace's order system, which knows more
    # about them than we need; extra fields are ignored, not refused.
    model_config = ConfigDict(extra="ignore")


# --- requests ---


class StoreIn(Lenient):
    id: Id
    name: Annotated[str, Field(max_length=200)] | None = None
    return_address: Annotated[str, Field(min_length=1, max_length=500)]

    def to_domain(self) -> Store:
        return Store(self.id, self.name or self.id, self.return_address)


class LineIn(Lenient):
    id: Id
    title: Annotated[str, Field(min_length=1, max_length=500)]
    category: Category = Category.GENERAL
    quantity: Annotated[int, Field(ge=1, le=100000)] = 1
    paid: Money
    no_reason_waived: bool = False
    usage_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    return_insurance_cap: Money | None = None

    def to_domain(self) -> Line:
        return Line(self.id, self.title, self.category, self.quantity, parse_yuan(self.paid), self.no_reason_waived,
                    self.usage_days, fen(self.return_insurance_cap))


class OrderIn(Lenient):
    id: Id
    store: Id
    buyer: Id
    paid_at: AwareDatetime
    shipped_at: AwareDatetime | None = None
    delivered_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    shipping_fee: Money = "0.00"
    free_shipping_threshold: Money | None = None
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=500)]

    def to_domain(self) -> Order:
        return Order(self.id, self.store, self.buyer, self.paid_at, self.shipped_at, self.delivered_at,
                     self.completed_at, parse_yuan(self.shipping_fee), [x.to_domain() for x in self.lines],
                     fen(self.free_shipping_threshold))


class CaseOpenIn(Strict):
    order_id: Id
    line_id: Id
    type: CaseType
    reason: Reason
    amount: Money | None = None
    description: LongText | None = None
    evidence_ids: EvidenceIds = []


class NoteIn(Strict):
    """Actions that need nothing but may carry a note and evidence."""

    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> case_engine.Params:
        return case_engine.Params(note=self.note, evidence_ids=tuple(self.evidence_ids))


class RefuseIn(Strict):
    reason: ShortText
    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> case_engine.Params:
        return case_engine.Params(reason=self.reason, note=self.note, evidence_ids=tuple(self.evidence_ids))


class ShipIn(Strict):
    carrier: ShortText
    tracking_no: Annotated[str, Field(min_length=1, max_length=64)]
    fee: Money | None = None
    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> case_engine.Params:
        return case_engine.Params(carrier=self.carrier, tracking_no=self.tracking_no, fee=fen(self.fee),
                                  note=self.note, evidence_ids=tuple(self.evidence_ids))


class ModifyIn(Strict):
    type: CaseType | None = None
    reason: Reason | None = None
    amount: Money | None = None
    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> case_engine.Params:
        return case_engine.Params(type=self.type, case_reason=self.reason, amount=fen(self.amount), note=self.note,
                                  evidence_ids=tuple(self.evidence_ids))


class RuleIn(Strict):
    outcome: RulingOutcome
    amount: Money | None = None
    fault: Party | None = None
    note: LongText | None = None

    def params(self) -> case_engine.Params:
        return case_engine.Params(outcome=self.outcome, amount=fen(self.amount), fault=self.fault, note=self.note)


ACTION_BODIES: dict[str, type[Strict]] = {
    "agree": NoteIn,
    "refuse": RefuseIn,
    "modify": ModifyIn,
    "withdraw": NoteIn,
    "escalate": NoteIn,
    "ship_return": ShipIn,
    "confirm_receipt": NoteIn,
    "refuse_receipt": RefuseIn,
    "ship_replacement": ShipIn,
    "confirm_replacement": NoteIn,
    "reject_replacement": NoteIn,
    "rule": RuleIn,
}
assert set(ACTION_BODIES) == set(case_engine.PUBLIC_ACTIONS), "every public action needs a body shape"


class Text(BaseModel):
    zh: str
    en: str


class StorePolicyIn(Strict):
    """A store's clauses (see docs/store-policy-lint.md for the kinds)."""

    clauses: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=100)]


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


class ReopenIn(Strict):
    days: Annotated[int, Field(ge=1, le=365)]
    note: LongText | None = None


class ReopeningOut(BaseModel):
    order_id: str
    line_id: str
    granted_at: datetime
    until: datetime
    days: int
    granted_by: dict[str, str]
    note: str | None


class ReopeningList(BaseModel):
    data: list[ReopeningOut]
    has_more: bool
    next_cursor: str | None


class TokenIn(Strict):
    role: Literal["buyer", "seller", "agent", "operator", "integration"]
    subject: Id


class ClockIn(Strict):
    now: AwareDatetime


class MessageIn(Strict):
    text: Annotated[str, Field(min_length=1, max_length=4000)]


# --- responses (documented in OpenAPI; built by the functions below) ---


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
    at: datetime


class RulingOut(BaseModel):
    outcome: RulingOutcome
    amount: Money | None
    fault: Party | None
    note: str | None
    agent_id: str
    at: datetime


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
    deadline: datetime | None
    deadline_action: str | None
    deadline_rule: str | None
    deadline_provisional: bool
    deadline_clock: Literal["natural_hours", "natural_days", "business_days", "natural_years"] | None
    deadline_explanation: Text | None
    version: int
    freight: FreightOut | None
    opened_at: datetime
    status_since: datetime
    updated_at: datetime
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


class CaseList(BaseModel):
    data: list[CaseOut]
    has_more: bool
    next_cursor: str | None


class OptionOut(BaseModel):
    type: CaseType
    reason: Reason
    allowed: bool
    deadline: datetime | None
    provisional: bool
    rule: str
    explanation: Text


class EligibilityOut(BaseModel):
    order_id: str
    line_id: str
    at: datetime
    options: list[OptionOut]


class EventOut(BaseModel):
    seq: int
    at: datetime
    actor: dict[str, str]
    action: str
    from_status: str | None
    to_status: str
    before: dict[str, Any]
    after: dict[str, Any]
    data: dict[str, Any]


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
    created_at: datetime | None = None


class EvidenceList(BaseModel):
    data: list[EvidenceOut]
    has_more: bool
    next_cursor: str | None


class MessageOut(BaseModel):
    id: int
    case_id: str
    author: dict[str, str]
    text: str
    created_at: datetime


class MessageList(BaseModel):
    data: list[MessageOut]
    has_more: bool
    next_cursor: str | None


class InterventionOut(BaseModel):
    case_id: str
    status: str
    sla_due: datetime
    breached: bool
    escalated_at: datetime
    order_id: str
    line_id: str
    store_id: str
    type: CaseType
    reason: Reason
    amount: Money


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
    paid_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    shipping_fee: Money
    free_shipping_threshold: Money | None
    lines: list[LineOut]


class StoreOut(BaseModel):
    id: str
    name: str
    return_address: str


class TokenOut(BaseModel):
    token: str
    role: str
    subject: str


class ClockOut(BaseModel):
    now: datetime
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


# --- views: domain objects to JSON-ready dicts ---


def iso(value: datetime | None, pack: Pack) -> str | None:
    if value is None:
        return None
    return value.astimezone(display_zone.get() or pack.zone).isoformat()


def _money(value: int | None) -> str | None:
    return None if value is None else format_fen(value)


def _shipment(s: Shipment | None, pack: Pack) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"carrier": s.carrier, "tracking_no": s.tracking_no, "fee": _money(s.fee), "at": iso(s.at, pack)}


CLOCKS = {Unit.HOURS: "natural_hours", Unit.DAYS: "natural_days", Unit.BUSINESS_DAYS: "business_days",
          Unit.YEARS: "natural_years"}


def case_view(c: Case, pack: Pack, viewer: Role | None = None) -> dict[str, Any]:
    explanation = clock = None
    if c.deadline_rule is not None:
        rule = next((r for r in pack.timeouts if r.id == c.deadline_rule), None)
        if rule is not None:
            clock = CLOCKS[rule.after.unit]
            when = iso(c.deadline, pack)
            explanation = {"zh": f"{rule.text.zh}(截止 {when};依据:{rule.source})",
                           "en": f"{rule.text.en} (by {when}; source: {rule.source})"}
    freight = None
    if c.freight is not None:
        f = c.freight.as_dict()
        f["compensation"] = format_fen(c.freight.compensation)
        f["insurance"] = format_fen(c.freight.insurance)
        freight = f
    ruling = None
    if c.ruling is not None:
        ruling = {"outcome": c.ruling.outcome.value, "amount": _money(c.ruling.amount),
                  "fault": c.ruling.fault.value if c.ruling.fault else None, "note": c.ruling.note,
                  "agent_id": c.ruling.agent_id, "at": iso(c.ruling.at, pack)}
    return {
        "id": c.id,
        "order_id": c.order_id,
        "line_id": c.line_id,
        "store_id": c.store_id,
        "buyer_id": c.buyer_id,
        "type": c.type.value,
        "reason": c.reason.value,
        "status": c.status.value,
        "phase": c.phase.value,
        "amount": format_fen(c.amount),
        "refunded": format_fen(c.refunded),
        "line_paid": format_fen(c.line_paid),
        "deadline": iso(c.deadline, pack),
        "deadline_action": c.deadline_action,
        "deadline_rule": c.deadline_rule,
        "deadline_provisional": c.deadline_provisional,
        "deadline_clock": clock,
        "deadline_explanation": explanation,
        "version": c.version,
        "freight": freight,
        "opened_at": iso(c.opened_at, pack),
        "status_since": iso(c.status_since, pack),
        "updated_at": iso(c.updated_at or c.status_since, pack),
        "description": c.description,
        "evidence_ids": list(c.evidence_ids),
        "eligibility_rule": c.eligibility_rule,
        "return_address": c.return_address,
        "return_shipment": _shipment(c.return_shipment, pack),
        "replacement_shipment": _shipment(c.replacement_shipment, pack),
        "refusal": None if c.refusal_reason is None else {"reason": c.refusal_reason, "note": c.refusal_note},
        "receipt_refused": c.receipt_refused,
        "repair_failures": c.repair_failures,
        "ruling": ruling,
        "closed_by": c.closed_by,
        "allowed_actions": case_engine.allowed_actions(c, viewer) if viewer is not None else [],
    }


def option_view(o: Option, pack: Pack) -> dict[str, Any]:
    return {
        "type": o.type.value,
        "reason": o.reason.value,
        "allowed": o.allowed,
        "deadline": iso(o.deadline, pack),
        "provisional": o.provisional,
        "rule": o.rule,
        "explanation": {"zh": o.explanation.zh, "en": o.explanation.en},
    }


def event_view(e: Event, pack: Pack) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": iso(e.at, pack),
        "actor": {"role": e.actor.role.value, "id": e.actor.id},
        "action": e.action,
        "from_status": e.from_status.value if e.from_status else None,
        "to_status": e.to_status.value,
        "before": e.before,
        "after": e.after,
        "data": e.data,
    }


def order_view(o: Order, pack: Pack) -> dict[str, Any]:
    return {
        "id": o.id,
        "store": o.store_id,
        "buyer": o.buyer_id,
        "paid_at": iso(o.paid_at, pack),
        "shipped_at": iso(o.shipped_at, pack),
        "delivered_at": iso(o.delivered_at, pack),
        "completed_at": iso(o.completed_at, pack),
        "shipping_fee": format_fen(o.shipping_fee),
        "free_shipping_threshold": _money(o.free_shipping_threshold),
        "lines": [
            {"id": x.id, "title": x.title, "category": x.category.value, "quantity": x.quantity,
             "paid": format_fen(x.paid), "no_reason_waived": x.no_reason_waived, "usage_days": x.usage_days,
             "return_insurance_cap": _money(x.return_insurance_cap)}
            for x in o.lines
        ],
    }


def evidence_view(e: EvidenceItem, pack: Pack) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "sha256": e.sha256, "content_type": e.content_type, "size": e.size,
            "filename": e.filename, "case_id": e.case_id,
            "uploaded_by": {"role": e.uploaded_by.role.value, "id": e.uploaded_by.id},
            "created_at": iso(e.created_at, pack)}


def message_view(m: Message, pack: Pack) -> dict[str, Any]:
    return {"id": m.id, "case_id": m.case_id, "author": {"role": m.author.role.value, "id": m.author.id},
            "text": m.text, "created_at": iso(m.created_at, pack)}


def reopening_view(g: Reopening, pack: Pack) -> dict[str, Any]:
    return {"order_id": g.order_id, "line_id": g.line_id, "granted_at": iso(g.granted_at, pack),
            "until": iso(g.until, pack), "days": g.days,
            "granted_by": {"role": g.granted_by.role.value, "id": g.granted_by.id}, "note": g.note}
