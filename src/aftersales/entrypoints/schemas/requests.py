"""Request bodies, each turning itself into the command it asks for (the one mapping from a
request to a use case, used by the API and the scenario runner alike)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aftersales.domain.inputs import CaseRequest, Params
from aftersales.domain.model import Actor, CaseType, Category, Line, Order, Party, Reason, RulingOutcome
from aftersales.domain.money import parse_yuan
from aftersales.domain.stores import Store
from aftersales.domain.transitions import PUBLIC_ACTIONS
from aftersales.entrypoints.schemas.types import (
    EvidenceIds,
    Id,
    Instant,
    LongText,
    Money,
    ShortText,
    Str,
    clean_json,
)
from aftersales.services import commands as c


def fen(text: str | None) -> int | None:
    return None if text is None else parse_yuan(text)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Lenient(BaseModel):
    # Orders and stores come from the marketplace's order system, which knows more
    # about them than we need; extra fields are ignored, not refused.
    model_config = ConfigDict(extra="ignore")


class StoreIn(Lenient):
    id: Id
    name: Annotated[Str, Field(max_length=200)] | None = None
    return_address: Annotated[Str, Field(min_length=1, max_length=500)]

    def command(self, actor: Actor) -> c.UpsertStore:
        return c.UpsertStore(actor=actor, store=Store(self.id, self.name or self.id, self.return_address))


class LineIn(Lenient):
    id: Id
    title: Annotated[Str, Field(min_length=1, max_length=500)]
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
    paid_at: Instant
    shipped_at: Instant | None = None
    delivered_at: Instant | None = None
    completed_at: Instant | None = None
    shipping_fee: Money = "0.00"
    free_shipping_threshold: Money | None = None
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=500)]

    def command(self, actor: Actor) -> c.UpsertOrder:
        order = Order(self.id, self.store, self.buyer, self.paid_at, self.shipped_at, self.delivered_at,
                      self.completed_at, parse_yuan(self.shipping_fee), [x.to_domain() for x in self.lines],
                      fen(self.free_shipping_threshold))
        return c.UpsertOrder(actor=actor, order=order)


class CaseOpenIn(Strict):
    order_id: Id
    line_id: Id
    type: CaseType
    reason: Reason
    amount: Money | None = None
    description: LongText | None = None
    evidence_ids: EvidenceIds = []

    def command(self, actor: Actor) -> c.OpenCase:
        request = CaseRequest(self.type, self.reason, fen(self.amount), self.description, tuple(self.evidence_ids))
        return c.OpenCase(actor=actor, order_id=self.order_id, line_id=self.line_id, request=request)


class ActionIn(Strict):
    """The body of an action on a case; each kind says which parameters it carries."""

    def params(self) -> Params:
        raise NotImplementedError

    def command(self, actor: Actor, case_id: str, action: str, expected_version: int | None = None) -> c.Act:
        return c.Act(actor=actor, case_id=case_id, action=action, params=self.params(),
                     expected_version=expected_version)


class NoteIn(ActionIn):
    """Actions that need nothing but may carry a note and evidence."""

    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> Params:
        return Params(note=self.note, evidence_ids=tuple(self.evidence_ids))


class RefuseIn(ActionIn):
    reason: ShortText
    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> Params:
        return Params(reason=self.reason, note=self.note, evidence_ids=tuple(self.evidence_ids))


class ShipIn(ActionIn):
    carrier: ShortText
    tracking_no: Annotated[Str, Field(min_length=1, max_length=64)]
    fee: Money | None = None
    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> Params:
        return Params(carrier=self.carrier, tracking_no=self.tracking_no, fee=fen(self.fee), note=self.note,
                      evidence_ids=tuple(self.evidence_ids))


class ModifyIn(ActionIn):
    type: CaseType | None = None
    reason: Reason | None = None
    amount: Money | None = None
    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> Params:
        return Params(type=self.type, case_reason=self.reason, amount=fen(self.amount), note=self.note,
                      evidence_ids=tuple(self.evidence_ids))


class RuleIn(ActionIn):
    outcome: RulingOutcome
    amount: Money | None = None
    fault: Party | None = None
    note: LongText | None = None

    def params(self) -> Params:
        return Params(outcome=self.outcome, amount=fen(self.amount), fault=self.fault, note=self.note)


class OfferIn(ActionIn):
    """A seller's counter-offer: another type, another amount, or both (``type`` left out:
    the request's own), with a note and evidence for the buyer to weigh."""

    type: CaseType | None = None
    amount: Money | None = None
    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> Params:
        return Params(type=self.type, amount=fen(self.amount), note=self.note, evidence_ids=tuple(self.evidence_ids))


class InterveneIn(ActionIn):
    """An agent claims a dispute (or steps into an open case); an operator may name the agent."""

    agent: Id | None = None
    note: LongText | None = None

    def params(self) -> Params:
        return Params(agent=self.agent, note=self.note)


class EvidenceRequestIn(ActionIn):
    """An evidence round: whom the agent asks, what for, and (if not the pack's) for how long."""

    parties: Annotated[list[Party], Field(min_length=1, max_length=2)]
    note: LongText | None = None
    hours: Annotated[int, Field(ge=1, le=240)] | None = None

    def params(self) -> Params:
        return Params(parties=tuple(self.parties), note=self.note, hours=self.hours)


class SuspendIn(ActionIn):
    """Ask to pause the review: ``negotiation`` (both parties ask, to settle it themselves) or
    ``proceedings`` (a party went to court or the police; sent again with ``evidence_ids``,
    the proof that the proceedings were accepted)."""

    kind: Literal["negotiation", "proceedings"]
    note: LongText | None = None
    evidence_ids: EvidenceIds = []

    def params(self) -> Params:
        return Params(kind=self.kind, note=self.note, evidence_ids=tuple(self.evidence_ids))


class ReopenGrantIn(ActionIn):
    """Grant a request to reopen: the line's window opens for ``days`` (left out: the pack's number)."""

    days: Annotated[int, Field(ge=1, le=365)] | None = None
    note: LongText | None = None

    def params(self) -> Params:
        return Params(days=self.days, note=self.note)


ACTION_BODIES: dict[str, type[ActionIn]] = {
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
    "intervene": InterveneIn,
    "request_evidence": EvidenceRequestIn,
    "end_evidence_round": NoteIn,
    "suspend": SuspendIn,
    "resume": NoteIn,
    "reopen_grant": ReopenGrantIn,
    "counter_offer": OfferIn,
    "accept_offer": NoteIn,
    "decline_offer": NoteIn,
}
assert set(ACTION_BODIES) == set(PUBLIC_ACTIONS), "every public action needs a body shape"


class StorePolicyIn(Strict):
    """A store's clauses (see docs/store-policy-lint.md for the kinds)."""

    clauses: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=100)]

    @field_validator("clauses")
    @classmethod
    def _clean(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        cleaned: list[dict[str, Any]] = clean_json(value)
        return cleaned


class AppealIn(Strict):
    """An appeal of a ruling: what more the buyer asks refunded (left out: all that is left), and why."""

    amount: Money | None = None
    note: LongText | None = None

    def command(self, actor: Actor, case_id: str) -> c.AppealRuling:
        return c.AppealRuling(actor=actor, case_id=case_id, amount=fen(self.amount), note=self.note)


class ReopenRequestIn(Strict):
    """A buyer's request to reopen a line's closed window, with the evidence for it."""

    type: CaseType
    reason: Reason
    description: LongText | None = None
    evidence_ids: Annotated[EvidenceIds, Field(min_length=1)]

    def command(self, actor: Actor, order_id: str, line_id: str) -> c.RequestReopening:
        request = CaseRequest(self.type, self.reason, None, self.description, tuple(self.evidence_ids))
        return c.RequestReopening(actor=actor, order_id=order_id, line_id=line_id, request=request)


class ReopenIn(Strict):
    days: Annotated[int, Field(ge=1, le=365)]
    note: LongText | None = None

    def command(self, actor: Actor, order_id: str, line_id: str) -> c.ReopenLine:
        return c.ReopenLine(actor=actor, order_id=order_id, line_id=line_id, days=self.days, note=self.note)


class TokenIn(Strict):
    role: Literal["buyer", "seller", "agent", "operator", "integration"]
    subject: Id
    expires_at: Instant | None = None

    def command(self, actor: Actor) -> c.IssueToken:
        return c.IssueToken(actor=actor, role=self.role, subject=self.subject, expires_at=self.expires_at)


class OrderEventIn(Strict):
    type: Literal["shipped", "delivered", "completed", "cancelled"]
    at: Instant
    # The order system's own id for the event: a repeat with it is answered, not applied again.
    id: Annotated[Str, Field(min_length=1, max_length=128)] | None = None

    def command(self, actor: Actor, order_id: str) -> c.RecordOrderEvent:
        return c.RecordOrderEvent(actor=actor, order_id=order_id, type=self.type, at=self.at, event_id=self.id)


class PhraseIn(Strict):
    text: Annotated[Str, Field(min_length=1, max_length=500)]
    # "store": the caller's store's (its owner); "platform": the agents' (an operator).
    scope: Literal["store", "platform"] = "store"

    def command(self, actor: Actor) -> c.AddPhrase:
        return c.AddPhrase(actor=actor, text=self.text, platform=self.scope == "platform")


class LoginLinkIn(Strict):
    buyer: Id

    def command(self, actor: Actor) -> c.IssueLoginLink:
        return c.IssueLoginLink(actor=actor, buyer=self.buyer)


class ClockIn(Strict):
    now: Instant

    def command(self, actor: Actor) -> c.SetTestClock:
        return c.SetTestClock(actor=actor, now=self.now)


class MessageIn(Strict):
    text: Annotated[Str, Field(min_length=1, max_length=4000)]
    # An agent's note for the platform's staff only; the parties never see it.
    private: bool = False

    def command(self, actor: Actor, case_id: str, expected_version: int | None = None) -> c.PostMessage:
        return c.PostMessage(actor=actor, case_id=case_id, text=self.text, private=self.private,
                             expected_version=expected_version)


def max_length(model: type[BaseModel], name: str) -> int:
    """The longest ``name`` of ``model`` may be, so the pages' forms allow what the API allows
    and no more (a form drawn with its own number once cut a description at half the API's)."""

    def find(schema: Any) -> int | None:
        if isinstance(schema, dict):
            if "maxLength" in schema:
                return int(schema["maxLength"])
            for value in schema.values():
                found = find(value)
                if found is not None:
                    return found
        if isinstance(schema, list):
            for value in schema:
                found = find(value)
                if found is not None:
                    return found
        return None

    found = find(model.model_json_schema()["properties"][name])
    if found is None:
        raise KeyError(f"{model.__name__}.{name} has no maximum length")
    return found
