"""Money going back to the buyer: what a case asks to pay, and what the gateway answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PayoutRequest:
    """Money the platform must send to the buyer for a case, once."""

    case_id: str
    kind: str  # "goods" | "freight" | "insurance"
    amount: int
    key: str  # the payment gateway's idempotency key


@dataclass(frozen=True, slots=True)
class Payout:
    """A payout as recorded: pending until the gateway gives a final answer."""

    id: int
    case_id: str
    kind: str
    amount: int
    key: str
    state: str  # "pending" | "succeeded" | "failed"
    requested_at: datetime
    attempts: int = 0  # times a worker claimed it to ask the gateway


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """The gateway's answer. ``succeeded`` is final; ``pending`` means ask again later."""

    status: str  # "succeeded" | "pending" | "failed"
    reference: str
    settled_at: datetime | None = None
    message: str | None = None
