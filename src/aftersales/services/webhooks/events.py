"""Event objects: every history event, as integrators receive it, written to the outbox in the
transaction of the change it tells of, and fanned out by the worker into a delivery to each
endpoint that takes it."""

from __future__ import annotations

import json
from typing import Any

from aftersales.domain import access, errors
from aftersales.domain.event_types import TEST, type_of
from aftersales.domain.model import Case, Event
from aftersales.services.case_doc import case_document, local
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.values import Page
from aftersales.services.webhooks.requests import FanOutEvents, ListEvents, PurgeEvents
from aftersales.services.webhooks.values import NewEvent, StoredEvent

API_VERSION = "v1"


def body(event_id: str, kind: str, created_at: str, data: dict[str, Any]) -> str:
    """The event object's JSON: compact, UTF-8 as is (the bytes signed are the bytes sent)."""
    return json.dumps({"id": event_id, "type": kind, "created_at": created_at, "api_version": API_VERSION,
                       "data": data}, ensure_ascii=False, separators=(",", ":"))


def _actor(event: Event) -> dict[str, str]:
    said = {"role": event.actor.role.value, "id": event.actor.id}
    staff = event.data.get("staff") or event.actor.staff
    if staff:
        said["staff"] = str(staff)
    return said


def publish(uow: UnitOfWork, deps: Deps, case: Case, event: Event) -> None:
    """The reaction to every history event: its event object, with the case as it is now."""
    kind = type_of(event.action)
    event_id = deps.new_id("evt")
    created = local(event.at, deps.pack.zone).isoformat()
    data = {
        "case": case_document(case, deps.pack),
        "event": {"seq": event.seq, "action": event.action, "actor": _actor(event),
                  "from_status": event.from_status.value if event.from_status else None,
                  "to_status": event.to_status.value, "at": created},
    }
    uow.outbox.add(NewEvent(event_id, kind, case.id, case.store_id, event.at, body(event_id, kind, created, data)))


def test_event(deps: Deps, endpoint_id: str, store_id: str | None) -> NewEvent:
    """A ``webhook.test`` event for one endpoint (and no other)."""
    at = deps.clock.now()
    event_id = deps.new_id("evt")
    data = {"endpoint": endpoint_id, "message": {"zh": "这是一条测试事件", "en": "This is a test event"}}
    created = local(at, deps.pack.zone).isoformat()
    return NewEvent(event_id, TEST, None, store_id, at, body(event_id, TEST, created, data), endpoint_id)


def fan_out(cmd: FanOutEvents, uow: UnitOfWork, deps: Deps) -> int:
    """Make the deliveries of the events written since the last fan-out, to each enabled endpoint
    that takes them (a test event to its own endpoint only); answers how many events it read.
    Done by the worker, so that writing a change never reads the endpoints."""
    with uow.transaction():
        _, unsent = uow.outbox.unsent(cmd.limit)
        if not unsent:
            return 0
        endpoints = uow.webhooks.enabled()
        uow.webhooks.add_deliveries([
            (e.id, u.seq, u.case_id) for u in unsent for e in endpoints
            if (e.id == u.endpoint_id if u.endpoint_id is not None else e.takes(u.type, u.store_id))],
            deps.wall_clock.now())
        uow.outbox.sent_up_to(unsent[-1].seq)
    return len(unsent)


def purge_events(cmd: PurgeEvents, uow: UnitOfWork, deps: Deps) -> int:
    with uow.transaction():
        return uow.outbox.purge(cmd.before, cmd.limit)


def list_events(q: ListEvents, uow: UnitOfWork, deps: Deps) -> Page[StoredEvent]:
    """Event objects after ``after`` oldest first: every case's, or a store's own."""
    scope = access.event_scope(q.actor)
    with uow.read():
        after = 0
        if q.after is not None:
            position = uow.outbox.position(q.after, scope)
            if position is None:
                raise errors.ValidationFailed(f"no event {q.after!r} to continue after", f"没有事件 {q.after!r}",
                                              field="after")
            after = position
        rows = uow.outbox.page(scope, after, q.types, q.case_id, q.limit + 1)
    return Page.of(rows, q.limit, lambda e: (e.id,))
