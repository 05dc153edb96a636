"""Webhook endpoints: kept by the platform's operators (every case) and by each store's owner
(its own cases). A secret is shown when the endpoint is made and when it is rotated, never
again; it is derived from the system's key, so it is stored nowhere."""

from __future__ import annotations

import dataclasses

from aftersales.domain import access, errors
from aftersales.domain.event_types import TYPES
from aftersales.domain.webhooks import ROTATION_OVERLAP, Endpoint, check_url
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.values import Page
from aftersales.services.webhooks import requests as w
from aftersales.services.webhooks.events import test_event
from aftersales.services.webhooks.values import Delivery, EndpointWithSecret

MAX_ENDPOINTS = 20  # per store, and for the platform


def _events(events: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if events is None:
        return None
    unknown = sorted(set(events) - TYPES)
    if unknown:
        raise errors.ValidationFailed(f"unknown event types: {', '.join(unknown)} (see the event catalogue)",
                                      f"未知的事件类型:{', '.join(unknown)}(见事件目录)", field="events")
    if not events:
        raise errors.ValidationFailed("events is empty: leave it out to take every type",
                                      "events 为空:不填则接收全部类型", field="events")
    return tuple(sorted(set(events)))


def _url(url: str, deps: Deps) -> str:
    check_url(url)
    deps.sender.check(url)
    return url


def _visible(uow: UnitOfWork, actor_q: w.GetEndpoint | w.ChangeEndpoint | w.DeleteEndpoint | w.RotateSecret
             | w.SendTestEvent | w.ReplayDeliveries | w.EndpointDeliveries) -> Endpoint:
    endpoint = uow.webhooks.get(actor_q.endpoint_id)
    if endpoint is None:
        access.webhook_scope(actor_q.actor)  # a buyer is refused as such, not told "not found"
        raise errors.NotFound("no such webhook endpoint", "没有这个 Webhook 地址")
    access.visible_endpoint(actor_q.actor, endpoint.store_id)
    return endpoint


def create_endpoint(cmd: w.CreateEndpoint, uow: UnitOfWork, deps: Deps) -> EndpointWithSecret:
    scope = access.webhook_scope(cmd.actor)
    store_id = cmd.store_id if scope is None else scope
    if scope is not None and cmd.store_id not in (None, scope):
        raise errors.NotFound(f"no store {cmd.store_id!r}", f"没有店铺 {cmd.store_id!r}", field="store")
    url, events = _url(cmd.url, deps), _events(cmd.events)
    now = deps.wall_clock.now()
    endpoint = Endpoint(deps.new_id("we"), url, store_id, events, cmd.description, 1, None, True, None, None,
                        cmd.actor.staff or cmd.actor.id, now, now)
    with uow.transaction():
        if store_id is not None and uow.stores.get(store_id) is None:
            raise errors.NotFound(f"no store {store_id!r}", f"没有店铺 {store_id!r}", field="store")
        if len(uow.webhooks.of(store_id)) >= MAX_ENDPOINTS:
            raise errors.ValidationFailed(f"at most {MAX_ENDPOINTS} endpoints; delete one first",
                                          f"最多 {MAX_ENDPOINTS} 个地址,请先删除一个")
        uow.webhooks.add(endpoint)
    return EndpointWithSecret(endpoint, deps.secrets.webhook_secret(endpoint.id, 1))


def list_endpoints(q: w.ListEndpoints, uow: UnitOfWork, deps: Deps) -> list[Endpoint]:
    scope = access.webhook_scope(q.actor)
    with uow.read():
        return uow.webhooks.of(scope)


def get_endpoint(q: w.GetEndpoint, uow: UnitOfWork, deps: Deps) -> Endpoint:
    with uow.read():
        return _visible(uow, q)


def change_endpoint(cmd: w.ChangeEndpoint, uow: UnitOfWork, deps: Deps) -> Endpoint:
    url = _url(cmd.url, deps) if cmd.url is not None else None
    events = _events(cmd.events) if cmd.set_events else None
    with uow.transaction():
        endpoint = _visible(uow, cmd)
        changed = dataclasses.replace(endpoint, updated_at=deps.wall_clock.now())
        if url is not None:
            changed = dataclasses.replace(changed, url=url)
        if cmd.set_events:
            changed = dataclasses.replace(changed, events=events)
        if cmd.description is not None:
            changed = dataclasses.replace(changed, description=cmd.description or None)
        if cmd.enabled is True:
            changed = dataclasses.replace(changed, enabled=True, disabled_reason=None, failing_since=None)
        elif cmd.enabled is False:
            changed = dataclasses.replace(changed, enabled=False, disabled_reason="owner")
        uow.webhooks.update(changed)
    return changed


def delete_endpoint(cmd: w.DeleteEndpoint, uow: UnitOfWork, deps: Deps) -> None:
    with uow.transaction():
        _visible(uow, cmd)
        uow.webhooks.delete(cmd.endpoint_id)


def rotate_secret(cmd: w.RotateSecret, uow: UnitOfWork, deps: Deps) -> EndpointWithSecret:
    with uow.transaction():
        endpoint = _visible(uow, cmd)
        now = deps.wall_clock.now()
        rotated = dataclasses.replace(endpoint, generation=endpoint.generation + 1,
                                      previous_until=now + ROTATION_OVERLAP, updated_at=now)
        uow.webhooks.update(rotated)
    return EndpointWithSecret(rotated, deps.secrets.webhook_secret(rotated.id, rotated.generation))


def send_test_event(cmd: w.SendTestEvent, uow: UnitOfWork, deps: Deps) -> str:
    with uow.transaction():
        endpoint = _visible(uow, cmd)
        event = test_event(deps, endpoint.id, endpoint.store_id)
        uow.outbox.add(event)
    return event.id


def replay_deliveries(cmd: w.ReplayDeliveries, uow: UnitOfWork, deps: Deps) -> int:
    if cmd.delivery_id is None and cmd.since is None:
        raise errors.ValidationFailed("say which delivery to send again, or since when the failed ones",
                                      "请指明要重发的投递,或从何时起的失败投递", field="since")
    with uow.transaction():
        _visible(uow, cmd)
        n = uow.webhooks.replay(cmd.endpoint_id, cmd.delivery_id, cmd.since, deps.wall_clock.now())
    if cmd.delivery_id is not None and n == 0:
        raise errors.NotFound(f"no delivery {cmd.delivery_id} to this endpoint", f"此地址没有投递 {cmd.delivery_id}")
    return n


def endpoint_deliveries(q: w.EndpointDeliveries, uow: UnitOfWork, deps: Deps) -> Page[Delivery]:
    with uow.read():
        _visible(uow, q)
        rows = uow.webhooks.deliveries(q.endpoint_id, q.before, q.state, q.limit + 1)
    return Page.of(rows, q.limit, lambda d: (d.id,))
