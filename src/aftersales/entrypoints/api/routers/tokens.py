"""API tokens: issued by an operator, shown once, revocable, optionally expiring."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from aftersales.entrypoints.api import pagination
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS
from aftersales.entrypoints.schemas.platform import LoginLinkOut
from aftersales.entrypoints.schemas.requests import LoginLinkIn, TokenIn
from aftersales.entrypoints.schemas.responses import TokenInfoOut, TokenList, TokenOut
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.values import IssuedToken

router = APIRouter(tags=["auth"])


@router.post(f"{API}/tokens", response_model=TokenOut, status_code=201, responses=WRITE_ERRORS,
             operation_id="token_create", dependencies=[TZ])
async def token_create(body: TokenIn, actor: Who, request: Request, response: Response) -> Any:
    """Issue a token (operator). It is in this answer only: stored hashed, and a retry with the
    same Idempotency-Key is answered 409 `token_not_replayable`, never with the token again."""
    sys = system_of(request)
    def render(issued: IssuedToken) -> Reply:
        return Reply(TokenOut.from_issued(issued, sys.pack), 201)

    return await off_loop(write, sys, request, actor, body, body.command(actor), render,
                          response, replayable=False)


@router.get(f"{API}/tokens", response_model=TokenList, responses=READ_ERRORS, operation_id="token_list",
            dependencies=[TZ])
async def token_list(
    actor: Who, request: Request,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> TokenList:
    """Tokens issued, oldest first: who each speaks for, its expiry and revocation, never the token."""
    sys = system_of(request)
    page = await off_loop(sys.dispatch, q.ListTokens(actor=actor, after=pagination.decode_int(cursor) or 0,
                                                     limit=limit))
    return TokenList(data=[TokenInfoOut.from_record(t, sys.pack) for t in page.items], has_more=page.after is not None,
                     next_cursor=pagination.encode(page.after))


@router.delete(f"{API}/tokens/{{token_id}}", status_code=204, responses=READ_ERRORS, operation_id="token_revoke")
async def token_revoke(token_id: Annotated[int, Path(ge=1, le=pagination.MAX_KEY)], actor: Who,
                       request: Request) -> Response:
    """Revoke a token (operator): refused from the next request on, by every process."""
    sys = system_of(request)
    await off_loop(sys.dispatch, c.RevokeToken(actor=actor, token_id=token_id))
    return Response(status_code=204)


@router.post(f"{API}/login-links", response_model=LoginLinkOut, status_code=201, responses=WRITE_ERRORS,
             operation_id="login_link_create", dependencies=[TZ])
async def login_link_create(body: LoginLinkIn, actor: Who, request: Request, response: Response) -> Any:
    """A one-time link that signs a buyer in to the pages (the order system or an operator asks
    it for the buyer its own app has signed in). Valid ten minutes; opening it a second time
    answers 410. Like a token, it is never replayed for an Idempotency-Key."""
    sys = system_of(request)

    def render(issued: IssuedToken) -> Reply:
        return Reply(LoginLinkOut.from_issued(issued, sys.pack), 201)

    return await off_loop(write, sys, request, actor, body, body.command(actor), render,
                          response, replayable=False)
