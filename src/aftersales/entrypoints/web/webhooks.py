"""Webhooks on the pages (/webhooks): a store's owner keeps the store's endpoints, an operator
the platform's and any store's; each endpoint's page has its delivery log, with every try's
status, time and the start of the answer, and sends one delivery or every failed one again.
A secret is shown on the page that made it (or rotated it) and never again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.domain import access, errors
from aftersales.domain.event_types import CATALOGUE, TEST
from aftersales.domain.model import Actor, Text
from aftersales.entrypoints.web.pages import Viewer, form, redirect, render, viewer
from aftersales.services import commands as c
from aftersales.services.webhooks import requests as w

router = APIRouter(include_in_schema=False)
TYPES = sorted(k for k in CATALOGUE if k != TEST)
DONE = ("created", "deleted", "on", "off", "test", "replayed", "changed")


def _scope(who: Viewer) -> str | None:
    assert who.actor is not None
    return access.webhook_scope(who.actor)


def _said(who: Viewer, exc: errors.DomainError) -> str:
    return who.reader.plain(Text(exc.zh, exc.en))


async def _list(request: Request, who: Viewer, error: str | None = None, status: int = 200,
                typed: dict[str, Any] | None = None) -> Response:
    sys: System = request.app.state.system
    scope = _scope(who)
    assert who.actor is not None
    found = await run_in_threadpool(sys.dispatch, w.ListEndpoints(actor=who.actor))
    done = request.query_params.get("done") if not error else None
    return render(request, who, "webhooks.html", status=status, error=error, endpoints=found, types=TYPES,
                  catalogue=CATALOGUE, platform=scope is None, failed="add_endpoint" if error else None,
                  typed=typed or {}, done=done if done in DONE else None)


async def _endpoint(request: Request, who: Viewer, endpoint_id: str, *, error: str | None = None,
                    failed: str | None = None, status: int = 200, secret: str | None = None) -> Response:
    sys: System = request.app.state.system
    assert who.actor is not None
    endpoint = await run_in_threadpool(sys.dispatch, w.GetEndpoint(actor=who.actor, endpoint_id=endpoint_id))
    state = request.query_params.get("state")
    before = request.query_params.get("before", "")
    log = await run_in_threadpool(sys.dispatch, w.EndpointDeliveries(
        actor=who.actor, endpoint_id=endpoint_id, state=state if state in ("pending", "delivered", "failed") else None,
        before=int(before) if before.isdigit() and len(before) < 10 else None, limit=50))
    done = request.query_params.get("done") if not error else None
    return render(request, who, "webhook.html", status=status, error=error, failed=failed, e=endpoint, log=log,
                  secret=secret, types=TYPES, catalogue=CATALOGUE, state=state, done=done if done in DONE else None,
                  replayed=request.query_params.get("n", ""))


@router.get("/webhooks", response_class=HTMLResponse)
async def webhooks(request: Request) -> Response:
    who = await viewer(request)
    _scope(who)
    return await _list(request, who)


def _events(fields: dict[str, str]) -> tuple[str, ...] | None:
    chosen = tuple(t for t in fields.get("events", "").split(",") if t)
    return chosen or None


@router.post("/webhooks", response_class=HTMLResponse)
async def webhook_add(request: Request) -> Response:
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    sys: System = request.app.state.system
    store = fields.get("store", "").strip() or None if _scope(who) is None else None
    command = w.CreateEndpoint(actor=who.actor, url=fields.get("url", "").strip(), events=_events(fields),
                               store_id=store, description=fields.get("description", "").strip() or None)
    try:
        made = await run_in_threadpool(sys.dispatch, command)
    except errors.DomainError as exc:
        return await _list(request, who, error=_said(who, exc), status=exc.status, typed=fields)
    return _at(await _endpoint(request, who, made.endpoint.id, secret=made.secret, status=201), made.endpoint.id)


def _at(response: Response, endpoint_id: str) -> Response:
    """The endpoint's page answered a form: with scripts on, the address bar says so (the secret
    is in this answer only, so it could not be a redirect; a reload shows the page without it)."""
    response.headers["HX-Push-Url"] = f"/webhooks/{endpoint_id}"
    return response


@router.get("/webhooks/{endpoint_id}", response_class=HTMLResponse)
async def webhook(endpoint_id: str, request: Request) -> Response:
    return await _endpoint(request, await viewer(request), endpoint_id)


Make = Callable[[Actor, Viewer, dict[str, str]], c.Command[Any]]


async def _command(request: Request, endpoint_id: str, make: Make, done: str, failed: str) -> Response:
    """Carry out a change asked on an endpoint's page; answer on the page, done or why not."""
    who = await viewer(request)
    fields = await form(request, who)
    assert who.actor is not None
    sys: System = request.app.state.system
    try:
        result = await run_in_threadpool(sys.dispatch, make(who.actor, who, fields))
    except errors.DomainError as exc:
        if isinstance(exc, errors.NotFound) and failed != "replay":
            raise
        return await _endpoint(request, who, endpoint_id, error=_said(who, exc), failed=failed, status=exc.status)
    extra = f"&n={result}" if done == "replayed" else ""
    return redirect(f"/webhooks/{endpoint_id}?done={done}{extra}")


@router.post("/webhooks/{endpoint_id}/change", response_class=HTMLResponse)
async def webhook_change(endpoint_id: str, request: Request) -> Response:
    def make(actor: Actor, who: Viewer, f: dict[str, str]) -> w.ChangeEndpoint:
        return w.ChangeEndpoint(actor=actor, endpoint_id=endpoint_id, url=f.get("url", "").strip() or None,
                                set_events=True, events=_events(f), description=f.get("description", "").strip())
    return await _command(request, endpoint_id, make, "changed", "change_endpoint")


@router.post("/webhooks/{endpoint_id}/switch", response_class=HTMLResponse)
async def webhook_switch(endpoint_id: str, request: Request) -> Response:
    def make(actor: Actor, who: Viewer, f: dict[str, str]) -> w.ChangeEndpoint:
        return w.ChangeEndpoint(actor=actor, endpoint_id=endpoint_id, enabled=f.get("on") == "1")
    on = (await request.form()).get("on") == "1"
    return await _command(request, endpoint_id, make, "on" if on else "off", "switch_endpoint")


@router.post("/webhooks/{endpoint_id}/test", response_class=HTMLResponse)
async def webhook_test(endpoint_id: str, request: Request) -> Response:
    def make(actor: Actor, who: Viewer, f: dict[str, str]) -> w.SendTestEvent:
        return w.SendTestEvent(actor=actor, endpoint_id=endpoint_id)
    return await _command(request, endpoint_id, make, "test", "test_endpoint")


@router.post("/webhooks/{endpoint_id}/replay", response_class=HTMLResponse)
async def webhook_replay(endpoint_id: str, request: Request) -> Response:
    def make(actor: Actor, who: Viewer, f: dict[str, str]) -> w.ReplayDeliveries:
        delivery = f.get("delivery", "")
        return w.ReplayDeliveries(actor=actor, endpoint_id=endpoint_id,
                                  delivery_id=int(delivery) if delivery.isdigit() and len(delivery) < 10 else None,
                                  since=_since(who, f.get("since", "")))
    return await _command(request, endpoint_id, make, "replayed", "replay")


def _since(who: Viewer, typed: str) -> datetime | None:
    """A ``datetime-local`` field, read on the viewer's wall clock."""
    if not typed:
        return None
    try:
        at = datetime.fromisoformat(typed)
    except ValueError as exc:
        raise errors.ValidationFailed("the time is not one the form can read", "时间格式无效", field="since") from exc
    return at.replace(tzinfo=who.reader.zone) if at.tzinfo is None else at


async def _asked_first(request: Request, endpoint_id: str, action: str, path: str) -> tuple[Viewer, Response | None]:
    """An irreversible step: the question first (the page that asks it), then, confirmed, the step."""
    who = await viewer(request)
    fields = await form(request, who)
    if fields.get("confirmed") == "1":
        return who, None
    assert who.actor is not None
    sys: System = request.app.state.system  # another's endpoint is not found before anything is asked
    await run_in_threadpool(sys.dispatch, w.GetEndpoint(actor=who.actor, endpoint_id=endpoint_id))
    return who, render(request, who, "confirm.html", action=action, kept={}, post_to=f"/webhooks/{endpoint_id}/{path}",
                       back_to=f"/webhooks/{endpoint_id}")


@router.post("/webhooks/{endpoint_id}/rotate", response_class=HTMLResponse)
async def webhook_rotate(endpoint_id: str, request: Request) -> Response:
    """Asked first: the receiver must take the new secret within a day."""
    who, question = await _asked_first(request, endpoint_id, "rotate_secret", "rotate")
    if question is not None:
        return question
    assert who.actor is not None
    sys: System = request.app.state.system
    made = await run_in_threadpool(sys.dispatch, w.RotateSecret(actor=who.actor, endpoint_id=endpoint_id))
    return _at(await _endpoint(request, who, endpoint_id, secret=made.secret), endpoint_id)


@router.post("/webhooks/{endpoint_id}/delete", response_class=HTMLResponse)
async def webhook_delete(endpoint_id: str, request: Request) -> Response:
    """Asked first: the endpoint and its delivery log are gone."""
    who, question = await _asked_first(request, endpoint_id, "delete_endpoint", "delete")
    if question is not None:
        return question
    assert who.actor is not None
    sys: System = request.app.state.system
    await run_in_threadpool(sys.dispatch, w.DeleteEndpoint(actor=who.actor, endpoint_id=endpoint_id))
    return redirect("/webhooks?done=deleted")
