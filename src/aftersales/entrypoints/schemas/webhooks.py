"""Bodies of the webhook endpoints, their deliveries and the event objects, in and out."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from aftersales.domain.model import Actor
from aftersales.domain.policy import Pack
from aftersales.domain.webhooks import MAX_URL, Endpoint
from aftersales.entrypoints.schemas.requests import Strict
from aftersales.entrypoints.schemas.types import Id, Instant, ShortText, WireTime, shown
from aftersales.services.webhooks import requests as w
from aftersales.services.webhooks.values import Delivery, EndpointWithSecret, StoredEvent

EventType = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+\.[a-z_]+$")]
Url = Annotated[str, Field(min_length=1, max_length=MAX_URL)]


class WebhookEndpointIn(Strict):
    url: Url
    # Left out: every type. See docs/contract.md for the catalogue.
    events: Annotated[list[EventType], Field(min_length=1, max_length=50)] | None = None
    # An operator's endpoint for one store's cases; left out: the platform's, every case. A store's
    # owner's endpoint is always their store's.
    store: Id | None = None
    description: ShortText | None = None

    def command(self, actor: Actor) -> w.CreateEndpoint:
        return w.CreateEndpoint(actor=actor, url=self.url, events=tuple(self.events) if self.events else None,
                                store_id=self.store, description=self.description)


class WebhookEndpointPatch(Strict):
    url: Url | None = None
    # null: every type again.
    events: Annotated[list[EventType], Field(min_length=1, max_length=50)] | None = None
    description: Annotated[str, Field(max_length=200)] | None = None
    enabled: bool | None = None

    def command(self, actor: Actor, endpoint_id: str) -> w.ChangeEndpoint:
        return w.ChangeEndpoint(actor=actor, endpoint_id=endpoint_id, url=self.url,
                                set_events="events" in self.model_fields_set,
                                events=tuple(self.events) if self.events else None,
                                description=self.description, enabled=self.enabled)


class ReplayIn(Strict):
    """One delivery to send again, or every failed one since a time."""

    delivery: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    since: Instant | None = None

    def command(self, actor: Actor, endpoint_id: str) -> w.ReplayDeliveries:
        return w.ReplayDeliveries(actor=actor, endpoint_id=endpoint_id, delivery_id=self.delivery, since=self.since)


class WebhookEndpointOut(BaseModel):
    id: str
    url: str
    events: list[str] | None
    store: str | None
    description: str | None
    enabled: bool
    # "owner": switched off by a person; "failing": by the platform, after 5 days of failures.
    disabled_reason: Literal["owner", "failing"] | None
    failing_since: WireTime | None
    # While set, deliveries carry a second signature, with the secret before the last rotation.
    previous_secret_valid_until: WireTime | None
    created_by: str
    created_at: WireTime
    updated_at: WireTime

    @classmethod
    def from_endpoint(cls, e: Endpoint, pack: Pack) -> WebhookEndpointOut:
        z = pack.zone
        return cls(id=e.id, url=e.url, events=list(e.events) if e.events is not None else None, store=e.store_id,
                   description=e.description, enabled=e.enabled,
                   disabled_reason=e.disabled_reason,  # type: ignore[arg-type]
                   failing_since=shown(e.failing_since, z), previous_secret_valid_until=shown(e.previous_until, z),
                   created_by=e.created_by, created_at=shown(e.created_at, z), updated_at=shown(e.updated_at, z))


class WebhookEndpointCreated(WebhookEndpointOut):
    # Shown in this answer only; a retry with the same Idempotency-Key is not answered with it again.
    secret: str

    @classmethod
    def from_issued(cls, issued: EndpointWithSecret, pack: Pack) -> WebhookEndpointCreated:
        out = WebhookEndpointOut.from_endpoint(issued.endpoint, pack)
        return cls(**out.model_dump(), secret=issued.secret)


class WebhookEndpointList(BaseModel):
    data: list[WebhookEndpointOut]


class AttemptOut(BaseModel):
    attempt: int
    at: WireTime
    status: int | None
    duration_ms: int
    ok: bool
    error: str | None
    # The first KB of what the endpoint answered.
    answer: str | None


class DeliveryOut(BaseModel):
    id: int
    endpoint: str
    event_id: str
    event_type: str
    case_id: str | None
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: WireTime | None
    first_at: WireTime
    delivered_at: WireTime | None
    tries: list[AttemptOut]

    @classmethod
    def from_delivery(cls, d: Delivery, pack: Pack) -> DeliveryOut:
        z = pack.zone
        return cls(id=d.id, endpoint=d.endpoint_id, event_id=d.event_id, event_type=d.event_type, case_id=d.case_id,
                   state=d.state, attempts=d.attempts, next_attempt_at=shown(d.next_at, z),  # type: ignore[arg-type]
                   first_at=shown(d.first_at, z), delivered_at=shown(d.delivered_at, z),
                   tries=[AttemptOut(attempt=a.attempt, at=shown(a.at, z), status=a.status, duration_ms=a.duration_ms,
                                     ok=a.ok, error=a.error, answer=a.answer) for a in d.tries])


class DeliveryList(BaseModel):
    data: list[DeliveryOut]
    has_more: bool
    next_cursor: str | None


class ReplayOut(BaseModel):
    replayed: int


class TestEventOut(BaseModel):
    event_id: str


class EventObjectOut(BaseModel):
    """An event object, as a webhook delivers it."""

    id: str
    type: str
    created_at: str
    api_version: str
    data: dict[str, Any]

    @classmethod
    def from_stored(cls, e: StoredEvent) -> EventObjectOut:
        return cls.model_validate(json.loads(e.body))


class EventObjectList(BaseModel):
    data: list[EventObjectOut]
    has_more: bool
    # Pass as ?after= to continue (now, or later to catch up): the last event's id in data.
    next_after: str | None
