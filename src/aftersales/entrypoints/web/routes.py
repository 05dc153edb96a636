"""The pages' routes outside a case: signing in and out, a buyer's orders and a line's
options, the store's workbench and the agents' queue."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.domain import access, appeals, errors
from aftersales.domain.eligibility import Verdict
from aftersales.domain.model import Actor, Case, CaseType, Status, Text
from aftersales.domain.money import format_fen
from aftersales.entrypoints.schemas.requests import CaseOpenIn, ReopenRequestIn
from aftersales.entrypoints.web import labels
from aftersales.entrypoints.web.cases import parsed
from aftersales.entrypoints.web.pages import (
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    Viewer,
    form,
    new_pre_csrf,
    redirect,
    render,
    set_session,
    upload,
    viewer,
)
from aftersales.entrypoints.web.workbench import after_key, cursor
from aftersales.services import commands as c
from aftersales.services import queries as q

router = APIRouter(include_in_schema=False)

def _sys(request: Request) -> System:
    s: System = request.app.state.system
    return s


def _text(exc: errors.DomainError, who: Viewer) -> str:
    return who.reader.plain(Text(exc.zh, exc.en))


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    who = await viewer(request, required=False)
    if who.actor is None:
        return redirect("/login")
    return redirect(labels.ROLE_HOME.get(who.actor.role.value, "/login"))


def _local(path: str) -> bool:
    """Whether a page to go back to after signing in is one of ours: a path, never another site
    (browsers read "//host" and "/\\host" as one)."""
    return path.startswith("/") and not path.startswith(("//", "/\\")) and not any(ch in path for ch in "\r\n\t")


def _login_page(request: Request, who: Viewer, status: int = 200, error: str | None = None,
                name: str | None = None) -> Response:
    token = request.cookies.get(PRE_CSRF_COOKIE) or new_pre_csrf()
    nxt = request.query_params.get("next", "")
    response = render(request, who, "login.html", status=status, error=error, csrf=token, name=name,
                      next=nxt if _local(nxt) else "", failed="login" if error else None)
    response.set_cookie(PRE_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> Response:
    who = await viewer(request, required=False)
    return _login_page(request, who)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    who = await viewer(request, required=False)
    who.session = None  # a sign-in form is checked against its own cookie, not an old session
    fields = await form(request, who)
    name = fields.get("name", "").strip()
    source = request.client.host if request.client is not None else ""
    # Held here, not in a worker thread: a slowed name must not tie up the thread pool.
    delay = await run_in_threadpool(_sys(request).dispatch, q.SignInDelay(name=name))
    if delay:
        await asyncio.sleep(delay)
    try:
        session = await run_in_threadpool(_sys(request).dispatch,
                                          c.SignIn(name=name, password=fields.get("password", ""), source=source))
    except (errors.Unauthorized, errors.AccountLocked) as exc:
        return _login_page(request, who, status=exc.status, error=_text(exc, who), name=name)
    nxt = fields.get("next", "")
    response = redirect(nxt if _local(nxt) else "/")
    set_session(request, response, session.token)
    return response


@router.get("/login/link/{token}", response_class=HTMLResponse)
async def login_link(token: str, request: Request) -> Response:
    who = await viewer(request, required=False)
    try:
        session = await run_in_threadpool(_sys(request).dispatch, c.RedeemLoginLink(token=token[:200]))
    except errors.LinkUsed as exc:
        return render(request, who, "message.html", status=410, heading=who.reader._("Link no longer valid"),
                      text=_text(exc, who))
    response = redirect("/orders")
    set_session(request, response, session.token)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    who = await viewer(request)
    fields = await form(request, who)
    assert who.session is not None
    await run_in_threadpool(_sys(request).dispatch,
                            c.SignOut(token=who.session, everywhere=fields.get("everywhere") == "1"))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _key(text: str | None) -> Any:
    """A keyset cursor from a page link: ``<iso time>|<id>`` or a sequence number."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    when, _, rest = text.partition("|")
    try:
        return (datetime.fromisoformat(when), rest)
    except ValueError:
        return None


@router.get("/orders", response_class=HTMLResponse)
async def orders(request: Request) -> Response:
    who = await viewer(request)
    assert who.actor is not None
    actor = who.actor
    sys = _sys(request)
    before = _key(request.query_params.get("before"))
    page = await run_in_threadpool(sys.dispatch, q.ListOrders(
        actor=actor, before=before if isinstance(before, tuple) else None, limit=20))
    cases = [] if before else (await run_in_threadpool(sys.dispatch, q.ListCases(actor=actor, limit=20))).items
    more = f"{page.after[0].isoformat()}|{page.after[1]}" if page.after else None  # type: ignore[attr-defined]
    return render(request, who, "orders.html", orders=page.items, cases=cases, more=more, pack=sys.pack)


async def _line_page(request: Request, who: Viewer, order_id: str, line_id: str, status: int = 200,
                     error: str | None = None, **refused: Any) -> Response:
    sys = _sys(request)
    assert who.actor is not None
    actor = who.actor

    def load() -> dict[str, Any]:
        view = sys.dispatch(q.LinePage(actor=actor, order_id=order_id, line_id=line_id))
        line, options = view.line, view.options
        allowed = [o for o in options if o.allowed]
        refused = [o for o in options if not o.allowed]
        # Past the window, the seed's two cases may still be reviewed by the platform.
        reviewable = [o for o in refused if o.verdict in (Verdict.WINDOW_EXPIRED, Verdict.ATTEMPTS)
                      and appeals.reviewable(line, o.reason)]
        return {"order": view.order, "line": line, "allowed": allowed, "refused": refused,
                "open_case": view.open_case, "paid": format_fen(line.paid), "reviewable": reviewable,
                "room": format_fen(max(line.paid - view.refunded, 0)), "kinds": _kinds(options, who)}

    data = await run_in_threadpool(load)
    # The first choice (what the buyer wants) comes from the card tapped, or from the request
    # being corrected; nothing is chosen for them.
    typed = (refused.get("typed") or {}) if refused.get("failed") == "open" else {}
    wanted = request.query_params.get("type") or typed.get("choice", "").partition(":")[0]
    data["chosen"] = next((k for k in data["kinds"] if k["type"].value == wanted and k["allowed"]), None)
    shown = {"open": data["allowed"], "reopen_request": data["reviewable"]}
    if not shown.get(refused.get("failed") or "") or data["open_case"]:
        refused.pop("failed", None)  # the form is gone now: the refusal is said at the top instead
    return render(request, who, "line.html", status=status, error=error, pack=sys.pack, **data, **refused)


def _kinds(options: list[Any], who: Viewer) -> list[dict[str, Any]]:
    """One card per request type, in the contract's order: allowed with its reasons and the
    latest deadline among them, or greyed with why not (the first refusal's words)."""
    out = []
    for kind in CaseType:
        mine = [o for o in options if o.type is kind]
        ok = [o for o in mine if o.allowed]
        if not mine:
            continue
        deadlines = [o.deadline for o in ok if o.deadline is not None]
        why = "" if ok else who.reader.plain(mine[0].explanation)
        out.append({"type": kind, "allowed": bool(ok), "reasons": ok, "why": why,
                    "deadline": max(deadlines) if deadlines else None})
    return out


@router.get("/orders/{order_id}/lines/{line_id}", response_class=HTMLResponse)
async def line_options(order_id: str, line_id: str, request: Request) -> Response:
    who = await viewer(request)
    return await _line_page(request, who, order_id, line_id)


def _asked(fields: dict[str, str], evidence: tuple[str, ...]) -> dict[str, Any]:
    """The request a line's form makes, as the API's body: the choice ("type:reason") split, an
    amount only where the remedy refunds goods (the others ignore it), the photo's evidence."""
    kind, _, reason = fields.get("choice", "").partition(":")
    body: dict[str, Any] = {"type": kind, "reason": reason, "evidence_ids": list(evidence),
                            "description": fields.get("description", "").strip() or None}
    amount = fields.get("amount", "").strip()
    if amount and kind in {t.value for t in CaseType if t.refunds_goods}:
        body["amount"] = amount
    return body


async def _open_from_line(request: Request, order_id: str, line_id: str, file_field: str, required: bool,
                          build: Callable[[Actor, dict[str, str], tuple[str, ...]], c.Command[Case]]) -> Response:
    """A form of the line's page that opens a case, with a file of evidence uploaded first:
    on to the case, or the line's page again with the refusal."""
    who = await viewer(request)
    fields = await form(request, who)
    sys = _sys(request)
    assert who.actor is not None
    actor = who.actor
    content, name = await upload(request, file_field)
    try:
        evidence: tuple[str, ...] = ()
        if name is None and required:
            raise errors.ValidationFailed("this needs evidence: add a file", "请上传凭证", field=file_field)
        if name is not None:
            item = await run_in_threadpool(sys.dispatch, c.UploadEvidence(
                actor=actor, kind=fields.get("kind") or "photo", content=content, filename=name))
            evidence = (item.id,)
        case = await run_in_threadpool(sys.dispatch, build(actor, fields, evidence))
    except errors.DomainError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        # Said beside the form that was sent, with what was typed still in it (not the file).
        return await _line_page(request, who, order_id, line_id, status=exc.status, error=_text(exc, who),
                                failed="reopen_request" if file_field == "proof" else "open", typed=fields)
    return redirect(f"/cases/{case.id}?done=open")


@router.post("/orders/{order_id}/lines/{line_id}/apply", response_class=HTMLResponse)
async def apply(order_id: str, line_id: str, request: Request) -> Response:
    def build(actor: Actor, fields: dict[str, str], evidence: tuple[str, ...]) -> c.OpenCase:
        body = {"order_id": order_id, "line_id": line_id, **_asked(fields, evidence)}
        return parsed(CaseOpenIn, body).command(actor)

    return await _open_from_line(request, order_id, line_id, "photo", False, build)


@router.post("/orders/{order_id}/lines/{line_id}/reopen_request", response_class=HTMLResponse)
async def reopen_request(order_id: str, line_id: str, request: Request) -> Response:
    """Past the window, a buyer asks the platform to review and reopen it, with a file of evidence."""
    def build(actor: Actor, fields: dict[str, str], evidence: tuple[str, ...]) -> c.RequestReopening:
        body = {k: v for k, v in _asked(fields, evidence).items() if k != "amount"}
        return parsed(ReopenRequestIn, body).command(actor, order_id, line_id)

    return await _open_from_line(request, order_id, line_id, "proof", True, build)


async def _team_page(request: Request, who: Viewer, error: str | None = None, status: int = 200,
                     typed: dict[str, str] | None = None) -> Response:
    assert who.actor is not None
    sys, actor = _sys(request), who.actor
    members = await run_in_threadpool(sys.dispatch, q.StoreTeam(actor=actor, store_id=actor.id))
    kept = {k: v for k, v in (typed or {}).items() if k in ("name", "role")}  # never the password
    added = next((m for m in members if m.name == request.query_params.get("added")), None) if not error else None
    return render(request, who, "team.html", status=status, error=error, members=members, added=added,
                  failed="add_member" if error else None, typed=kept)


@router.get("/team", response_class=HTMLResponse)
async def team(request: Request) -> Response:
    return await _team_page(request, await viewer(request))


@router.post("/team", response_class=HTMLResponse)
async def team_add(request: Request) -> Response:
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    command = c.AddUser(actor=who.actor, name=fields.get("name", ""), role=fields.get("role", ""),
                        store_id=who.actor.id, password=fields.get("password", ""))
    try:
        await run_in_threadpool(_sys(request).dispatch, command)
    except errors.DomainError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        return await _team_page(request, who, error=_text(exc, who), status=exc.status, typed=fields)
    return redirect(f"/team?added={quote(command.name)}")


@router.get("/ops", response_class=HTMLResponse)
async def ops(request: Request) -> Response:
    """The operator's page: cases by status and deadlines that acted per day as charts (each with a
    table or a sentence saying the same), the calendar, the stores and the API tokens."""
    who = await viewer(request)
    assert who.actor is not None
    sys, actor, _ = _sys(request), who.actor, who.reader._

    def load() -> tuple[Any, Any]:
        return (sys.dispatch(q.OperatorOverview(actor=actor)),
                sys.dispatch(q.ListTokens(actor=actor, limit=100)).items)

    overview, tokens = await run_in_threadpool(load)
    rows = [(_(labels.STATUS[s]), overview.by_status.get(s.value, 0)) for s in Status]
    status_chart = {"labels": [label for label, _n in rows], "values": [n for _label, n in rows]}
    fired_chart = {"labels": [day[5:] for day, _n in overview.timeouts_by_day],
                   "values": [n for _day, n in overview.timeouts_by_day], "kind": "bar"}
    revoked = request.query_params.get("revoked", "")
    return render(request, who, "ops.html", overview=overview, tokens=tokens, status_rows=rows,
                  status_chart=status_chart, fired_chart=fired_chart,
                  fired_total=sum(n for _d, n in overview.timeouts_by_day),
                  revoked=revoked if revoked.isdigit() else "")


@router.post("/ops/tokens/{token_id}/revoke", response_class=HTMLResponse)
async def revoke_token(token_id: int, request: Request) -> Response:
    """Revoke an API token from the operations page, asked first: it cannot be undone."""
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    access.require(who.actor, "manage_tokens")  # refused before asking, not after
    if fields.get("confirmed") != "1":
        return render(request, who, "confirm.html", action="revoke_token", kept={},
                      post_to=f"/ops/tokens/{token_id}/revoke", back_to="/ops#tokens")
    await run_in_threadpool(_sys(request).dispatch, c.RevokeToken(actor=who.actor, token_id=token_id))
    return redirect(f"/ops?revoked={token_id}#tokens")


@router.get("/rules", response_class=HTMLResponse)
async def rules(request: Request) -> Response:
    """The rules of the pack in force, as docs/rules.md has them, for anyone signed in."""
    who = await viewer(request)
    return render(request, who, "rules.html", pack=_sys(request).pack)


@router.get("/queue", response_class=HTMLResponse)
async def queue(request: Request) -> Response:
    who = await viewer(request)
    assert who.actor is not None
    sys, params = _sys(request), request.query_params
    chosen = {k: params.get(k, "") for k in ("status", "store", "breached", "assignee", "kind")}
    status = Status(chosen["status"]) if chosen["status"] in {s.value for s in Status} else None
    mine = who.actor.id if chosen["assignee"] == "mine" else None
    agent = "" if chosen["assignee"] == "none" else mine
    breached = {"yes": True, "no": False}.get(chosen["breached"])
    kind = chosen["kind"] if chosen["kind"] in ("dispute", "appeal", "reopening") else None
    page = await run_in_threadpool(sys.dispatch, q.InterventionQueue(
        actor=who.actor, limit=50, after=after_key(params.get("after")), status=status,
        store=chosen["store"].strip() or None, breached=breached, agent=agent, kind=kind))
    more = {k: v for k, v in chosen.items() if v}
    return render(request, who, "queue.html", items=page.items, pack=sys.pack, chosen=chosen, Status=Status,
                  next_after=cursor(page.after), filters=more)
