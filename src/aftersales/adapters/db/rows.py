"""Rows and domain objects: how each is written to its table and read back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aftersales.domain import store_policy
from aftersales.domain.dispute import Offer, Pause
from aftersales.domain.model import (
    Actor,
    Case,
    CaseType,
    Event,
    Freight,
    Party,
    Phase,
    Reason,
    Role,
    Ruling,
    RulingOutcome,
    Shipment,
    Status,
)
from aftersales.domain.payouts import PayoutRequest
from aftersales.domain.stores import StorePolicy


def policy(data: dict[str, Any] | None) -> StorePolicy | None:
    return None if not data else store_policy.parse(data)


def _shipment_json(s: Shipment | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"carrier": s.carrier, "tracking_no": s.tracking_no, "fee": s.fee, "at": s.at.isoformat()}


def _shipment(d: dict[str, Any] | None) -> Shipment | None:
    if not d:
        return None
    return Shipment(d["carrier"], d["tracking_no"], d.get("fee"), datetime.fromisoformat(d["at"]))


def _ruling_json(r: Ruling | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "outcome": r.outcome.value, "amount": r.amount, "fault": r.fault.value if r.fault else None,
        "note": r.note, "agent_id": r.agent_id, "at": r.at.isoformat(),
    }


def _ruling(d: dict[str, Any] | None) -> Ruling | None:
    if not d:
        return None
    return Ruling(
        RulingOutcome(d["outcome"]), d.get("amount"), Party(d["fault"]) if d.get("fault") else None, d.get("note"),
        d["agent_id"], datetime.fromisoformat(d["at"]),
    )


def case_to_row(c: Case) -> dict[str, Any]:
    return {
        "id": c.id, "order_id": c.order_id, "line_id": c.line_id, "store_id": c.store_id, "buyer_id": c.buyer_id,
        "type": c.type.value, "reason": c.reason.value, "status": c.status.value, "phase": c.phase.value,
        "amount": c.amount, "refunded": c.refunded, "line_paid": c.line_paid, "opened_at": c.opened_at,
        "status_since": c.status_since, "deadline": c.deadline, "deadline_action": c.deadline_action,
        "deadline_rule": c.deadline_rule, "deadline_provisional": c.deadline_provisional, "version": c.version,
        "entry": c.entry, "description": c.description, "evidence_ids": list(c.evidence_ids),
        "eligibility_rule": c.eligibility_rule, "return_address": c.return_address,
        "return_shipment": _shipment_json(c.return_shipment),
        "replacement_shipment": _shipment_json(c.replacement_shipment),
        "refusal_reason": c.refusal_reason, "refusal_note": c.refusal_note, "receipt_refused": c.receipt_refused,
        "repair_failures": c.repair_failures, "ruling": _ruling_json(c.ruling),
        "freight": c.freight.as_dict() if c.freight else None, "closed_by": c.closed_by,
        "updated_at": c.updated_at or c.status_since, "sla_due": c.sla_due, "attention": c.attention,
        "assignee": c.assignee, "offer": c.offer.as_dict() if c.offer else None, "agent": c.agent,
        "pause": c.pause.as_dict() if c.pause else None,
        "suspend_asked": c.suspend_asked.value if c.suspend_asked else None,
        "kind": c.kind, "appeal_of": c.appeal_of, "appeal_id": c.appeal_id, "first_agent": c.first_agent,
        "ruled_at": c.ruling.at if c.ruling else None,
    }


def row_to_case(r: Any) -> Case:
    return Case(
        id=r.id, order_id=r.order_id, line_id=r.line_id, store_id=r.store_id, buyer_id=r.buyer_id,
        type=CaseType(r.type), reason=Reason(r.reason), status=Status(r.status), phase=Phase(r.phase),
        amount=r.amount, refunded=r.refunded, line_paid=r.line_paid, opened_at=r.opened_at,
        status_since=r.status_since, deadline=r.deadline, deadline_action=r.deadline_action,
        deadline_rule=r.deadline_rule, deadline_provisional=bool(r.deadline_provisional), version=r.version,
        entry=r.entry, description=r.description, evidence_ids=list(r.evidence_ids or []),
        eligibility_rule=r.eligibility_rule, return_address=r.return_address,
        return_shipment=_shipment(r.return_shipment), replacement_shipment=_shipment(r.replacement_shipment),
        refusal_reason=r.refusal_reason, refusal_note=r.refusal_note, receipt_refused=bool(r.receipt_refused),
        repair_failures=r.repair_failures, ruling=_ruling(r.ruling),
        freight=Freight.from_dict(r.freight) if r.freight else None, closed_by=r.closed_by, updated_at=r.updated_at,
        sla_due=r.sla_due, attention=r.attention, assignee=r.assignee,
        offer=Offer.from_dict(r.offer) if r.offer else None, agent=r.agent,
        pause=Pause.from_dict(r.pause) if r.pause else None,
        suspend_asked=Party(r.suspend_asked) if r.suspend_asked else None,
        kind=r.kind, appeal_of=r.appeal_of, appeal_id=r.appeal_id, first_agent=r.first_agent,
    )


def event_to_row(e: Event) -> dict[str, Any]:
    return {
        "case_id": e.case_id, "seq": e.seq, "at": e.at, "actor_role": e.actor.role.value, "actor_id": e.actor.id,
        "action": e.action, "from_status": e.from_status.value if e.from_status else None,
        "to_status": e.to_status.value, "before": e.before, "after": e.after, "data": e.data,
        "recorded_at": datetime.now(UTC),
    }


def row_to_event(r: Any) -> Event:
    return Event(
        r.case_id, r.seq, r.at, Actor(Role(r.actor_role), r.actor_id), r.action,
        Status(r.from_status) if r.from_status else None, Status(r.to_status), r.before, r.after, r.data,
    )


def payout_row(p: PayoutRequest, at: datetime) -> dict[str, Any]:
    return {"case_id": p.case_id, "kind": p.kind, "amount": p.amount, "key": p.key, "state": "pending",
            "requested_at": at, "attempts": 0}
