"""What waits for me: the page listing each signed-in person's cases that want them now (new
messages since they last looked, an offer to answer, evidence asked of them, their turn ending
within a day), and the count the header shows beside its link."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.entrypoints.web.i18n import N_
from aftersales.entrypoints.web.pages import render, viewer
from aftersales.entrypoints.web.workbench import cells, rule_words
from aftersales.services import queries as q

router = APIRouter(include_in_schema=False)

WHY = {
    "messages": N_("New messages"),
    "offer": N_("An offer to answer"),
    "evidence": N_("Evidence asked of you"),
    "deadline": N_("Your turn ends within a day"),
}


@router.get("/waiting", response_class=HTMLResponse)
async def waiting(request: Request) -> Response:
    who = await viewer(request)
    sys: System = request.app.state.system
    assert who.actor is not None
    items = await run_in_threadpool(sys.dispatch, q.WaitingFor(actor=who.actor))
    rules = rule_words(who, sys.pack)
    rows = [(item, cells(who, sys.pack, item.case, rules)) for item in items]
    return render(request, who, "waiting.html", rows=rows, why=WHY, pack=sys.pack)


@router.get("/waiting/count", response_class=HTMLResponse)
async def waiting_count(request: Request) -> Response:
    """The number beside the header's link, fetched once the page is up (so that drawing a page
    never waits on it); empty when nothing waits."""
    who = await viewer(request)
    sys: System = request.app.state.system
    assert who.actor is not None
    items = await run_in_threadpool(sys.dispatch, q.WaitingFor(actor=who.actor))
    return HTMLResponse(str(len(items)) if items else "")
