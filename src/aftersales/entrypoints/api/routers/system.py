"""Health and the test clock (DESIGN 3.6)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.problems import documented, problem
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS
from aftersales.entrypoints.schemas.requests import ClockIn
from aftersales.entrypoints.schemas.responses import ClockOut, Health
from aftersales.entrypoints.schemas.types import shown
from aftersales.services import queries as q

router = APIRouter()


@router.get("/healthz", response_model=Health, tags=["system"], operation_id="healthz",
            responses=documented(503))
async def healthz(request: Request) -> Any:
    """Ok once the database answers and a write could begin within two seconds."""
    sys = system_of(request)
    if not await off_loop(sys.dispatch, q.CheckHealth(timeout=2.0)):
        return problem(503, "unavailable", "the database answers but cannot take writes now",
                       detail_zh="数据库暂时无法写入", headers={"Retry-After": "2"})
    return Health(status="ok")


@router.get(f"{API}/test-clock", response_model=ClockOut, responses=READ_ERRORS, tags=["system"],
            operation_id="test_clock_get", dependencies=[TZ])
async def test_clock_get(actor: Who, request: Request) -> ClockOut:
    sys = system_of(request)
    now, was_set = await off_loop(sys.dispatch, q.GetTestClock(actor=actor))
    return ClockOut(now=shown(now, sys.pack.zone), set=was_set)


@router.post(f"{API}/test-clock", response_model=ClockOut, responses=WRITE_ERRORS, tags=["system"],
             operation_id="test_clock_set", dependencies=[TZ])
async def test_clock_set(body: ClockIn, actor: Who, request: Request, response: Response) -> Any:
    sys = system_of(request)
    def render(now: Any) -> Reply:
        return Reply(ClockOut(now=shown(now, sys.pack.zone), set=True))

    return await off_loop(write, sys, request, actor, body, body.command(actor), render,
                          response)
