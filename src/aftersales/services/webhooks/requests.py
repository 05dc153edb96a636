"""Commands and queries of the webhooks subdomain: endpoints, their deliveries, event objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aftersales.domain.model import Actor
from aftersales.domain.webhooks import Endpoint
from aftersales.services.commands import Command, Request
from aftersales.services.values import Page
from aftersales.services.webhooks.values import Delivery, EndpointWithSecret, StoredEvent


@dataclass(frozen=True, kw_only=True)
class CreateEndpoint(Command[EndpointWithSecret]):
    """An endpoint for the platform (an operator, ``store_id`` None) or for a store; ``events``
    None takes every type."""

    actor: Actor
    url: str
    events: tuple[str, ...] | None = None
    store_id: str | None = None
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeEndpoint(Command[Endpoint]):
    """Change what is given: the URL, the event filter (``set_events``: to ``events``, None for
    every type), the description, or switch it on or off."""

    actor: Actor
    endpoint_id: str
    url: str | None = None
    set_events: bool = False
    events: tuple[str, ...] | None = None
    description: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True, kw_only=True)
class DeleteEndpoint(Command[None]):
    actor: Actor
    endpoint_id: str


@dataclass(frozen=True, kw_only=True)
class RotateSecret(Command[EndpointWithSecret]):
    """A new secret; the one before stays valid for 24 hours beside it."""

    actor: Actor
    endpoint_id: str


@dataclass(frozen=True, kw_only=True)
class SendTestEvent(Command[str]):
    """A ``webhook.test`` event to this endpoint only; answers the event's id."""

    actor: Actor
    endpoint_id: str


@dataclass(frozen=True, kw_only=True)
class ReplayDeliveries(Command[int]):
    """Send again one delivery (``delivery_id``) or every failed one since ``since``; answers how many."""

    actor: Actor
    endpoint_id: str
    delivery_id: int | None = None
    since: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class DeliverWebhooks(Command[int]):
    """Claim due deliveries and send them (the worker); answers how many were claimed."""

    owner: str
    lease_seconds: float
    limit: int = 50


@dataclass(frozen=True, kw_only=True)
class FanOutEvents(Command[int]):
    """Make the deliveries of the events written since the last time (the worker)."""

    limit: int = 500


@dataclass(frozen=True, kw_only=True)
class PurgeEvents(Command[int]):
    """Forget events recorded before ``before`` that were fanned out and are not waiting to be
    sent anywhere, with their deliveries' log (the worker, hourly); answers how many."""

    before: datetime
    limit: int = 5000


@dataclass(frozen=True, kw_only=True)
class ListEndpoints(Request[list[Endpoint]]):
    actor: Actor


@dataclass(frozen=True, kw_only=True)
class GetEndpoint(Request[Endpoint]):
    actor: Actor
    endpoint_id: str


@dataclass(frozen=True, kw_only=True)
class EndpointDeliveries(Request[Page[Delivery]]):
    """An endpoint's deliveries, newest first, before the delivery ``before``."""

    actor: Actor
    endpoint_id: str
    before: int | None = None
    state: str | None = None
    limit: int = 50


@dataclass(frozen=True, kw_only=True)
class ListEvents(Request[Page[StoredEvent]]):
    """Event objects after the event ``after`` (an id), oldest first."""

    actor: Actor
    after: str | None = None
    types: tuple[str, ...] = ()
    case_id: str | None = None
    limit: int = 50
