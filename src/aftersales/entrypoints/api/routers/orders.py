"""Orders pushed in by the order system, and questions about their lines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from aftersales.domain.model import Case, Order, Reopening
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS, etag
from aftersales.entrypoints.schemas.platform import OrderEventOut
from aftersales.entrypoints.schemas.requests import OrderEventIn, OrderIn, ReopenIn, ReopenRequestIn
from aftersales.entrypoints.schemas.responses import CaseOut, EligibilityOut, OrderOut, ReopeningList, ReopeningOut
from aftersales.entrypoints.schemas.types import Instant
from aftersales.services import queries as q
from aftersales.services.values import OrderEventTaken

router = APIRouter()


@router.post(f"{API}/orders", response_model=OrderOut, status_code=201, operation_id="order_upsert", tags=["orders"],
             responses={200: {"model": OrderOut, "description": "Updated"}, **WRITE_ERRORS}, dependencies=[TZ])
async def order_upsert(body: OrderIn, actor: Who, request: Request, response: Response) -> Any:
    """Create an order (201) or fill in and advance its progress (200); times after now count as not yet."""
    sys = system_of(request)
    command = body.command(actor)

    def render(created: bool) -> Reply:
        return Reply(OrderOut.from_order(command.order, sys.pack), 201 if created else 200)

    return await off_loop(write, sys, request, actor, body, command, render, response)


@router.post(f"{API}/orders/{{order_id}}/events", response_model=OrderEventOut, status_code=201,
             operation_id="order_event", tags=["orders"],
             responses={200: {"model": OrderEventOut, "description": "A repeat: taken before, not applied again"},
                        **WRITE_ERRORS}, dependencies=[TZ])
async def order_event(order_id: str, body: OrderEventIn, actor: Who, request: Request, response: Response) -> Any:
    """One fact of the order (integration): shipped, delivered, completed or cancelled, at a time.
    Late or out of order is fine (a late `delivered` does not undo `completed`); a time that
    contradicts what is known is refused 409 `order_event_conflict`. The deadlines of the
    order's open cases that depend on the goods' state move with it."""
    sys = system_of(request)

    def render(taken: OrderEventTaken) -> Reply:
        out = OrderEventOut(order=OrderOut.from_order(taken.order, sys.pack), applied=taken.applied,
                            moved_cases=taken.moved)
        return Reply(out, 201 if taken.applied else 200)

    return await off_loop(write, sys, request, actor, body, body.command(actor, order_id), render, response)


@router.get(f"{API}/orders/{{order_id}}", response_model=OrderOut, responses=READ_ERRORS, operation_id="order_get",
            tags=["orders"], dependencies=[TZ])
async def order_get(order_id: str, actor: Who, request: Request) -> OrderOut:
    sys = system_of(request)
    order: Order = await off_loop(sys.dispatch, q.GetOrder(actor=actor, order_id=order_id))
    return OrderOut.from_order(order, sys.pack)


@router.get(f"{API}/orders/{{order_id}}/lines/{{line_id}}/eligibility", response_model=EligibilityOut,
            responses=READ_ERRORS, tags=["cases"], operation_id="line_eligibility", dependencies=[TZ])
async def line_eligibility(
    order_id: str, line_id: str, actor: Who, request: Request,
    at: Annotated[Instant | None, Query(description="ask as of this instant (default: now)")] = None,
) -> EligibilityOut:
    sys = system_of(request)
    when, options = await off_loop(sys.dispatch, q.LineEligibility(actor=actor, order_id=order_id, line_id=line_id,
                                                                   at=at))
    return EligibilityOut.from_options(order_id, line_id, when, options, sys.pack)


@router.post(f"{API}/orders/{{order_id}}/lines/{{line_id}}/reopen", response_model=ReopeningOut, status_code=201,
             responses=WRITE_ERRORS, tags=["cases"], operation_id="line_reopen", dependencies=[TZ])
async def line_reopen(order_id: str, line_id: str, body: ReopenIn, actor: Who, request: Request,
                      response: Response) -> Any:
    """After review, reopen a line's closed windows for N days (one more after-sale claim)."""
    sys = system_of(request)
    def render(grant: Reopening) -> Reply:
        return Reply(ReopeningOut.from_reopening(grant, sys.pack), 201)

    return await off_loop(write, sys, request, actor, body,
                          body.command(actor, order_id, line_id), render, response)


@router.post(f"{API}/orders/{{order_id}}/lines/{{line_id}}/reopen_request", response_model=CaseOut, status_code=201,
             responses=WRITE_ERRORS, tags=["cases"], operation_id="line_reopen_request", dependencies=[TZ])
async def line_reopen_request(order_id: str, line_id: str, body: ReopenRequestIn, actor: Who, request: Request,
                              response: Response) -> Any:
    """A buyer past the window asks the platform to reopen it (a suspected counterfeit, a 三包 quality
    problem), with evidence: a case of kind ``reopening`` in the agents' queue, granted with
    ``reopen_grant`` or refused with a ruling ``reject``. One chance per line."""
    sys = system_of(request)

    def render(case: Case) -> Reply:
        return Reply(CaseOut.from_case(case, sys.pack, actor), 201, {"ETag": etag(case.version)})

    return await off_loop(write, sys, request, actor, body, body.command(actor, order_id, line_id), render, response)


@router.get(f"{API}/orders/{{order_id}}/lines/{{line_id}}/reopenings", response_model=ReopeningList,
            responses=READ_ERRORS, tags=["cases"], operation_id="line_reopenings", dependencies=[TZ])
async def line_reopenings(order_id: str, line_id: str, actor: Who, request: Request) -> ReopeningList:
    sys = system_of(request)
    grants = await off_loop(sys.dispatch, q.LineReopenings(actor=actor, order_id=order_id, line_id=line_id))
    return ReopeningList(data=[ReopeningOut.from_reopening(g, sys.pack) for g in grants], has_more=False,
                         next_cursor=None)



