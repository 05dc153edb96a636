"""The agents' queue (客服介入): cases the platform owes a look, soonest due first."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from aftersales.domain.model import Status
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
    status: Status | None = None,
    store: Annotated[str | None, Query(max_length=64)] = None,
    breached: bool | None = None,
    assignee: Annotated[str | None, Query(max_length=64, description="an agent's id, or `none` for nobody yet")] = None,
    kind: Literal["dispute", "appeal", "reopening"] | None = None,
) -> InterventionList:
    """Cases in review, and cases flagged for an agent (a deadline the rules refused), ordered by when
    the platform owes them a look: breached ones first. Narrowed by status, store, breach, the agent
    handling them and kind; keyset-paged in the database (send the same filters with the cursor)."""
    sys = system_of(request)
    agent = "" if assignee == "none" else assignee
    page = await off_loop(sys.dispatch, q.InterventionQueue(
        actor=actor, after=pagination.decode_due(cursor), limit=limit, status=status, store=store,
        breached=breached, agent=agent, kind=kind))
    return InterventionList(data=[InterventionOut.from_item(i, sys.pack) for i in page.items],
                            has_more=page.after is not None, next_cursor=pagination.encode(page.after))
