"""Cases: opening one, reading one, listing them, and each one's history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from aftersales.domain.model import Case, Status
from aftersales.entrypoints.api import pagination
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS, etag
from aftersales.entrypoints.schemas.requests import CaseOpenIn
from aftersales.entrypoints.schemas.responses import CaseList, CaseOut, EventList, EventOut
from aftersales.services import queries as q

router = APIRouter(tags=["cases"])


@router.post(f"{API}/cases", response_model=CaseOut, status_code=201, responses=WRITE_ERRORS,
             operation_id="case_open", dependencies=[TZ])
async def case_open(body: CaseOpenIn, actor: Who, request: Request, response: Response) -> Any:
    sys = system_of(request)
    def render(case: Case) -> Reply:
        return Reply(CaseOut.from_case(case, sys.pack, actor), 201,
                     {"ETag": etag(case.version), "Location": f"{API}/cases/{case.id}"})

    return await off_loop(write, sys, request, actor, body, body.command(actor), render,
                          response)


@router.get(f"{API}/cases", response_model=CaseList, responses=READ_ERRORS, operation_id="case_list",
            dependencies=[TZ])
async def case_list(
    actor: Who, request: Request, response: Response,
    status: Annotated[Status | None, Query()] = None,
    store: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CaseList:
    sys = system_of(request)
    page = await off_loop(sys.dispatch, q.ListCases(actor=actor, status=status, store=store,
                                                    before=pagination.decode_int(cursor), limit=limit))
    next_cursor = pagination.encode(page.after)
    response.headers.update(pagination.link(f"{API}/cases", next_cursor, limit))
    return CaseList(data=[CaseOut.from_case(c, sys.pack, actor) for c in page.items],
                    has_more=page.after is not None, next_cursor=next_cursor)


@router.get(f"{API}/cases/{{case_id}}", response_model=CaseOut, responses=READ_ERRORS, operation_id="case_get",
            dependencies=[TZ])
async def case_get(case_id: str, actor: Who, request: Request, response: Response) -> CaseOut:
    sys = system_of(request)
    case: Case = await off_loop(sys.dispatch, q.GetCase(actor=actor, case_id=case_id))
    response.headers["ETag"] = etag(case.version)
    return CaseOut.from_case(case, sys.pack, actor)


@router.get(f"{API}/cases/{{case_id}}/events", response_model=EventList, responses=READ_ERRORS,
            operation_id="case_events", dependencies=[TZ])
async def case_events(
    case_id: str, actor: Who, request: Request,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> EventList:
    sys = system_of(request)
    page = await off_loop(sys.dispatch, q.CaseEvents(actor=actor, case_id=case_id,
                                                     after=pagination.decode_int(cursor) or 0, limit=limit))
    return EventList(data=[EventOut.from_event(e, sys.pack) for e in page.items], has_more=page.after is not None,
                     next_cursor=pagination.encode(page.after))
