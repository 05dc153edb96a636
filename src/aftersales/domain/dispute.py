"""What a dispute holds besides its status: the seller's pending counter-offer, and the pause
of the platform's review (an evidence round or a suspension)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales.domain.model import CaseType, Party


@dataclass(frozen=True, slots=True)
class Offer:
    """A seller's counter-offer (协商方案) waiting for the buyer's answer: other terms instead of
    the request (a partial refund, or an exchange or a repair instead of a return). ``seq`` is
    the history event that made it."""

    type: CaseType
    amount: int
    note: str | None
    evidence_ids: tuple[str, ...]
    at: datetime
    seq: int

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type.value, "amount": self.amount, "note": self.note,
                "evidence_ids": list(self.evidence_ids), "at": self.at.isoformat(), "seq": self.seq}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Offer:
        return cls(CaseType(d["type"]), int(d["amount"]), d.get("note"), tuple(d.get("evidence_ids") or ()),
                   datetime.fromisoformat(d["at"]), int(d["seq"]))


@dataclass(frozen=True, slots=True)
class Pause:
    """The platform's review stands still, waiting on the parties: an evidence round
    (``kind`` "evidence", asking ``parties``), a suspension both asked for to negotiate
    ("negotiation"), or while one party (``by``) goes to court or the police: first waiting
    for proof that the proceedings were accepted ("proceedings"), then for their outcome
    ("proceedings_proven"). It ends at ``until`` unless ended before; the SLA left when it
    began (``sla_left``, seconds of business time: the SLA counts business days) is given back
    when it ends. A pause stored before business time was counted says ``clock`` "natural"."""

    kind: str
    parties: tuple[Party, ...]
    note: str | None
    since: datetime
    until: datetime
    sla_left: int
    by: Party | None = None  # who reported the proceedings
    clock: str = "business"

    @property
    def action(self) -> str:
        """The default outcome when it runs out (DESIGN 3.3)."""
        return "end_evidence_round" if self.kind == "evidence" else "resume"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "parties": [p.value for p in self.parties], "note": self.note,
                "since": self.since.isoformat(), "until": self.until.isoformat(), "sla_left": self.sla_left,
                "by": self.by.value if self.by else None, "clock": self.clock}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Pause:
        return cls(str(d["kind"]), tuple(Party(p) for p in d.get("parties") or ()), d.get("note"),
                   datetime.fromisoformat(d["since"]), datetime.fromisoformat(d["until"]), int(d["sla_left"]),
                   Party(d["by"]) if d.get("by") else None, str(d.get("clock") or "natural"))
