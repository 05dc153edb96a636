"""ASGI middleware that guards every request before any of ours runs.

- Bodies over a limit (1 MiB of JSON; the evidence limit for an upload) are refused
  with 413 before they are read whole, parsed or authenticated.
- A NUL character in the path or the query is refused with 422: PostgreSQL cannot
  compare against one, and SQLite must refuse what PostgreSQL does.
- Every answer says ``X-Content-Type-Options: nosniff``, carries a strict
  Content-Security-Policy (the site's own scripts, styles and images only; no inline
  script; never inside another site's frame) and ``Referrer-Policy: same-origin``; an answer
  to a request that carried credentials says ``Cache-Control: no-store``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import Request

from aftersales.domain.evidence import MAX_BYTES, MAX_FILES
from aftersales.entrypoints.api.problems import PROBLEM_JSON

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# No 'unsafe-inline' anywhere: the pages' scripts and styles are files of ours, their data
# rides in <script type="application/json"> blocks, which are never run. data: images are the
# icons inside the vendored stylesheets. frame-ancestors is the modern X-Frame-Options.
CSP = (b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
_SECURITY_HEADERS = ((b"content-security-policy", CSP), (b"x-frame-options", b"DENY"),
                     (b"referrer-policy", b"same-origin"))

JSON_LIMIT = 1024 * 1024
# A multipart upload carries the file plus its form fields and boundaries.
# A case's evidence may come nine files at once; any other upload is one file.
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024
BATCH_LIMIT = MAX_FILES * MAX_BYTES + 64 * 1024
_BATCH = re.compile(r"^(/api/v1)?/cases/[^/]+/evidence$")  # the API's and the case page's


async def _problem(send: Send, status: int, code: str, title: str, detail: str, detail_zh: str,
                   extra: dict[str, Any] | None = None) -> None:
    body = json.dumps({"type": f"urn:aftersales:problem:{code}", "title": title, "status": status, "code": code,
                       "detail": detail, "detail_zh": detail_zh, **(extra or {})}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"), *_SECURITY_HEADERS, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class Guard:
    """The checks above, in the order a request meets them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _nul_in(scope)
        if where is not None:
            await _problem(send, 422, "validation_failed", "The request is not valid",
                           f"{where}: must not contain the NUL character", f"请求无效:{where} 含有空字符",
                           {"errors": [{"loc": [where], "msg": "NUL character", "type": "value_error"}]})
            return
        multipart = (_header(scope, b"content-type") or b"").startswith(b"multipart/")
        batch = multipart and _BATCH.match(scope.get("path", "")) is not None
        limit = (BATCH_LIMIT if batch else UPLOAD_LIMIT) if multipart else JSON_LIMIT
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(scope, receive, send, _TooLarge(limit))
            return
        receive = _counted(receive, limit)
        if multipart:
            receive = _per_file(receive, _header(scope, b"content-type") or b"", MAX_BYTES)
        try:
            await self.app(scope, receive, _hardened(scope, send))
        except _TooLarge as exc:
            await _too_large(scope, receive, send, exc)


def _nul_in(scope: Scope) -> str | None:
    if "\x00" in scope.get("path", ""):
        return "path"
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        return "query"
    return None


class _TooLarge(HTTPException):
    """A body, or one file in it, grew past its limit while it was read. An HTTPException, so
    that FastAPI's body reading lets it through to the problem handlers instead of calling it a
    parse error; they answer with its words in both languages."""

    def __init__(self, limit: int, file: bool = False) -> None:
        mb = limit // (1024 * 1024)
        if file:
            en, zh = f"a file is larger than {mb} MB ({limit} bytes)", f"有文件超过 {mb} MB({limit} 字节)"
        else:
            en, zh = f"the request body is larger than {limit} bytes", f"请求体超过 {limit} 字节"
        super().__init__(413, en)
        self.limit, self.detail_zh = limit, zh


async def _too_large(scope: Scope, receive: Receive, send: Send, exc: _TooLarge) -> None:
    """The 413: problem+json for the API, a page in the viewer's language for a page's form."""
    from aftersales.entrypoints.web import is_page, too_large_page

    if is_page(Request(scope)) and "app" in scope:
        await too_large_page(scope, exc.detail, exc.detail_zh)(scope, receive, send)
        return
    await _problem(send, 413, "payload_too_large", "The request body is too large", exc.detail, exc.detail_zh,
                   {"limit": exc.limit})


def _per_file(receive: Receive, content_type: bytes, limit: int) -> Receive:
    """Counts each part of a multipart body as it streams past, so one file over the evidence
    limit is refused as the README says (413, before anyone is asked who sent it) even where
    the whole body may carry nine such files. A body python-multipart cannot parse is left to
    the form parser behind, which refuses it in its own words."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        return receive
    size = 0

    def begin() -> None:
        nonlocal size
        size = 0

    def data(chunk: bytes, start: int, end: int) -> None:
        nonlocal size
        size += end - start
        if size > limit:
            raise _TooLarge(limit, file=True)

    parser: MultipartParser | None = MultipartParser(boundary, {"on_part_begin": begin, "on_part_data": data})

    async def counting() -> Message:
        nonlocal parser
        message = await receive()
        if parser is not None and message["type"] == "http.request":
            try:
                parser.write(message.get("body", b""))
            except MultipartParseError:
                parser = None
        return message

    return counting


def _counted(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge(limit)
        return message

    return counting


def _hardened(scope: Scope, send: Send) -> Send:
    credentials = _header(scope, b"authorization") is not None or _header(scope, b"cookie") is not None

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            if b"x-content-type-options" not in names:
                headers.append((b"x-content-type-options", b"nosniff"))
            headers.extend(h for h in _SECURITY_HEADERS if h[0] not in names)
            if credentials and b"cache-control" not in names:
                headers.append((b"cache-control", b"no-store"))
            message["headers"] = headers
        await send(message)

    return sending
