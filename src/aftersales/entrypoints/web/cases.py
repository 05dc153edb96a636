"""The case page every party shares (buyer, the store's team, agents), and its forms: the
actions the viewer may take now, messages and evidence. Forms are parsed by the same request
models as the API and run through the same dispatcher and access rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.domain import access, appeals, errors
from aftersales.domain.model import Case, CaseType, Reason, Status, Text
from aftersales.entrypoints.schemas.requests import ACTION_BODIES, AppealIn, MessageIn, ReopenIn
from aftersales.entrypoints.web import labels
from aftersales.entrypoints.web.pages import Viewer, form, redirect, render, uploads, viewer
from aftersales.entrypoints.web.phrases import with_phrase
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.values import CaseView

router = APIRouter(include_in_schema=False)

# Fields a form may carry into an action's body; anything else a form posts is ignored.
_ACTION_FIELDS = ("note", "reason", "carrier", "tracking_no", "fee", "type", "amount", "outcome", "fault", "hours",
                  "kind", "agent", "days")


def actions_for(who: Viewer, case: Case) -> list[str]:
    """The buttons the viewer gets: what the access module offers them, as the API does."""
    return [] if who.actor is None else access.actions_for(who.actor, case)


def deadline_text(sys: System, case: Case) -> Text | None:
    """The rule behind the case's deadline, in both languages."""
    rule = next((r for r in sys.pack.timeouts if r.id == case.deadline_rule), None) if case.deadline_rule else None
    if rule is None:
        return None
    return rule.text  # the source is on the rules page, linked beside it


def done_text(who: Viewer, done: str, case: Case) -> str:
    """What a form did and what comes next, said after it succeeded."""
    _ = who.reader._
    if done == "open":
        what = _("Your request is submitted.")
    elif done in labels.ACTION:
        what = _("Done: %(action)s.") % {"action": _(labels.ACTION[done])}
    else:
        return ""
    if case.status in labels.NEXT:
        party = _(labels.NEXT[case.status])
        due = case.sla_due if case.status is Status.PLATFORM_REVIEW else case.deadline
        after = (_("Next: waiting for %(party)s, by %(when)s.") % {"party": party, "when": who.reader.when(due)}
                 if due else _("Next: waiting for %(party)s.") % {"party": party})
    else:
        after = _("The case is now: %(status)s.") % {"status": _(labels.STATUS[case.status])}
    return f"{what}{'' if who.reader.zh else ' '}{after}"


async def case_page(request: Request, who: Viewer, case_id: str, error: str | None = None,
                    status: int = 200, failed: str | None = None, done: str | None = None,
                    **extra: Any) -> HTMLResponse:
    sys: System = request.app.state.system
    assert who.actor is not None
    actor = who.actor

    def load() -> CaseView:
        view = sys.dispatch(q.CasePage(actor=actor, case_id=case_id))
        sys.dispatch(c.MarkSeen(actor=actor, case_id=case_id))  # what came since is marked new once
        return view

    view = await run_in_threadpool(load)
    case, line = view.case, view.line
    forms = access.forms_for(actor, case)
    data: dict[str, Any] = {"case": case, "order": view.order, "line": line, "events": view.events,
                            "messages": view.messages, "evidence": view.evidence, "thread": view.thread,
                            "seen_before": view.seen_before, "team": view.team, "phrases": view.phrases}
    reasons = {x.id: x.text for x in (*sys.pack.not_intact, *sys.pack.common_refusals)}
    refusal = who.reader.text(reasons[case.refusal_reason]) if case.refusal_reason in reasons else case.refusal_reason
    if view.reopenings is not None:
        data["reopenings"] = view.reopenings
        # Offered where the seed allows a second look (a suspected counterfeit, 三包 quality) on a
        # dispute that is not a request to reopen (which has its own action), and not twice.
        live = any(g.until > who.now for g in view.reopenings)
        data["may_reopen"] = (case.kind != "reopening" and line is not None and appeals.reviewable(line, case.reason)
                              and not live)
    # What the pack asks this party to show before an action on this claim, said beside the button.
    needs = {a: rule.text for rule in sys.pack.evidence_rules for a in rule.actions
             if rule.party == actor.role.value and case.reason in rule.reasons
             and (rule.categories is None or (line is not None and line.category in rule.categories))}
    actions = actions_for(who, case)
    primary, on_card, more = labels.split(actions)
    shown = {*actions, *(forms - {"assign"}), *(("assign",) if data.get("team") else ()),
             *(("reopen",) if data.get("may_reopen") else ())}
    if failed not in shown:
        failed = None  # the form is gone (the case moved on): the refusal is said at the top instead
    return render(request, who, "case.html", status=status, error=error, pack=sys.pack, refusal_label=refusal,
                  needs=needs, failed=failed, done=done_text(who, done, case) if done else None,
                  actions=actions, primary=primary, on_card=on_card, more=more, forms=forms,
                  explanation=deadline_text(sys, case), Status=Status, case_types=list(CaseType),
                  reasons=list(Reason), **data, **extra)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_view(case_id: str, request: Request) -> Response:
    who = await viewer(request)
    return await case_page(request, who, case_id, done=request.query_params.get("done"))


def _body(action: str, fields: dict[str, str]) -> dict[str, Any]:
    fields = {**fields, "note": with_phrase(fields.get("note", ""), fields)}
    body: dict[str, Any] = {k: fields[k].strip() for k in _ACTION_FIELDS if fields.get(k, "").strip()}
    for name in ("evidence_ids", "parties"):
        ticked = [e.strip() for e in fields.get(name, "").split(",") if e.strip()]
        if ticked:
            body[name] = ticked
    allowed = ACTION_BODIES[action].model_fields
    return {k: v for k, v in body.items() if k in allowed}


def _version(fields: dict[str, str]) -> int | None:
    """The case's version the form was drawn from (If-Match of the pages): a stale form is refused."""
    text = fields.get("version", "")
    return int(text) if text.isdigit() else None


# What a person is told for a field a form got wrong, where the request model's own words
# ("amount: String should match pattern …") would not help them.
_FIELD_WORDS = {
    "amount": Text("金额形如 99.00", "give the amount like 99.00"),
    "type": Text("请选择可申请的类型", "choose one of the requests offered"),
    "reason": Text("请选择可申请的类型", "choose one of the requests offered"),
    "days": Text("天数须为 1 至 365 的整数", "days: a whole number from 1 to 365"),
}


def invalid(exc: ValidationError) -> errors.ValidationFailed:
    """A form's field refused by the request model the API uses, as the API's refusal."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "form"
    words = _FIELD_WORDS.get(where)
    if words is not None:
        return errors.ValidationFailed(words.en, words.zh, field=where)
    return errors.ValidationFailed(f"{where}: {first.get('msg', 'invalid')}", f"{where}:填写有误", field=where)


_STALE = Text("这个售后单在您打开页面后有了变化:下面是它现在的样子,请核对后再操作。",
               "The case changed after you opened this page: here it is as it is now. Check it, then try again.")


async def _attempt(request: Request, who: Viewer, case_id: str, command: Callable[[], Any], anchor: str, *,
                   name: str, typed: dict[str, str], to: Callable[[Any], str] | None = None) -> Response:
    """Run the case's form ``name``: on success back to the case (or where ``to`` says, given
    the answer), saying what was done; otherwise the case as it is now, with the refusal in
    the viewer's language beside that form and what was typed still in it (a stranger's case
    stays not found)."""
    sys: System = request.app.state.system
    try:
        answer = await run_in_threadpool(lambda: sys.dispatch(command()))
    except errors.DomainError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        said = _STALE if isinstance(exc, errors.VersionConflict) else Text(exc.zh, exc.en)
        return await case_page(request, who, case_id, error=who.reader.plain(said), status=exc.status,
                               failed=name, typed=typed, failed_field=exc.extra.get("field"))
    return redirect(to(answer) if to is not None else f"/cases/{case_id}?done={name}{anchor}")


M = TypeVar("M", bound=BaseModel)


def parsed(model: type[M], data: dict[str, Any]) -> M:
    """A form's fields read by the API's request model: the same limits, the same refusals."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc) from exc


@router.post("/cases/{case_id}/act/{action}", response_class=HTMLResponse)
async def case_act(case_id: str, action: str, request: Request) -> Response:
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    actor = who.actor
    if action not in ACTION_BODIES:
        raise errors.NotFound(f"no action {action!r}", f"没有操作 {action!r}")
    version = _version(fields)
    if action in labels.CONFIRM and fields.get("confirmed") != "1":
        return _confirm(request, who, case_id, action, fields)

    def command() -> c.Act:
        return parsed(ACTION_BODIES[action], _body(action, fields)).command(actor, case_id, action, version)

    return await _attempt(request, who, case_id, command, "", name=action, typed=fields)


def _confirm(request: Request, who: Viewer, case_id: str, action: str, fields: dict[str, str]) -> Response:
    """Ask before an irreversible action: the same form again, its fields kept, to confirm."""
    kept = {k: v for k, v in fields.items() if k in (*_ACTION_FIELDS, "version", "evidence_ids", "parties") and v}
    return render(request, who, "confirm.html", case_id=case_id, action=action, kept=kept)


@router.post("/cases/{case_id}/appeal", response_class=HTMLResponse)
async def case_appeal(case_id: str, request: Request) -> Response:
    """A party appeals the ruling: on to the appeal, a new case."""
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    actor = who.actor
    body = {k: fields[k].strip() for k in ("amount", "note") if fields.get(k, "").strip()}

    def command() -> c.AppealRuling:
        return parsed(AppealIn, body).command(actor, case_id)

    return await _attempt(request, who, case_id, command, "", name="appeal", typed=fields,
                          to=lambda appeal: f"/cases/{appeal.id}?done=appeal")


@router.post("/cases/{case_id}/assign", response_class=HTMLResponse)
async def case_assign(case_id: str, request: Request) -> Response:
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    actor = who.actor
    assignee = fields.get("assignee", "").strip() or None
    version = _version(fields)

    def command() -> c.AssignCase:
        return c.AssignCase(actor=actor, case_id=case_id, assignee=assignee, expected_version=version)

    return await _attempt(request, who, case_id, command, "", name="assign", typed=fields)


@router.post("/cases/{case_id}/messages", response_class=HTMLResponse)
async def case_message(case_id: str, request: Request) -> Response:
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    actor = who.actor

    def command() -> c.PostMessage:
        return parsed(MessageIn, {"text": with_phrase(fields.get("text", "").strip(), fields),
                                   "private": bool(fields.get("private"))}).command(actor, case_id)

    return await _attempt(request, who, case_id, command, "#messages", name="message", typed=fields)


@router.post("/cases/{case_id}/evidence", response_class=HTMLResponse)
async def case_evidence(case_id: str, request: Request) -> Response:
    """Up to nine files at once onto the case, all or none."""
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    actor = who.actor
    chosen = await uploads(request, "file")

    def command() -> c.AttachFiles:
        if not chosen:
            raise errors.ValidationFailed("choose a file", "请选择文件", field="file")
        kind = fields.get("kind") or "photo"
        return c.AttachFiles(actor=actor, case_id=case_id, files=tuple(
            c.NewFile(kind=kind, content=content, filename=name) for content, name in chosen))

    return await _attempt(request, who, case_id, command, "#evidence", name="evidence", typed=fields)


@router.post("/cases/{case_id}/reopen", response_class=HTMLResponse)
async def case_reopen(case_id: str, request: Request) -> Response:
    """An agent reopens the line's closed windows after review (the seed's counterfeit and 三包 cases)."""
    who = await viewer(request)
    fields = await form(request, who)
    sys: System = request.app.state.system
    assert who.actor is not None
    actor = who.actor
    case = await run_in_threadpool(sys.dispatch, q.GetCase(actor=actor, case_id=case_id))

    def command() -> c.ReopenLine:
        body = {k: v for k in ("days", "note") if (v := fields.get(k, "").strip())}
        return parsed(ReopenIn, body).command(actor, case.order_id, case.line_id)

    return await _attempt(request, who, case_id, command, "#reopen", name="reopen", typed=fields)


@router.get("/cases/{case_id}/preview/{action}", response_class=HTMLResponse)
async def case_preview(case_id: str, action: str, request: Request) -> Response:
    """What an action would do (a ruling's refund and freight decision), before it is taken: a
    fragment for htmx as the form changes, or the case page with the preview without scripts."""
    who = await viewer(request)
    sys: System = request.app.state.system
    assert who.actor is not None
    if action not in ACTION_BODIES:
        raise errors.NotFound(f"no action {action!r}", f"没有操作 {action!r}")
    fields = {k: v for k, v in request.query_params.items() if k in _ACTION_FIELDS}
    preview, problem, status = None, None, 200
    try:
        params = parsed(ACTION_BODIES[action], _body(action, fields)).params()
        preview = await run_in_threadpool(sys.dispatch, q.PreviewAction(actor=who.actor, case_id=case_id,
                                                                        action=action, params=params))
    except errors.DomainError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        problem, status = who.reader.plain(Text(exc.zh, exc.en)), exc.status
    if request.headers.get("hx-request"):
        return render(request, who, "_preview.html", preview=preview, problem=problem, pack=sys.pack)
    return await case_page(request, who, case_id, status=status, preview=preview, problem=problem,
                           preview_for=action, chosen=fields)


@router.get("/evidence/{evidence_id}/thumb")
async def evidence_thumb(evidence_id: str, request: Request) -> Response:
    """An image's small JPEG, for the case page's list of evidence."""
    who = await viewer(request)
    sys: System = request.app.state.system
    assert who.actor is not None
    _, content = await run_in_threadpool(sys.dispatch, q.EvidenceContent(
        actor=who.actor, evidence_id=evidence_id, thumbnail=True))
    return Response(content, media_type="image/jpeg", headers={
        "Cache-Control": "private, max-age=86400", "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.get("/evidence/{evidence_id}")
async def evidence_file(evidence_id: str, request: Request) -> Response:
    """A file of a case, to whoever may see the case; images inline, anything else as a download."""
    who = await viewer(request)
    sys: System = request.app.state.system
    assert who.actor is not None
    item, content = await run_in_threadpool(sys.dispatch, q.EvidenceContent(actor=who.actor, evidence_id=evidence_id))
    image = item.content_type in ("image/jpeg", "image/png", "image/webp", "image/gif")
    # A PDF (its first bytes checked on upload) opens in the browser's viewer, which a sandboxed
    # document may not start; it runs no script of ours either way. Anything else downloads.
    pdf = item.content_type == "application/pdf"
    disposition = "inline" if image or pdf else "attachment"
    policy = "default-src 'none'; object-src 'self'" if pdf else "default-src 'none'; sandbox"
    return Response(content, media_type=item.content_type if image or pdf else "application/octet-stream",
                    headers={"Content-Disposition": f'{disposition}; filename="{item.id}"',
                             "Content-Security-Policy": policy})
