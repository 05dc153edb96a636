"""The webhooks subdomain's handler table and its reactions, merged into the dispatcher's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aftersales.services.webhooks import delivery, endpoints, events
from aftersales.services.webhooks import requests as w

HANDLERS: Mapping[type, Any] = {
    w.CreateEndpoint: endpoints.create_endpoint,
    w.ChangeEndpoint: endpoints.change_endpoint,
    w.DeleteEndpoint: endpoints.delete_endpoint,
    w.RotateSecret: endpoints.rotate_secret,
    w.SendTestEvent: endpoints.send_test_event,
    w.ReplayDeliveries: endpoints.replay_deliveries,
    w.ListEndpoints: endpoints.list_endpoints,
    w.GetEndpoint: endpoints.get_endpoint,
    w.EndpointDeliveries: endpoints.endpoint_deliveries,
    w.ListEvents: events.list_events,
    w.DeliverWebhooks: delivery.deliver_webhooks,
    w.FanOutEvents: events.fan_out,
    w.PurgeEvents: events.purge_events,
}

# Run by ``record`` for every history event ("*"), in the transaction that writes it.
REACTIONS: Mapping[str, tuple[Any, ...]] = {"*": (events.publish,)}
