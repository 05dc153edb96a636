"""The negotiation (协商记录): messages between the parties and the platform."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from aftersales.domain.model import Message
from aftersales.entrypoints.api import pagination
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS, IfMatch, parse_if_match
from aftersales.entrypoints.schemas.requests import MessageIn
from aftersales.entrypoints.schemas.responses import MessageList, MessageOut
from aftersales.services import queries as q

router = APIRouter(tags=["messages"])


@router.post(f"{API}/cases/{{case_id}}/messages", response_model=MessageOut, status_code=201,
             responses=WRITE_ERRORS, operation_id="case_message_post", dependencies=[TZ])
async def case_message_post(
    case_id: str, body: MessageIn, actor: Who, request: Request, response: Response,
    if_match: IfMatch = None,
) -> Any:
    sys = system_of(request)
    def render(msg: Message) -> Reply:
        return Reply(MessageOut.from_message(msg, sys.pack), 201)

    command = body.command(actor, case_id, parse_if_match(if_match))
    return await off_loop(write, sys, request, actor, body, command, render, response)


@router.get(f"{API}/cases/{{case_id}}/messages", response_model=MessageList, responses=READ_ERRORS,
            operation_id="case_message_list", dependencies=[TZ])
async def case_message_list(
    case_id: str, actor: Who, request: Request,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> MessageList:
    sys = system_of(request)
    page = await off_loop(sys.dispatch, q.CaseMessages(actor=actor, case_id=case_id,
                                                       after=pagination.decode_int(cursor) or 0, limit=limit))
    return MessageList(data=[MessageOut.from_message(m, sys.pack) for m in page.items],
                       has_more=page.after is not None, next_cursor=pagination.encode(page.after))
