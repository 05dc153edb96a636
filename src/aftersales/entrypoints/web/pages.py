"""What every page needs: the viewer (from the session cookie), their language and zone, the
CSRF token of their forms, and rendering a template.

A session cookie holds a random token whose SHA-256 is the only thing stored; it is read on
every request, so signing out (here or everywhere) holds on the next request. A form's CSRF
token is derived from the session (a keyed hash of it), so it needs no storage and differs per
session; the sign-in form, before any session exists, uses a double-submit cookie.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from aftersales.bootstrap import System
from aftersales.domain import errors
from aftersales.domain.model import Actor
from aftersales.entrypoints.schemas.requests import (
    CaseOpenIn,
    MessageIn,
    NoteIn,
    PhraseIn,
    ReopenRequestIn,
    max_length,
)
from aftersales.entrypoints.web import i18n, labels
from aftersales.services import queries as q

SESSION_COOKIE = "as_session"
LANG_COOKIE = "as_lang"
PRE_CSRF_COOKIE = "as_csrf"
TZ_COOKIE = "as_tz"
LANG_MAX_AGE = 365 * 24 * 3600
# Zones a viewer may choose for the times they read (the pack's own is the default).
ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Tokyo", "Asia/Singapore", "Europe/London",
         "Europe/Berlin", "America/New_York", "America/Los_Angeles", "UTC")


@dataclass
class Viewer:
    """Who is looking (None when signed out), in which language and zone, with their session."""

    actor: Actor | None
    reader: i18n.Reader
    session: str | None
    now: datetime

    @property
    def csrf(self) -> str:
        return csrf_for(self.session) if self.session else ""


def csrf_for(session: str) -> str:
    return hmac.new(session.encode(), b"aftersales-form", hashlib.sha256).hexdigest()[:32]


# The longest each free-text field of a form may be, from the request model the form is parsed by.
_MAX = {"note": max_length(NoteIn, "note"), "message": max_length(MessageIn, "text"),
        "description": max_length(CaseOpenIn, "description"),
        "reopen_description": max_length(ReopenRequestIn, "description"), "phrase": max_length(PhraseIn, "text")}


def _environment(lang: str) -> Environment:
    folder = resources.files("aftersales.entrypoints.web").joinpath("templates")
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.catalog(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["labels"] = labels
    env.globals["short_id"] = labels.short_id
    env.globals["MAX"] = _MAX
    return env


_ENVS: dict[str, Environment] = {}


def environment(lang: str) -> Environment:
    if lang not in _ENVS:
        _ENVS[lang] = _environment(lang)
    return _ENVS[lang]


async def viewer(request: Request, required: bool = True) -> Viewer:
    """The viewer of this request; Unauthorized (a redirect to sign in) when ``required`` and signed out."""
    sys: System = request.app.state.system
    reader = _reader(request, sys)
    token = request.cookies.get(SESSION_COOKIE)
    actor: Actor | None = None
    if token:
        try:
            actor = await run_in_threadpool(sys.dispatch, q.AuthenticateSession(token=token))
        except errors.Unauthorized:
            token = None
    if actor is None and required:
        raise errors.Unauthorized("please sign in", "请登录")
    now = sys.dispatch.deps.clock.now()
    return Viewer(actor, reader, token if actor else None, now)


def _reader(request: Request, sys: System) -> i18n.Reader:
    lang = i18n.choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                       request.headers.get("accept-language"))
    zone = sys.pack.zone
    # A cookie's value with a "/" comes back quoted.
    for tz in (request.query_params.get("tz"), (request.cookies.get(TZ_COOKIE) or "").strip('"')):
        if tz and tz in ZONES:
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                zone = ZoneInfo(tz)
                break
    return i18n.Reader(lang, zone)


def offline_viewer(request: Request) -> Viewer:
    """A signed-out viewer made without the database (nor the test clock kept in it), for the
    page that says the database cannot be reached."""
    sys: System = request.app.state.system
    return Viewer(None, _reader(request, sys), None, sys.dispatch.deps.wall_clock.now())


async def form(request: Request, who: Viewer) -> dict[str, str]:
    """The posted form, after its CSRF token is checked (403 otherwise)."""
    data = await request.form()
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    # Ticked boxes share a name: evidence cited by an action, the parties asked for evidence,
    # the cases a bulk action is for, the reasons a policy template covers, a webhook's event types.
    for name in ("evidence_ids", "parties", "case", "reasons", "events"):
        fields[name] = ",".join(v for v in data.getlist(name) if isinstance(v, str))
    expected = who.csrf or request.cookies.get(PRE_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(fields.get("csrf", ""), expected):
        raise errors.Forbidden("the form has expired: reload the page and try again", "表单已失效,请刷新页面后重试")
    return fields


async def upload(request: Request, name: str) -> tuple[bytes, str | None]:
    """The file posted as ``name``: its bytes and its name (None when no file was chosen). The
    upload's temporary file is closed here: nothing else would close it."""
    item = (await request.form()).get(name)
    if item is None or isinstance(item, str):
        return b"", None
    try:
        return (await item.read(), item.filename) if item.filename else (b"", None)
    finally:
        await item.close()


async def uploads(request: Request, name: str) -> list[tuple[bytes, str]]:
    """Every file posted as ``name`` (an input with ``multiple``): bytes and name each, their
    temporary files closed."""
    out: list[tuple[bytes, str]] = []
    for item in (await request.form()).getlist(name):
        if isinstance(item, str):
            continue
        try:
            if item.filename:
                out.append((await item.read(), item.filename))
        finally:
            await item.close()
    return out


def render(request: Request, who: Viewer, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    env = environment(who.reader.lang)
    # The language and zone switches reload the page: for an answer to a form, the page the form
    # was on (the form's own address takes no GET).
    path = request.url.path if request.method == "GET" else came_from(request)
    html = env.get_template(template).render(
        request=request, who=who, r=who.reader, lang=who.reader.lang, path=path, zones=ZONES, **context)
    response = HTMLResponse(html, status_code=status)
    if request.method != "GET" and request.headers.get("hx-request"):
        # A form's answer drawn in place (a refusal, a question before an irreversible step):
        # the address stays the page's, so reloading does not ask again for the form's URL.
        response.headers["HX-Push-Url"] = "false"
    secure = request.url.scheme == "https"
    if request.query_params.get("lang") in i18n.LANGS:  # the switch is remembered
        response.set_cookie(LANG_COOKIE, who.reader.lang, max_age=LANG_MAX_AGE, samesite="lax", secure=secure)
    if request.query_params.get("tz") in ZONES:
        response.set_cookie(TZ_COOKIE, str(request.query_params["tz"]), max_age=LANG_MAX_AGE, samesite="lax",
                            secure=secure)
    return response


def came_from(request: Request) -> str:
    """The page a request was sent from, if it is one of ours (its Referer); else the home page."""
    came = urlsplit(request.headers.get("referer", ""))
    return came.path if came.netloc == request.url.netloc and came.path.startswith("/") else "/"


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        path="/")


def new_pre_csrf() -> str:
    return secrets.token_urlsafe(24)
