"""Benchmark (e): the agents' queue with 100,000 cases in review, on SQLite and on PostgreSQL.

The first page (50) of the queue, unfiltered and with each filter an agent uses (a store, the
overdue ones, nobody handling them, appeals, requests to reopen, a store with nothing in the
queue), through the dispatcher as the API calls it: the query, the rows turned into cases.
Beside it, in the same run, the baseline: one case read by its id through the same dispatcher.

The cases are written straight into the tables (the schema's own rows, one transaction): the
benchmark is of the read, not of 100,000 actions.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.rows import case_to_row
from aftersales.bootstrap import Settings, System, bootstrap, upgrade_database
from aftersales.domain.dispute import Pause
from aftersales.domain.model import Actor, Case, CaseType, Party, Phase, Reason, Role, Status
from aftersales.services import commands as c
from aftersales.services import queries as q

CASES = 100_000
STORES = 200
AGENTS = 20
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
AGENT = Actor(Role.AGENT, "bench")


def _case(i: int) -> Case:
    """Case ``i``: in review, due from five days ago to five days ahead; one in three handled by an
    agent; one in fifty an appeal and one in seventy a request to reopen; one in ten paused."""
    opened = NOW - timedelta(days=6, minutes=i % 7000)
    due = NOW + timedelta(minutes=(i * 7919) % (10 * 24 * 60) - 5 * 24 * 60)
    kind = "appeal" if i % 50 == 7 else "reopening" if i % 70 == 3 else "dispute"
    pause = (Pause("evidence", (Party.SELLER,), None, NOW - timedelta(hours=1), NOW + timedelta(hours=47), 3600)
             if i % 10 == 9 else None)
    return Case(
        id=f"cs{i:07d}", order_id=f"o{i}", line_id="l1", store_id=f"s{i % STORES}", buyer_id=f"b{i % 5000}",
        type=CaseType.RETURN_REFUND, reason=Reason.QUALITY, status=Status.PLATFORM_REVIEW, phase=Phase.AFTER_SALE,
        amount=19900, refunded=0, line_paid=19900, opened_at=opened, status_since=opened, version=3, entry=3,
        updated_at=opened, sla_due=due, agent=f"agent{i % AGENTS}" if i % 3 == 0 else None, kind=kind, pause=pause)


def seed(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            stores = [{"id": f"s{s}", "name": f"s{s}", "return_address": "杭州", "created_at": NOW,
                       "updated_at": NOW} for s in range(STORES + 1)]  # the last one has nothing in the queue
            conn.execute(insert(t.stores), stores)
            for start in range(0, CASES, 10_000):
                batch = range(start, min(start + 10_000, CASES))
                conn.execute(insert(t.orders), [
                    {"id": f"o{i}", "store_id": f"s{i % STORES}", "buyer_id": f"b{i % 5000}",
                     "paid_at": NOW - timedelta(days=9), "shipped_at": NOW - timedelta(days=8),
                     "delivered_at": NOW - timedelta(days=7), "shipping_fee": 0, "created_at": NOW,
                     "updated_at": NOW} for i in batch])
                conn.execute(insert(t.order_lines), [
                    {"order_id": f"o{i}", "line_id": "l1", "position": 0, "title": "羊毛衫", "category": "apparel",
                     "quantity": 1, "paid": 19900, "no_reason_waived": False} for i in batch])
                conn.execute(insert(t.cases), [case_to_row(_case(i)) for i in batch])
            conn.execute(text("ANALYZE"))  # the planner's statistics, as a running database has them
    finally:
        engine.dispose()


FILTERS: dict[str, dict[str, Any]] = {
    "all": {},
    "store": {"store": "s17"},
    "overdue": {"breached": True},
    "unhandled": {"agent": ""},
    "appeals": {"kind": "appeal"},
    "reopenings": {"kind": "reopening"},
    "store_overdue": {"store": "s17", "breached": True},
    "empty_store": {"store": f"s{STORES}"},
}


def _timed(call: Callable[[], object], rounds: int) -> dict[str, float]:
    for _ in range(10):
        call()  # warm the statement cache and the database's pages
    ms = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        ms.append((time.perf_counter() - start) * 1000)
    ms.sort()
    return {"median": round(statistics.median(ms), 2), "p99": round(ms[max(0, int(len(ms) * 0.99) - 1)], 2)}


def measure(system: System, engine: str, rounds: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    base = _timed(lambda: system.dispatch(q.GetCase(actor=AGENT, case_id="cs0050000")), rounds)
    out[f"queue_{engine}_baseline_get_case_ms"] = base["median"]
    worst = 0.0
    for name, filters in FILTERS.items():
        page = system.dispatch(q.InterventionQueue(actor=AGENT, limit=50, **filters))
        assert name == "empty_store" or len(page.items) == 50, (name, len(page.items))
        stats = _timed(lambda f=filters: system.dispatch(q.InterventionQueue(actor=AGENT, limit=50, **f)), rounds)
        out[f"queue_{engine}_{name}_median_ms"] = stats["median"]
        out[f"queue_{engine}_{name}_p99_ms"] = stats["p99"]
        worst = max(worst, stats["median"])
    out[f"queue_{engine}_worst_median_ms"] = worst
    out[f"queue_{engine}_worst_over_get_case"] = round(worst / base["median"], 2)
    return out


@contextmanager
def _postgres() -> Iterator[str | None]:
    """A database of its own on the PostgreSQL server the tests use, dropped afterwards."""
    admin = os.environ.get("AFTERSALES_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"aftersales_bench_{uuid.uuid4().hex[:8]}"
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"queue benchmark: PostgreSQL not reachable ({type(exc).__name__}); SQLite only")
        yield None
        return
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _run_on(url: str, engine: str, rounds: int) -> dict[str, Any]:
    upgrade_database(url)
    started = time.monotonic()
    seed(url)
    seeded = time.monotonic() - started
    system = bootstrap(Settings(database_url=url, clock="test"))
    try:
        # "Overdue" is asked of a fixed now, so both engines answer the same question.
        system.dispatch(c.SetTestClock(actor=Actor(Role.OPERATOR, "bench"), now=NOW))
        out = measure(system, engine, rounds)
        out[f"queue_{engine}_seed_seconds"] = round(seeded, 1)
        return out
    finally:
        system.close()


def run(rounds: int = 200) -> dict[str, Any]:
    out: dict[str, Any] = {"queue_cases": CASES}
    with tempfile.TemporaryDirectory(prefix="aftersales-queue-", dir=os.environ.get("BENCH_DIR")) as d:
        out.update(_run_on(f"sqlite:///{Path(d) / 'queue.db'}", "sqlite", rounds))
    with _postgres() as url:
        if url is not None:
            out.update(_run_on(url, "postgres", rounds))
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(int(os.environ.get("BENCH_ROUNDS", "200"))), indent=2))
