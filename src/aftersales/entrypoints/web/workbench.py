"""The store's workbench (千牛's 售后工作台): what waits for the store, in tabs with their counts,
searchable by order number, buyer, case id or tracking number, with bulk actions that say per
case what was done and what was refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.domain import errors
from aftersales.domain.model import Case, CaseType, Role, Status, Text
from aftersales.domain.policy import Pack
from aftersales.entrypoints.web import labels
from aftersales.entrypoints.web.pages import Viewer, form, render, viewer
from aftersales.services import commands as c
from aftersales.services import queries as q

router = APIRouter(include_in_schema=False)

# The tabs, in the order a store's team works them (labels.TAB): everything that waits for the
# store, each status of its turn, then the overdue ones among them.
TABS = tuple(labels.TAB)
# What a bulk action may do: agree to the requests ticked, or give them to one of the team.
BULK = ("agree", "assign")
BULK_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Cells:
    """A workbench row's words, worked out once in Python: a page of 50 rows drawn through a
    macro per cell costs more than the query behind it (docs/performance.md)."""

    short: str  # the case's short id
    request: str
    status: str
    due: str  # the deadline on the viewer's clock ("" when the case has none running)
    left: str  # what the countdown says
    urgency: str  # "", "soon" (under 24 h) or "overdue"
    due_iso: str
    rule: str  # the rule behind the deadline, in words


def cells(who: Viewer, pack: Pack, case: Case, rules: dict[str, str]) -> Cells:
    r = who.reader
    short, status = labels.short_id(case.id), r._(labels.STATUS[case.status])
    request = f"{r.label(pack.type_label(case.type))} · {r.label(pack.reason_label(case.reason))}"
    due, now = case.deadline if case.open else None, who.now
    if due is None:
        return Cells(short, request, status, "", "", "", "", "")
    urgency = "overdue" if due <= now else "soon" if (due - now).total_seconds() < 86400 else ""
    return Cells(short, request, status, r.when(due), r.left(due, now), urgency, due.astimezone(r.zone).isoformat(),
                 rules.get(case.deadline_rule or "", ""))


def rule_words(who: Viewer, pack: Pack) -> dict[str, str]:
    """The words of each deadline's rule in the viewer's language, once per list (for ``cells``)."""
    return {rule.id: who.reader.text(rule.text) for rule in pack.timeouts}


def cursor(after: tuple[object, ...] | None) -> str | None:
    """A keyset as a page link carries it: ``<iso time>|<sequence>``."""
    if after is None or not isinstance(after[0], datetime):
        return None
    return f"{after[0].isoformat()}|{after[1]}"


def after_key(text: str | None) -> tuple[datetime, int] | None:
    """The keyset a page link carries, or None for the first page (or a link tampered with)."""
    when, _, seq = (text or "").partition("|")
    try:
        return (datetime.fromisoformat(when), int(seq)) if seq.isdigit() else None
    except ValueError:
        return None


async def _page(request: Request, who: Viewer, *, results: list[dict[str, Any]] | None = None,
                status_code: int = 200, error: str | None = None) -> Response:
    assert who.actor is not None
    if who.actor.role is not Role.SELLER:
        raise errors.NotFound("no such page", "页面不存在")
    sys: System = request.app.state.system
    actor, params = who.actor, request.query_params
    chosen = params.get("status") or ""
    status = Status(chosen) if chosen in {s.value for s in Status} else None
    tab = params.get("tab") or ""
    tab = tab if tab in TABS else ""
    kind = params.get("type") or ""
    assignee = params.get("assignee")
    search = (params.get("q") or "").strip()[:64] or None
    order_id = (params.get("order") or "").strip()[:64] or None
    statuses = (status,) if status else ((Status(tab),) if tab not in ("", "overdue") else q.STORE_TURN)
    view = q.WorkbenchView(
        actor=actor, statuses=statuses, type=CaseType(kind) if kind in {t.value for t in CaseType} else None,
        assignee=assignee if assignee is not None and assignee != "*" else None, order_id=order_id,
        overdue=tab == "overdue" and status is None, search=search, after=after_key(params.get("after")))

    def load() -> tuple[Any, list[Any]]:
        team = sys.dispatch(q.StoreTeam(actor=actor, store_id=actor.id)) if actor.team_role in (None, "owner") else []
        return sys.dispatch(view), team

    page, team = await run_in_threadpool(load)
    counts = {**page.counts, "": sum(page.counts.values()), "overdue": page.overdue}
    rules = rule_words(who, sys.pack)
    drawn = [(row, cells(who, sys.pack, row.case, rules)) for row in page.rows]
    query = {k: v for k, v in params.items() if k not in ("after", "lang") and v}
    return render(request, who, "workbench.html", status=status_code, error=error, rows=drawn,
                  statuses=list(Status), types=list(CaseType),
                  chosen=chosen, tab=tab, tabs=TABS, counts=counts, kind=kind, assignee=assignee, search=search or "",
                  order=order_id or "", team=team, more=cursor(page.after), query=query, pack=sys.pack,
                  results=results, may_act=actor.team_role != "viewer")


@router.get("/workbench", response_class=HTMLResponse)
async def workbench(request: Request) -> Response:
    """What waits for the store, overdue first and then by deadline, filtered and paged by keyset
    in the database; a finished status (no deadline) lists newest first."""
    return await _page(request, await viewer(request))


@router.post("/workbench/bulk", response_class=HTMLResponse)
async def bulk(request: Request) -> Response:
    """One action on the cases ticked, each in its own transaction: a refusal of one (it moved on,
    it is not the store's to agree) leaves the others done, and the page says which was which."""
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    actor, sys = who.actor, request.app.state.system
    action, ids = fields.get("bulk", ""), [i for i in fields.get("case", "").split(",") if i][:BULK_LIMIT]
    _ = who.reader._
    if action not in BULK or not ids:
        said = _("Tick at least one case, and choose what to do with them.") if action in BULK else \
            _("Choose what to do with the cases ticked.")
        return await _page(request, who, status_code=422, error=said)
    assignee = fields.get("assignee", "").strip() or None

    def run(case_id: str) -> Case:
        command: Any = (c.Act(actor=actor, case_id=case_id, action="agree") if action == "agree"
                        else c.AssignCase(actor=actor, case_id=case_id, assignee=assignee))
        answer: Case = sys.dispatch(command)
        return answer

    results = []
    for case_id in ids:
        try:
            case = await run_in_threadpool(run, case_id)
        except errors.DomainError as exc:
            results.append({"id": case_id, "ok": False, "text": who.reader.plain(Text(exc.zh, exc.en))})
        else:
            results.append({"id": case_id, "ok": True, "text": _(labels.STATUS[case.status])})
    return await _page(request, who, results=results, status_code=200 if any(r["ok"] for r in results) else 409)
