"""What the webhook use cases answer: event objects as stored, endpoints with a secret shown
once, deliveries and their attempts for the delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aftersales.domain.webhooks import Endpoint

ANSWER_KEPT = 1024  # bytes of an endpoint's answer kept for the delivery log


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event object in the outbox: ``body`` is its JSON, byte for byte what is sent."""

    seq: int
    id: str
    type: str
    case_id: str | None
    store_id: str | None
    created_at: datetime
    body: str


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event object to write with the change it tells of; ``endpoint_id``: for that endpoint
    only (a test event), else for every endpoint that takes it when it is fanned out."""

    id: str
    type: str
    case_id: str | None
    store_id: str | None
    created_at: datetime
    body: str
    endpoint_id: str | None = None


@dataclass(frozen=True, slots=True)
class Unsent:
    """An event in the outbox not yet fanned out into deliveries."""

    seq: int
    type: str
    case_id: str | None
    store_id: str | None
    endpoint_id: str | None


@dataclass(frozen=True, slots=True)
class EndpointWithSecret:
    """A new endpoint, or one whose secret was just rotated: the only time the secret is shown."""

    endpoint: Endpoint
    secret: str


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one attempt to send got: the HTTP status (None: no answer), how long it took, the
    first KB of the answer, and what went wrong when nothing came back."""

    status: int | None
    duration_ms: int
    answer: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A delivery claimed to be sent now, with what sending it needs."""

    id: int
    endpoint: Endpoint
    event_id: str
    body: str
    attempt: int  # the number of this attempt, counting from 1
    first_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    attempt: int
    at: datetime
    status: int | None
    duration_ms: int
    error: str | None
    answer: str | None
    ok: bool


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event to one endpoint, as the delivery log shows it."""

    id: int
    endpoint_id: str
    event_id: str
    event_type: str
    case_id: str | None
    state: str  # pending | delivered | failed
    attempts: int
    next_at: datetime | None
    first_at: datetime
    delivered_at: datetime | None
    tries: tuple[Attempt, ...] = ()
