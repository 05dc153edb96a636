"""Webhook endpoints (an operator's for the platform, a store owner's for the store), their
delivery log and replays, and the event objects for integrators who poll instead."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from aftersales.entrypoints.api import pagination
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS
from aftersales.entrypoints.schemas.types import Id
from aftersales.entrypoints.schemas.webhooks import (
    DeliveryList,
    DeliveryOut,
    EventObjectList,
    EventObjectOut,
    EventType,
    ReplayIn,
    ReplayOut,
    TestEventOut,
    WebhookEndpointCreated,
    WebhookEndpointIn,
    WebhookEndpointList,
    WebhookEndpointOut,
    WebhookEndpointPatch,
)
from aftersales.services.webhooks import requests as w
from aftersales.services.webhooks.values import EndpointWithSecret

router = APIRouter(tags=["webhooks"])
ENDPOINTS = f"{API}/webhook-endpoints"
EndpointId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$")]


@router.post(ENDPOINTS, response_model=WebhookEndpointCreated, status_code=201, responses=WRITE_ERRORS,
             operation_id="webhook_endpoint_create", dependencies=[TZ])
async def webhook_endpoint_create(body: WebhookEndpointIn, actor: Who, request: Request, response: Response) -> Any:
    """Send events to a URL: the platform's every case (an operator) or a store's own (its owner).
    The secret is in this answer only; an address inside the network is refused."""
    sys = system_of(request)

    def render(issued: EndpointWithSecret) -> Reply:
        return Reply(WebhookEndpointCreated.from_issued(issued, sys.pack), 201)

    return await off_loop(write, sys, request, actor, body, body.command(actor), render, response, replayable=False)


@router.get(ENDPOINTS, response_model=WebhookEndpointList, responses=READ_ERRORS, operation_id="webhook_endpoint_list",
            dependencies=[TZ])
async def webhook_endpoint_list(actor: Who, request: Request) -> WebhookEndpointList:
    sys = system_of(request)
    found = await off_loop(sys.dispatch, w.ListEndpoints(actor=actor))
    return WebhookEndpointList(data=[WebhookEndpointOut.from_endpoint(e, sys.pack) for e in found])


@router.get(f"{ENDPOINTS}/{{endpoint_id}}", response_model=WebhookEndpointOut, responses=READ_ERRORS,
            operation_id="webhook_endpoint_get", dependencies=[TZ])
async def webhook_endpoint_get(endpoint_id: EndpointId, actor: Who, request: Request) -> WebhookEndpointOut:
    sys = system_of(request)
    found = await off_loop(sys.dispatch, w.GetEndpoint(actor=actor, endpoint_id=endpoint_id))
    return WebhookEndpointOut.from_endpoint(found, sys.pack)


@router.patch(f"{ENDPOINTS}/{{endpoint_id}}", response_model=WebhookEndpointOut, responses=WRITE_ERRORS,
              operation_id="webhook_endpoint_change", dependencies=[TZ])
async def webhook_endpoint_change(endpoint_id: EndpointId, body: WebhookEndpointPatch, actor: Who, request: Request,
                                  response: Response) -> Any:
    """Change the URL, the event types (null: every type), the description; switch off or on again."""
    sys = system_of(request)
    return await off_loop(write, sys, request, actor, body, body.command(actor, endpoint_id),
                          lambda e: Reply(WebhookEndpointOut.from_endpoint(e, sys.pack), 200), response)


@router.delete(f"{ENDPOINTS}/{{endpoint_id}}", status_code=204, responses=READ_ERRORS,
               operation_id="webhook_endpoint_delete")
async def webhook_endpoint_delete(endpoint_id: EndpointId, actor: Who, request: Request) -> Response:
    """Forget the endpoint and its delivery log; nothing more is sent to it."""
    sys = system_of(request)
    await off_loop(sys.dispatch, w.DeleteEndpoint(actor=actor, endpoint_id=endpoint_id))
    return Response(status_code=204)


@router.post(f"{ENDPOINTS}/{{endpoint_id}}/rotate-secret", response_model=WebhookEndpointCreated,
             responses=WRITE_ERRORS, operation_id="webhook_endpoint_rotate", dependencies=[TZ])
async def webhook_endpoint_rotate(endpoint_id: EndpointId, actor: Who, request: Request, response: Response) -> Any:
    """A new secret, in this answer only; for 24 hours deliveries carry a signature with each."""
    sys = system_of(request)
    command = w.RotateSecret(actor=actor, endpoint_id=endpoint_id)
    return await off_loop(write, sys, request, actor, {}, command,
                          lambda i: Reply(WebhookEndpointCreated.from_issued(i, sys.pack), 200), response,
                          replayable=False)


@router.post(f"{ENDPOINTS}/{{endpoint_id}}/test", response_model=TestEventOut, status_code=202,
             responses=WRITE_ERRORS, operation_id="webhook_endpoint_test")
async def webhook_endpoint_test(endpoint_id: EndpointId, actor: Who, request: Request, response: Response) -> Any:
    """Send a `webhook.test` event to this endpoint only; its delivery shows in the log."""
    sys = system_of(request)
    command = w.SendTestEvent(actor=actor, endpoint_id=endpoint_id)
    return await off_loop(write, sys, request, actor, {}, command,
                          lambda event_id: Reply(TestEventOut(event_id=event_id), 202), response)


@router.get(f"{ENDPOINTS}/{{endpoint_id}}/deliveries", response_model=DeliveryList, responses=READ_ERRORS,
            operation_id="webhook_delivery_list", dependencies=[TZ])
async def webhook_delivery_list(
    endpoint_id: EndpointId, actor: Who, request: Request, response: Response,
    state: Annotated[Literal["pending", "delivered", "failed"] | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> DeliveryList:
    """The delivery log, newest first: each try's time, status, duration and the first KB of the answer."""
    sys = system_of(request)
    page = await off_loop(sys.dispatch, w.EndpointDeliveries(
        actor=actor, endpoint_id=endpoint_id, before=pagination.decode_int(cursor), state=state, limit=limit))
    next_cursor = pagination.encode(page.after)
    response.headers.update(pagination.link(f"{ENDPOINTS}/{endpoint_id}/deliveries", next_cursor, limit))
    return DeliveryList(data=[DeliveryOut.from_delivery(d, sys.pack) for d in page.items],
                        has_more=page.after is not None, next_cursor=next_cursor)


@router.post(f"{ENDPOINTS}/{{endpoint_id}}/replay", response_model=ReplayOut, responses=WRITE_ERRORS,
             operation_id="webhook_replay")
async def webhook_replay(endpoint_id: EndpointId, body: ReplayIn, actor: Who, request: Request,
                         response: Response) -> Any:
    """Send again one delivery (`delivery`), or every failed one since `since`."""
    sys = system_of(request)
    return await off_loop(write, sys, request, actor, body, body.command(actor, endpoint_id),
                          lambda n: Reply(ReplayOut(replayed=n), 200), response)


@router.get(f"{API}/events", response_model=EventObjectList, responses=READ_ERRORS, operation_id="event_list")
async def event_list(
    actor: Who, request: Request,
    after: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_]+$")] = None,
    type: Annotated[list[EventType] | None, Query(max_length=20)] = None,
    case: Annotated[Id | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> EventObjectList:
    """Event objects oldest first after the event `after`, as webhooks deliver them (kept at least
    30 days): every case's for the platform and the order system, a store's own for the store."""
    sys = system_of(request)
    page = await off_loop(sys.dispatch, w.ListEvents(actor=actor, after=after, types=tuple(type or ()), case_id=case,
                                                     limit=limit))
    return EventObjectList(data=[EventObjectOut.from_stored(e) for e in page.items], has_more=page.after is not None,
                           next_after=page.items[-1].id if page.items else after)
