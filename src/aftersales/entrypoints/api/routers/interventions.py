"""The agents' queue (客服介入): cases the platform owes a look, soonest due first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from aftersales.entrypoints.api import pagination
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS
from aftersales.entrypoints.schemas.responses import InterventionList, InterventionOut
from aftersales.services import queries as q

router = APIRouter(tags=["interventions"])


@router.get(f"{API}/interventions", response_model=InterventionList, responses=READ_ERRORS,
            operation_id="intervention_list", dependencies=[TZ])
async def intervention_list(
    actor: Who, request: Request,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> InterventionList:
    """Cases in review, and cases flagged for an agent (a deadline the rules refused), ordered by when
    the platform owes them a look: breached ones first. Keyset-paged in the database."""
    sys = system_of(request)
    page = await off_loop(sys.dispatch, q.InterventionQueue(actor=actor, after=pagination.decode_due(cursor),
                                                            limit=limit))
    return InterventionList(data=[InterventionOut.from_item(i, sys.pack) for i in page.items],
                            has_more=page.after is not None, next_cursor=pagination.encode(page.after))
