"""RFC 9457 problem details for every error, with the stable ``code`` of DESIGN 3.6.

FastAPI's own errors (body validation, unknown routes, wrong methods) and
unexpected failures answer in the same shape, so a client parses one thing.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from aftersales.bootstrap import DATABASE_UNREACHABLE, database_unreachable
from aftersales.domain import errors

log = logging.getLogger("aftersales.api")

PROBLEM_JSON = "application/problem+json"

TITLES: dict[str, str] = {
    "unauthorized": "Authentication required",
    "validation_failed": "The request is not valid",
    "idempotency_conflict": "Idempotency key reused with another request",
    "not_found": "Not found",
    "forbidden": "Not allowed for this role",
    "version_conflict": "The case has changed",
    "illegal_transition": "Not allowed in the case's current status",
    "evidence_required": "Evidence of the kinds the rules ask for is missing",
    "case_already_open": "The line already has an open case",
    "attempts_exhausted": "No after-sale claim left on this line",
    "not_eligible": "No rule allows this request",
    "window_expired": "The window for this request has closed",
    "refusal_not_allowed": "This request cannot be refused",
    "amount_exceeds_paid": "The amount exceeds what was paid",
    "policy_void_clause": "A clause takes away what the rules give the buyer",
    "method_not_allowed": "Method not allowed",
    "payload_too_large": "The request body is too large",
    "clock_moved_backwards": "The test clock only moves forward",
    "unavailable": "Temporarily unavailable",
    "token_not_replayable": "A token is shown once",
    "bad_file": "The file is not what it claims, or cannot be read safely",
    "account_locked": "Too many failed sign-ins",
    "link_used": "The sign-in link was used or has expired",
    "order_event_conflict": "The order event contradicts what is known of the order",
    "webhook_url_refused": "Events are not sent to this address",
    "internal_error": "Internal error",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses: problem details, in their own media type."""
    from aftersales.entrypoints.schemas.responses import Problem

    return {s: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": DESCRIPTIONS[s]} for s in statuses}


# Our own words for the statuses we document: Python's own changed between versions (3.13's
# "Unprocessable Content"), and the contract must read the same on every supported Python.
DESCRIPTIONS = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 412: "Precondition Failed",
                413: "Request Entity Too Large", 422: "Unprocessable Entity", 503: "Service Unavailable"}


RESERVED = frozenset({"type", "title", "status", "code", "detail", "detail_zh", "instance"})


def problem(
    status: int, code: str, detail: str, *, detail_zh: str | None = None, instance: str | None = None,
    headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:aftersales:problem:{code}",
        "title": TITLES.get(code, code.replace("_", " ").capitalize()),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if detail_zh:
        body["detail_zh"] = detail_zh
    if instance:
        body["instance"] = instance
    # Extension members add to the problem; they never replace a member RFC 9457 defines.
    body.update({k: v for k, v in (extra or {}).items() if v is not None and k not in RESERVED})
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=PROBLEM_JSON,
                    headers=headers)


def from_domain(exc: errors.DomainError, request: Request | None = None) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if exc.code == "unauthorized" else None
    return problem(exc.status, exc.code, exc.en, detail_zh=exc.zh,
                   instance=str(request.url.path) if request is not None else None, headers=headers, extra=exc.extra)


def _allowed(request: Request) -> str:
    """Every method the path answers to: Starlette names only those of the first route it matched."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "\x00"})
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def install(app: FastAPI) -> None:
    from aftersales.entrypoints import web

    @app.exception_handler(errors.DomainError)
    async def _domain(request: Request, exc: errors.DomainError) -> Response:
        if web.is_page(request):
            return await web.page_error(request, exc)
        return from_domain(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        items = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        first = items[0] if items else {"loc": [], "msg": "invalid request"}
        where = ".".join(x for x in first["loc"] if x not in ("body",)) or "request"
        return problem(422, "validation_failed", f"{where}: {first['msg']}", detail_zh=f"请求无效:{where}",
                       instance=request.url.path, extra={"errors": items})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 400:
            # FastAPI's answer to a body it could not parse (bytes that are not UTF-8, JSON nested
            # past the parser's depth): to a client that is an invalid request like any other.
            return problem(422, "validation_failed", f"body: {detail}", detail_zh="请求体无法解析",
                           instance=request.url.path, headers=headers,
                           extra={"errors": [{"loc": ["body"], "msg": detail, "type": "body_invalid"}]})
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "validation_failed" if exc.status_code < 500 else "internal_error"
        )
        if exc.status_code == 404 and web.is_page(request):
            return await web.page_error(request, errors.NotFound("there is no such page", "页面不存在"))
        if exc.status_code == 413 and web.is_page(request):
            return web.too_large_page(request.scope, detail, str(getattr(exc, "detail_zh", detail)))
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": _allowed(request)}
        return problem(exc.status_code, code, detail, detail_zh=getattr(exc, "detail_zh", None),
                       instance=request.url.path, headers=headers,
                       extra={"limit": getattr(exc, "limit", None)} if exc.status_code == 413 else None)

    @app.exception_handler(errors.BlobCorrupt)
    async def _corrupt(request: Request, exc: errors.BlobCorrupt) -> Response:
        log.error("evidence failed its hash check on %s: %s", request.url.path, exc)
        return problem(500, "evidence_corrupt", "the file's stored bytes failed their check and are not served",
                       detail_zh="文件校验失败,不予提供", instance=request.url.path)

    _install_unavailable(app)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        if database_unreachable(exc):
            return _unavailable(request)
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "internal_error", "an unexpected error occurred; nothing was changed",
                       detail_zh="发生意外错误,未做任何更改", instance=request.url.path)


def _install_unavailable(app: FastAPI) -> None:
    """Handled by class where the class says it, so the answer does not go through the server's
    last-resort handler (which logs a traceback per request while the database is away); the
    rest, an invalidated connection under another class, is caught by the handler of Exception."""

    async def _db(request: Request, exc: Exception) -> Response:
        return _unavailable(request)

    for unreachable_class in DATABASE_UNREACHABLE:
        app.add_exception_handler(unreachable_class, _db)


RETRY_AFTER = 2  # seconds: a database restart or failover takes a few


def _unavailable(request: Request) -> Response:
    """A lost database is the service's trouble, not the client's, and passes: 503 with
    Retry-After on every route, a page for a page. Logged without the traceback, which a
    stop under load would repeat for every request."""
    import sys

    from aftersales.entrypoints import web

    log.warning("database unavailable for %s %s: %s", request.method, request.url.path, sys.exc_info()[1])
    if web.is_page(request):
        return web.unavailable_page(request, RETRY_AFTER)
    return problem(503, "unavailable", "the database is not answering; retry shortly",
                   detail_zh="数据库暂时不可用,请稍后重试", instance=request.url.path,
                   headers={"Retry-After": str(RETRY_AFTER)})
