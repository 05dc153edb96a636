"""The pages (DESIGN 3.8): server-rendered with Jinja2, enhanced with htmx, in zh-CN and en.

Pages reach the use cases the way the API does, through the dispatcher and the access rules;
they hold no rules of their own. ``install`` adds them to the API's app: one process, one
port, one set of middleware (body limits, nosniff, no-store for signed-in answers).
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from aftersales.domain import errors
from aftersales.domain.model import Text

STATIC = "/static/web"


def is_page(request: Request) -> bool:
    """Whether a request is for a page (answered in HTML) rather than the API (problem+json)."""
    path = request.url.path
    return not (path.startswith(("/api/", "/static/", "/docs", "/openapi")) or path in ("/healthz",))


async def page_error(request: Request, exc: errors.DomainError) -> Response:
    """A refusal as a page: sign in when signed out; 'not found' for what is not the viewer's."""
    from urllib.parse import quote

    from aftersales.entrypoints.web.pages import SESSION_COOKIE, redirect, render, viewer

    if isinstance(exc, errors.Unauthorized):
        response = redirect(f"/login?next={quote(request.url.path)}")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    who = await viewer(request, required=False)
    heading = who.reader._("Not found") if isinstance(exc, errors.NotFound) else who.reader._("Not possible")
    return render(request, who, "message.html", status=exc.status, heading=heading,
                  text=who.reader.plain(Text(exc.zh, exc.en)))


def unavailable_page(request: Request, retry_after: int) -> Response:
    """The page for a database that cannot be reached: made without it, in the viewer's language."""
    from aftersales.entrypoints.web.pages import offline_viewer, render

    who = offline_viewer(request)
    response = render(request, who, "message.html", status=503, heading=who.reader._("Temporarily unavailable"),
                      text=who.reader.text(Text("系统暂时无法连接数据库,请稍后重试。您的操作未被保存。",
                                                "The service cannot reach its database: try again in a "
                                                "moment. What you sent was not saved.")))
    response.headers["Retry-After"] = str(retry_after)
    return response


def too_large_page(scope: Scope, en: str, zh: str) -> Response:
    """A page for a form whose body or file was over its limit (refused before it was read, so
    before any session is looked at): what was too large, that nothing was saved, and the way
    back to the page it came from."""
    from aftersales.entrypoints.web.pages import came_from, offline_viewer, render

    request = Request(scope)
    who = offline_viewer(request)
    back = came_from(request)
    text = who.reader.text(Text(f"{zh}。没有保存任何内容:请返回并选择较小的文件。",
                                f"{en[:1].upper()}{en[1:]}. Nothing was saved: go back and choose smaller files."))
    return render(request, who, "message.html", status=413, heading=who.reader._("Too large to send"), text=text,
                  back=back)


def install(app: FastAPI) -> None:
    from aftersales.entrypoints.web import cases, phrases, policy, routes, waiting, webhooks, workbench

    folder = resources.files("aftersales.entrypoints.web").joinpath("static")
    app.mount(STATIC, StaticFiles(directory=str(folder)), name="web-static")
    app.router.routes.extend(routes.router.routes)
    app.router.routes.extend(cases.router.routes)
    app.router.routes.extend(policy.router.routes)
    app.router.routes.extend(workbench.router.routes)
    app.router.routes.extend(waiting.router.routes)
    app.router.routes.extend(phrases.router.routes)
    app.router.routes.extend(webhooks.router.routes)
