"""Sending: claim due deliveries by lease, send each signed, record what the endpoint answered.

At least once: a delivery is marked delivered only after its endpoint answered 2xx, so a worker
that dies between the answer and the record sends it again after its lease lapses (receivers
deduplicate on ``webhook-id``, the event's id). A case's events reach an endpoint in order: the
claim takes only the earliest pending delivery of each case to each endpoint, so a later event
waits while an earlier one is retried; other cases go on.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from aftersales.domain.webhooks import DISABLE_AFTER, gives_up, retry_delay
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.webhooks.requests import DeliverWebhooks
from aftersales.services.webhooks.values import DueDelivery, SendResult

log = logging.getLogger(__name__)


def deliver_webhooks(cmd: DeliverWebhooks, uow: UnitOfWork, deps: Deps) -> int:
    """Claim what is due and send it, one after another; answers how many were claimed. A worker
    runs several of these side by side (``aftersales worker``'s senders), so a slow endpoint
    holds up one sender by its timeout, not the others nor the deadlines."""
    now = deps.wall_clock.now()
    # The lease outlasts sending the whole claim, each send taking at most the timeout: a lease
    # lapsing mid-claim would let another worker send the same delivery again.
    lease = max(cmd.lease_seconds, cmd.limit * deps.sender.timeout + 5)
    with uow.transaction():
        due = uow.webhooks.claim(now, cmd.owner, now + timedelta(seconds=lease), cmd.limit)
    for delivery in due:
        _record(uow, deps, cmd.owner, delivery, _send(deps, delivery))
    return len(due)


def _send(deps: Deps, delivery: DueDelivery) -> SendResult:
    at = deps.wall_clock.now()
    secrets = [deps.secrets.webhook_secret(delivery.endpoint.id, g) for g in delivery.endpoint.generations(at)]
    return deps.sender.send(delivery.endpoint.url, delivery.event_id, delivery.body.encode(), secrets, at)


def _record(uow: UnitOfWork, deps: Deps, owner: str, delivery: DueDelivery, result: SendResult) -> None:
    now, scale = deps.wall_clock.now(), deps.retry_scale
    if result.ok:
        state, next_at = "delivered", None
    elif gives_up(delivery.first_at, now):
        state, next_at = "failed", None
    else:
        state, next_at = "pending", now + retry_delay(delivery.attempt, random.random(), scale)
    with uow.transaction():
        if not uow.webhooks.finish(delivery, owner, result, now, state, next_at):
            return  # the lease lapsed and another worker took the delivery over
        # Only the endpoint's health is written, by conditional updates that touch its row only
        # when it changes: senders recording side by side do not queue on the endpoint's row,
        # and a rotation or a person's change made meanwhile is not undone by a stale copy.
        if result.ok:
            uow.webhooks.answered(delivery.endpoint.id)
        elif uow.webhooks.failed(delivery.endpoint.id, now, now - DISABLE_AFTER):
            log.warning("webhook endpoint %s failing for %s: switched off", delivery.endpoint.id, DISABLE_AFTER)
