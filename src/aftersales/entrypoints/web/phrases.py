"""Quick phrases (快捷短语) on the pages: the store's owner and the platform's operator keep
them on /phrases; the store's team and the agents pick them beside the message composer and a
refusal's note, where a script inserts the words at the cursor (without scripts, the phrase
picked is added after what was typed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.domain import access, errors
from aftersales.domain.model import Role, Text
from aftersales.entrypoints.web.pages import Viewer, form, redirect, render, viewer
from aftersales.services import commands as c
from aftersales.services import queries as q

router = APIRouter(include_in_schema=False)


def with_phrase(typed: str, fields: dict[str, str]) -> str:
    """What a form says once the quick phrase it picked (``phrase``) is added after the words typed."""
    phrase = fields.get("phrase", "").strip()
    return f"{typed.rstrip()} {phrase}".strip() if phrase else typed


def may_manage(who: Viewer) -> bool:
    return who.actor is not None and access.keeps_phrases(who.actor)


async def _page(request: Request, who: Viewer, error: str | None = None, status: int = 200,
                typed: str = "") -> Response:
    sys: System = request.app.state.system
    assert who.actor is not None
    if not access.phrase_scope(who.actor)[0]:
        raise errors.Forbidden("quick phrases are for the store's team and the platform's staff",
                               "快捷短语供店铺团队和平台人员使用")
    found = await run_in_threadpool(sys.dispatch, q.Phrases(actor=who.actor))
    said = request.query_params.get("done", "") if not error else ""
    return render(request, who, "phrases.html", status=status, error=error, phrases=found,
                  may_manage=may_manage(who), failed="add_phrase" if error else None, typed={"text": typed},
                  done=said if said in ("added", "removed") else None)


@router.get("/phrases", response_class=HTMLResponse)
async def phrases(request: Request) -> Response:
    return await _page(request, await viewer(request))


@router.post("/phrases", response_class=HTMLResponse)
async def phrase_add(request: Request) -> Response:
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    sys: System = request.app.state.system
    command = c.AddPhrase(actor=who.actor, text=fields.get("text", ""), platform=who.actor.role is Role.OPERATOR)
    try:
        await run_in_threadpool(sys.dispatch, command)
    except errors.DomainError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        return await _page(request, who, error=who.reader.plain(Text(exc.zh, exc.en)), status=exc.status,
                           typed=fields.get("text", ""))
    return redirect("/phrases?done=added")


@router.post("/phrases/{phrase_id}/delete", response_class=HTMLResponse)
async def phrase_delete(phrase_id: int, request: Request) -> Response:
    """Asked first: a phrase removed is gone for the whole team."""
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    if not may_manage(who):
        raise errors.Forbidden("only the store's owner or an operator removes quick phrases",
                               "只有店主或平台运营可以删除快捷短语")
    if fields.get("confirmed") != "1":
        return render(request, who, "confirm.html", action="remove_phrase", kept={},
                      post_to=f"/phrases/{phrase_id}/delete", back_to="/phrases")
    sys: System = request.app.state.system
    await run_in_threadpool(sys.dispatch, c.RemovePhrase(actor=who.actor, phrase_id=phrase_id))
    return redirect("/phrases?done=removed")
