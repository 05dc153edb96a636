"""Quick phrases: a store's owner keeps the store's, an operator the platform's; the team and
the agents read the ones they insert."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from aftersales.entrypoints.api import pagination
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS
from aftersales.entrypoints.schemas.platform import PhraseList, PhraseOut
from aftersales.entrypoints.schemas.requests import PhraseIn
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.values import Phrase

router = APIRouter(tags=["phrases"])


@router.get(f"{API}/phrases", response_model=PhraseList, responses=READ_ERRORS, operation_id="phrase_list",
            dependencies=[TZ])
async def phrase_list(actor: Who, request: Request) -> PhraseList:
    """The quick phrases the caller inserts: their store's, or the platform's for its staff (a buyer has none)."""
    sys = system_of(request)
    found = await off_loop(sys.dispatch, q.Phrases(actor=actor))
    return PhraseList(data=[PhraseOut.from_phrase(p, sys.pack) for p in found])


@router.post(f"{API}/phrases", response_model=PhraseOut, status_code=201, responses=WRITE_ERRORS,
             operation_id="phrase_create", dependencies=[TZ])
async def phrase_create(body: PhraseIn, actor: Who, request: Request, response: Response) -> Any:
    """Keep a quick phrase: the store's (its owner) or, with `scope` "platform", the agents' (an operator)."""
    sys = system_of(request)

    def render(phrase: Phrase) -> Reply:
        return Reply(PhraseOut.from_phrase(phrase, sys.pack), 201)

    return await off_loop(write, sys, request, actor, body, body.command(actor), render, response)


@router.delete(f"{API}/phrases/{{phrase_id}}", status_code=204, responses=READ_ERRORS, operation_id="phrase_delete")
async def phrase_delete(phrase_id: Annotated[int, Path(ge=1, le=pagination.MAX_KEY)], actor: Who,
                        request: Request) -> Response:
    """Forget a quick phrase (whoever keeps it); another's is not found."""
    sys = system_of(request)
    await off_loop(sys.dispatch, c.RemovePhrase(actor=actor, phrase_id=phrase_id))
    return Response(status_code=204)
