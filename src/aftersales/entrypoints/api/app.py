"""The REST API of DESIGN 3.6 (FastAPI): the app, its middleware, its routers and its docs.

Routes are thin: authenticate, parse the request into a command, hand it to the
dispatcher, build the response model from what comes back. Every POST honours
``Idempotency-Key`` (``idempotency``); every POST that changes a case (actions,
messages, evidence) honours ``If-Match`` (412 on a stale version).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from aftersales.bootstrap import System
from aftersales.entrypoints import web
from aftersales.entrypoints.api import problems
from aftersales.entrypoints.api.middleware import Guard
from aftersales.entrypoints.api.routers import (
    actions,
    cases,
    evidence,
    interventions,
    messages,
    orders,
    phrases,
    stores,
    system,
    tokens,
    webhooks,
)

ROUTERS = (system, tokens, stores, orders, cases, actions, evidence, messages, phrases, interventions, webhooks)
STATIC = "/static/api"


def create_app(sys: System, *, run_worker: bool = False) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Handlers run in a thread pool. On SQLite writers queue on one lock anyway, and
        # 8 threads served 10-15% more requests than anyio's 40 with half the p99
        # (docs/performance.md); PostgreSQL keeps the default for real concurrency.
        threads = os.environ.get("AFTERSALES_THREADS") or ("8" if sys.db is not None and sys.db.is_sqlite else None)
        if threads:
            anyio.to_thread.current_default_thread_limiter().total_tokens = int(threads)
        worker = None
        if run_worker:
            from aftersales.entrypoints.worker import Worker

            worker = Worker(sys, name="serve")
            worker.start_thread()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = FastAPI(
        title="Aftersales API", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
        summary="After-sales service and dispute resolution for online marketplaces (售后服务与维权平台)",
    )
    app.state.system = sys
    problems.install(app)
    for module in ROUTERS:
        # The routes themselves, not the routers: an included router matches every request a
        # second time on its way in (~60 µs a request, measured; docs/performance.md).
        app.router.routes.extend(module.router.routes)
    _docs(app)
    web.install(app)
    app.add_middleware(Guard)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _docs(app: FastAPI) -> None:
    """``/docs`` from files in the package: offline it works as online (no CDN)."""
    folder = resources.files("aftersales.entrypoints.api").joinpath("static")
    app.mount(STATIC, StaticFiles(directory=str(folder)), name="api-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        # FastAPI's own page starts Swagger UI from an inline script, which the pages' CSP
        # refuses; swagger-init.js does the same from a file.
        return HTMLResponse(f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aftersales API</title>
<link rel="stylesheet" href="{STATIC}/swagger-ui/swagger-ui.css">
<link rel="icon" href="{STATIC}/swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="{STATIC}/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{STATIC}/swagger-init.js"></script>
</body>
</html>
""")


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error response under the media type it is sent with."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status[0] in "45" and "application/json" in content:
                        content[problems.PROBLEM_JSON] = content.pop("application/json")
        app.openapi_schema = schema
    return app.openapi_schema
