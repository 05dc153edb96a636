"""What every route depends on: the system, the caller, the zone times are shown in, and a
way to run the blocking dispatcher off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Header, Query, Request
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.domain import errors
from aftersales.domain.model import Actor
from aftersales.entrypoints.schemas.types import display_zone
from aftersales.services import queries as q

T = TypeVar("T")


def system_of(request: Request) -> System:
    """The system the app serves. Read from the app, not declared as a dependency: FastAPI's
    resolution of a dependency costs more than this (measured; docs/performance.md)."""
    s: System = request.app.state.system
    return s


def principal(request: Request, authorization: Annotated[str | None, Header()] = None) -> Actor:
    """The caller, from ``Authorization: Bearer <token>``; checked on every request."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise errors.Unauthorized("send Authorization: Bearer <token>", "请提供访问令牌")
    dispatch = request.app.state.system.dispatch
    actor: Actor = dispatch(q.Authenticate(token=authorization[7:].strip()))
    return actor


# The shape of an IANA zone name; a name of that shape the zone database does not hold is
# refused by the handler, as the description says.
ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$"
ZONE_DOC = ("IANA time zone for the times in the answer, such as Asia/Shanghai or Europe/Berlin (default: the "
            "pack's, Asia/Shanghai); a name the zone database does not hold is 422 validation_failed")


# async: it runs in the request's own context, so the zone it sets is seen by the
# handler (a sync dependency runs in a copied context and its setting would be lost).
async def zone(
    tz: Annotated[str | None, Query(description=ZONE_DOC, pattern=ZONE_PATTERN, max_length=64)] = None,
    time_zone: Annotated[str | None, Header(alias="Time-Zone", description=ZONE_DOC, pattern=ZONE_PATTERN,
                                            max_length=64)] = None,
) -> None:
    name = tz or time_zone
    if name:
        try:
            display_zone.set(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise errors.ValidationFailed(f"unknown time zone {name!r}", "未知时区", field="tz") from exc
    else:
        display_zone.set(None)


Who = Annotated[Actor, Depends(principal)]
TZ = Depends(zone)


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (the dispatcher, the database) in the thread pool, in this request's context."""
    return await run_in_threadpool(fn, *args, **kwargs)
