"""The store's own after-sales policy: built from clause templates (or edited as TOML, imported
and exported whole), the lint shown clause by clause before anything is saved, and a policy with
a void clause refused with the law each void clause breaks."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.domain import access, errors
from aftersales.domain.clauses import Finding
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import Text
from aftersales.domain.policy import Pack
from aftersales.domain.store_policy import parse
from aftersales.domain.stores import StorePolicy
from aftersales.entrypoints.web import policy_templates
from aftersales.entrypoints.web.pages import Viewer, form, redirect, render, viewer
from aftersales.services import commands as c
from aftersales.services import queries as q

router = APIRouter(include_in_schema=False)

VERDICTS = ("applies", "stands", "conditional", "void", "no_effect")


def to_toml(policy: StorePolicy | None, store_id: str) -> str:
    """A policy as TOML. Clauses are flat tables of strings, numbers, booleans and lists of
    strings, for which a JSON literal is also a TOML literal."""
    if policy is None:
        return f'store = "{store_id}"\n\n# [[clauses]]\n# id = "..."\n# kind = "extend_window"\n# text = "..."\n'
    data = policy.as_dict()
    lines = [f"store = {json.dumps(data['store'], ensure_ascii=False)}"]
    for clause in data["clauses"]:
        lines += ["", "[[clauses]]"]
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in clause.items() if v is not None]
    return "\n".join(lines) + "\n"


def _parse(text: str, store_id: str) -> StorePolicy:
    try:
        data = tomllib.loads(text)
        policy = parse(data)
    except (tomllib.TOMLDecodeError, InvalidPolicy) as exc:
        raise errors.ValidationFailed(f"the policy cannot be read: {exc}", f"政策无法解析:{exc}",
                                      field="policy") from exc
    if policy.store_id != store_id:
        raise errors.ValidationFailed(f"the policy must name store = \"{store_id}\"",
                                      f"政策须写明 store = \"{store_id}\"", field="store")
    return policy


def _has_clauses(text: str) -> bool:
    """Whether the editor holds clauses at all (a new store's policy is only its name); a text
    that is not TOML counts as having them, so that parsing it says why it cannot be read."""
    try:
        return bool(tomllib.loads(text).get("clauses"))
    except tomllib.TOMLDecodeError:
        return True


def scope_label(pack: Pack, scope: str) -> Text | None:
    """What part of a clause a finding is about, in words: a category, a reason or a type."""
    for table in (pack.category_labels, pack.reason_labels, pack.type_labels):
        if scope in table:
            return table[scope]
    return None


def _by_clause(policy: StorePolicy | None, findings: list[Finding]) -> list[tuple[Any, list[Finding]]]:
    if policy is None:
        return []
    return [(clause, [f for f in findings if f.clause == clause.id]) for clause in policy.clauses]


async def _page(request: Request, who: Viewer, text: str | None = None, checked: StorePolicy | None = None,
                findings: list[Finding] | None = None, error: str | None = None, status: int = 200,
                saved: bool = False, failed: str | None = None, added: str | None = None) -> Response:
    sys: System = request.app.state.system
    assert who.actor is not None
    store_id = who.actor.id
    if checked is None and findings is None:
        current, findings = await run_in_threadpool(sys.dispatch, q.GetStorePolicy(actor=who.actor,
                                                                                    store_id=store_id))
        checked = current
        text = text if text is not None else to_toml(current, store_id)
    return render(request, who, "policy.html", status=status, error=error, text=text,
                  clauses=_by_clause(checked, findings or []), saved=saved, pack=sys.pack, scope_label=scope_label,
                  may_edit=access.may_set_policy(who.actor), failed=failed or ("policy" if error else None),
                  templates=policy_templates.TEMPLATES, free_reasons=policy_templates.FREE_SHIPPING_REASONS,
                  added=added)


@router.get("/policy", response_class=HTMLResponse)
async def policy_view(request: Request) -> Response:
    who = await viewer(request)
    if who.actor is None or who.actor.role.value != "seller":
        raise errors.NotFound("no such page", "页面不存在")
    return await _page(request, who, saved=request.query_params.get("saved") == "1")


@router.post("/policy", response_class=HTMLResponse)
async def policy_submit(request: Request) -> Response:
    """``check`` lints without saving; ``save`` saves, refused whole if a clause is void."""
    who = await viewer(request)
    fields = await form(request, who)
    sys: System = request.app.state.system
    assert who.actor is not None
    actor, text = who.actor, fields.get("policy", "")
    try:
        policy = _parse(text, actor.id)
        if fields.get("do") == "save":
            await run_in_threadpool(sys.dispatch, c.SetStorePolicy(actor=actor, store_id=actor.id, policy=policy))
            return redirect("/policy?saved=1")
        findings = await run_in_threadpool(sys.dispatch, q.LintPolicy(actor=actor, policy=policy))
        return await _page(request, who, text=text, checked=policy, findings=findings)
    except errors.PolicyVoidClause as exc:
        findings = await run_in_threadpool(sys.dispatch, q.LintPolicy(actor=actor, policy=policy))
        return await _page(request, who, text=text, checked=policy, findings=findings, status=exc.status,
                           error=who.reader.plain(Text(exc.zh, exc.en)))
    except errors.DomainError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        return await _page(request, who, text=text, checked=None, findings=[], status=exc.status,
                           error=who.reader.plain(Text(exc.zh, exc.en)))


@router.post("/policy/template", response_class=HTMLResponse)
async def policy_template(request: Request) -> Response:
    """A clause from a template added to the policy being edited (the editor's text, sent along),
    linted at once beside the others; saved only when the owner saves."""
    who = await viewer(request)
    fields = await form(request, who)
    sys: System = request.app.state.system
    assert who.actor is not None
    actor, text = who.actor, fields.get("policy", "")
    if not access.may_set_policy(actor):
        raise errors.Forbidden("only the store's owner changes its policy", "只有店主可以修改店铺售后政策")
    name = fields.get("template", "")
    try:
        current = _parse(text, actor.id) if _has_clauses(text) else None
        taken = {x.id for x in current.clauses} if current else set()
        new = policy_templates.clause(name, fields, taken)
        data = current.as_dict() if current else {"store": actor.id, "clauses": []}
        try:
            policy = parse({**data, "clauses": [*data["clauses"], new]})
        except InvalidPolicy as exc:  # a template's own clause: its fields were checked above
            raise errors.ValidationFailed(str(exc), f"模板无法生成条款:{exc}", field="template") from exc
    except errors.DomainError as exc:
        if isinstance(exc, errors.ValidationFailed) and exc.extra.get("field") in ("policy", "store"):
            return await _page(request, who, text=text, checked=None, findings=[], status=exc.status,
                               error=who.reader.plain(Text(exc.zh, exc.en)))
        found = await run_in_threadpool(sys.dispatch, q.LintPolicy(actor=actor, policy=current)) if current else []
        return await _page(request, who, text=text, checked=current, findings=found, status=exc.status,
                           error=who.reader.plain(Text(exc.zh, exc.en)), failed=f"template-{name}")
    findings = await run_in_threadpool(sys.dispatch, q.LintPolicy(actor=actor, policy=policy))
    return await _page(request, who, text=to_toml(policy, actor.id), checked=policy, findings=findings,
                       added=new["id"])
