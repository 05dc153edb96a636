"""The case as the outside sees it, as JSON-ready data: what ``GET /api/v1/cases/{id}`` answers
(less the actions the viewer may take) and what an event object carries as ``data.case``.

One rendering for both, so a webhook's case and the API's case never disagree; an event's is
rendered once, when the change is written, in the pack's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aftersales.domain.model import Case, Shipment
from aftersales.domain.money import format_fen
from aftersales.domain.policy import Pack
from aftersales.domain.timecalc import Unit

CLOCKS: dict[Unit, str] = {Unit.HOURS: "natural_hours", Unit.DAYS: "natural_days",
                           Unit.BUSINESS_DAYS: "business_days", Unit.YEARS: "natural_years"}


def local(value: datetime, zone: ZoneInfo) -> datetime:
    """The instant in ``zone``; in UTC where the zone's offset then was no whole minute (a
    historical local mean time such as +08:05:43 is no RFC 3339 offset)."""
    shown = value.astimezone(zone)
    offset = shown.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        return value.astimezone(UTC)
    return shown


def _t(value: datetime | None, zone: ZoneInfo) -> str | None:
    return None if value is None else local(value, zone).isoformat()


def _m(value: int | None) -> str | None:
    return None if value is None else format_fen(value)


def _shipment(s: Shipment | None, zone: ZoneInfo) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"carrier": s.carrier, "tracking_no": s.tracking_no, "fee": _m(s.fee), "at": _t(s.at, zone)}


def _deadline(c: Case, pack: Pack, zone: ZoneInfo) -> dict[str, Any]:
    rule = next((r for r in pack.timeouts if r.id == c.deadline_rule), None) if c.deadline_rule else None
    if rule is None:
        return {"deadline_clock": None, "deadline_explanation": None}
    when = _t(c.deadline, zone)
    return {
        "deadline_clock": CLOCKS[rule.after.unit],
        "deadline_explanation": {"zh": f"{rule.text.zh}(截止 {when};依据:{rule.source})",
                                 "en": f"{rule.text.en} (by {when}; source: {rule.source})"},
    }


def case_document(c: Case, pack: Pack, zone: ZoneInfo | None = None) -> dict[str, Any]:
    """The case's public fields (money as "199.00", times in ``zone``, else the pack's)."""
    z = zone or pack.zone
    f, r, o, p = c.freight, c.ruling, c.offer, c.pause
    return {
        "id": c.id, "order_id": c.order_id, "line_id": c.line_id, "store_id": c.store_id, "buyer_id": c.buyer_id,
        "type": c.type.value, "reason": c.reason.value, "status": c.status.value, "phase": c.phase.value,
        "amount": format_fen(c.amount), "refunded": format_fen(c.refunded), "line_paid": format_fen(c.line_paid),
        "deadline": _t(c.deadline, z), "deadline_action": c.deadline_action, "deadline_rule": c.deadline_rule,
        "deadline_provisional": c.deadline_provisional, **_deadline(c, pack, z),
        "version": c.version,
        "freight": None if f is None else {
            "return_leg": f.return_leg.value if f.return_leg else None,
            "outbound_leg": f.outbound_leg.value if f.outbound_leg else None,
            "replacement_leg": f.replacement_leg.value if f.replacement_leg else None,
            "compensation": format_fen(f.compensation), "insurance": format_fen(f.insurance), "rule": f.rule},
        "opened_at": _t(c.opened_at, z), "status_since": _t(c.status_since, z),
        "updated_at": _t(c.updated_at or c.status_since, z),
        "description": c.description, "evidence_ids": list(c.evidence_ids), "eligibility_rule": c.eligibility_rule,
        "return_address": c.return_address, "return_shipment": _shipment(c.return_shipment, z),
        "replacement_shipment": _shipment(c.replacement_shipment, z),
        "refusal": None if c.refusal_reason is None else {"reason": c.refusal_reason, "note": c.refusal_note},
        "receipt_refused": c.receipt_refused, "repair_failures": c.repair_failures,
        "ruling": None if r is None else {"outcome": r.outcome.value, "amount": _m(r.amount),
                                          "fault": r.fault.value if r.fault else None, "note": r.note,
                                          "agent_id": r.agent_id, "at": _t(r.at, z)},
        "closed_by": c.closed_by, "assignee": c.assignee,
        "offer": None if o is None else {"type": o.type.value, "amount": format_fen(o.amount), "note": o.note,
                                         "evidence_ids": list(o.evidence_ids), "at": _t(o.at, z)},
        "agent": c.agent,
        "pause": None if p is None else {"kind": p.kind, "parties": [x.value for x in p.parties], "note": p.note,
                                         "since": _t(p.since, z), "until": _t(p.until, z),
                                         "by": p.by.value if p.by else None},
        "suspend_asked": c.suspend_asked.value if c.suspend_asked else None,
        "sla_due": _t(c.sla_due, z), "kind": c.kind, "appeal_of": c.appeal_of, "appeal_id": c.appeal_id,
    }
