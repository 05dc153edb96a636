"""Benchmark (d): the store's workbench page for a store with 10,000 cases, beside the JSON list of
the same store's cases (`GET /api/v1/cases?store=…&limit=50`), both a page of 50, in the same run.

Server time is measured by calling the ASGI app directly (no HTTP client, no sockets): from the
request entering the app to its last byte, the same middleware, session or token check, query
and rendering a real request gets. The two are measured alternately so that a slower moment of
the machine costs both alike.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aftersales.adapters.db.uow import SqlUnitOfWork
from aftersales.bootstrap import Settings, bootstrap, upgrade_database
from aftersales.domain.model import Actor, Case, CaseType, Category, Line, Order, Phase, Reason, Role, Status
from aftersales.domain.stores import Store
from aftersales.entrypoints.api.app import create_app
from aftersales.services import commands as c

CASES = 10_000
T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
WAITING = (Status.AWAITING_SELLER, Status.AWAITING_RECEIPT, Status.COMPLETED, Status.AWAITING_RETURN)


def seed(url: str) -> None:
    """10,000 cases of one store in one transaction, a quarter of them waiting for it."""
    system = bootstrap(Settings(database_url=url))
    assert system.db is not None
    uow = SqlUnitOfWork(system.db)
    with uow.transaction():
        uow.stores.upsert(Store("s1", "s1", "杭州"))
        for i in range(CASES):
            paid = T0 - timedelta(days=3, minutes=i)
            line = Line("l1", "羊毛衫", Category.APPAREL, 1, 19900)
            uow.orders.upsert(Order(f"o{i}", "s1", f"b{i % 500}", paid, paid + timedelta(hours=8),
                                    paid + timedelta(days=2), None, 0, [line]))
            status = WAITING[i % len(WAITING)]
            opened = T0 + timedelta(minutes=i)
            uow.cases.add(Case(
                id=f"cs{i:06d}", order_id=f"o{i}", line_id="l1", store_id="s1", buyer_id=f"b{i % 500}",
                type=CaseType.RETURN_REFUND, reason=Reason.NO_REASON, status=status, phase=Phase.AFTER_SALE,
                amount=19900, refunded=19900 if status is Status.COMPLETED else 0, line_paid=19900, opened_at=opened,
                status_since=opened, deadline=None if status.terminal else opened + timedelta(hours=48),
                deadline_action=None if status.terminal else "agree", deadline_rule=None, version=1, entry=1,
                updated_at=opened))
    operator = Actor(Role.OPERATOR, "bench")
    system.dispatch(c.AddUser(actor=operator, name="owner", role="owner", store_id="s1", password="bench password"))
    system.close()


async def _call(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, float]:
    path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"bench"), *headers], "client": ("127.0.0.1", 1), "server": ("bench", 80)}
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    start = time.perf_counter()
    await app(scope, receive, send)
    return status, (time.perf_counter() - start) * 1000


def _stats(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {"median": round(statistics.median(ms), 2), "p99": round(ms[int(len(ms) * 0.99) - 1], 2)}


async def _measure(app: Any, cookie: str, token: str, rounds: int) -> dict[str, float]:
    page_h = [(b"cookie", f"as_session={cookie}".encode())]
    api_h = [(b"authorization", f"Bearer {token}".encode())]
    page_ms: list[float] = []
    json_ms: list[float] = []
    for i in range(rounds + 20):
        page = await _call(app, "/workbench", page_h)
        listed = await _call(app, "/api/v1/cases?store=s1&limit=50", api_h)
        assert page[0] == 200 and listed[0] == 200, (page, listed)
        if i >= 20:  # the first calls warm caches (templates, statements)
            page_ms.append(page[1])
            json_ms.append(listed[1])
    p, j = _stats(page_ms), _stats(json_ms)
    return {"workbench_page_median_ms": p["median"], "workbench_page_p99_ms": p["p99"],
            "cases_json_median_ms": j["median"], "cases_json_p99_ms": j["p99"],
            "workbench_over_json": round(p["median"] / j["median"], 2), "workbench_cases": CASES}


def run(rounds: int = 300) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="aftersales-workbench-", dir=os.environ.get("BENCH_DIR")) as d:
        url = f"sqlite:///{Path(d) / 'workbench.db'}"
        upgrade_database(url)
        seed(url)
        system = bootstrap(Settings(database_url=url))
        try:
            session = system.dispatch(c.SignIn(name="owner", password="bench password"))
            token = system.dispatch(c.IssueToken(actor=Actor(Role.OPERATOR, "bench"), role="seller",
                                                 subject="s1")).token
            return asyncio.run(_measure(create_app(system), session.token, token, rounds))
        finally:
            system.close()


if __name__ == "__main__":
    print(run(int(os.environ.get("BENCH_ROUNDS", "300"))))
