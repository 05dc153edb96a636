"""The actions of DESIGN 3.2, one route each (``POST /api/v1/cases/{id}/{action}``)."""

# No ``from __future__ import annotations``: FastAPI reads each endpoint's annotations at
# runtime, and the body model of each action is a name local to ``_route``.

from typing import Any

from fastapi import APIRouter, Request, Response

from aftersales.domain.model import Actor, Case
from aftersales.domain.transitions import PUBLIC_ACTIONS
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, WRITE_ERRORS, IfMatch, etag, parse_if_match
from aftersales.entrypoints.schemas.requests import ACTION_BODIES, ActionIn, AppealIn
from aftersales.entrypoints.schemas.responses import CaseOut

router = APIRouter(tags=["actions"])


async def _act(action: str, case_id: str, body: ActionIn, actor: Actor, request: Request, response: Response,
               if_match: str | None) -> Any:
    sys = system_of(request)

    def render(case: Case) -> Reply:
        return Reply(CaseOut.from_case(case, sys.pack, actor), 200, {"ETag": etag(case.version)})

    command = body.command(actor, case_id, action, parse_if_match(if_match))
    payload = {"body": body, "if_match": if_match}
    return await off_loop(write, sys, request, actor, payload, command, render, response)


def _route(action: str, body_model: type[ActionIn]) -> None:
    if any(f.is_required() for f in body_model.model_fields.values()):
        # refuse, ship_return, rule …: a body is required, and FastAPI says so with a 422.
        async def endpoint(case_id: str, actor: Who, request: Request, response: Response,
                           body: body_model, if_match: IfMatch = None) -> Any:  # type: ignore[valid-type]
            return await _act(action, case_id, body, actor, request, response, if_match)
    else:
        async def endpoint(  # type: ignore[misc]  # agree, withdraw …: the body (a note, evidence) is optional
            case_id: str, actor: Who, request: Request, response: Response,
            body: body_model | None = None, if_match: IfMatch = None,  # type: ignore[valid-type]
        ) -> Any:
            return await _act(action, case_id, body if body is not None else body_model(), actor, request,
                              response, if_match)

    router.post(f"{API}/cases/{{case_id}}/{action}", response_model=CaseOut, responses=WRITE_ERRORS,
                operation_id=f"case_{action}", name=f"case_{action}", dependencies=[TZ],
                summary=action.replace("_", " "))(endpoint)


@router.post(f"{API}/cases/{{case_id}}/appeal", response_model=CaseOut, status_code=201, responses=WRITE_ERRORS,
             operation_id="case_appeal", name="case_appeal", dependencies=[TZ], summary="appeal")
async def case_appeal(case_id: str, actor: Who, request: Request, response: Response,
                      body: AppealIn | None = None) -> Any:
    """A party appeals the ruling on an ended case, within the pack's window, once: the appeal is
    a new case in review (``appeal_of`` the ruled one), decided by another agent; it may add a
    refund, never take one back. Answers the appeal."""
    sys = system_of(request)
    body = body or AppealIn()

    def render(case: Case) -> Reply:
        return Reply(CaseOut.from_case(case, sys.pack, actor), 201, {"ETag": etag(case.version)})

    return await off_loop(write, sys, request, actor, body, body.command(actor, case_id), render, response)


for _action in PUBLIC_ACTIONS:
    _route(_action, ACTION_BODIES[_action])
