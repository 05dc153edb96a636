"""Benchmark (a): whole return_refund lifecycles per second, in-process, on a durable SQLite file.

A lifecycle is five service calls, each its own transaction: open, agree,
ship_return, confirm_receipt, and the refund settling. The baseline, in the same
run, on the same disk and with the same pragmas (WAL, synchronous=FULL), is raw
SQLite commits: one one-row INSERT per transaction through the sqlite3 module.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

from aftersales import bootstrap
from aftersales.adapters import packs
from aftersales.adapters.clocks import ManualClock
from aftersales.adapters.db import migrate
from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork
from aftersales.adapters.payments import InMemoryGateway
from aftersales.domain.inputs import CaseRequest, Params
from aftersales.domain.model import Actor, CaseType, Category, Line, Order, Reason, Role
from aftersales.domain.stores import Store
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.dispatch import Dispatcher

T0 = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


def raw_commits_per_s(folder: Path, seconds: float) -> float:
    path = folder / "raw.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", ("x" * 64,))
        conn.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - start)
    conn.close()
    return rate


def lifecycles_per_s(folder: Path, seconds: float) -> tuple[float, int]:
    db = Database(f"sqlite:///{folder / 'bench.db'}")
    migrate.upgrade(db.engine)
    uow = SqlUnitOfWork(db)
    ids = count(1)
    clock = ManualClock(T0)
    deps = bootstrap.deps_for(packs.load("taobao"), clock=clock, gateway=InMemoryGateway(),
                              new_id=lambda prefix: f"b{prefix}{next(ids)}")
    dispatch = Dispatcher(lambda: uow, deps)
    oms = Actor(Role.INTEGRATION, "bench")
    dispatch(c.UpsertStore(actor=oms, store=Store("s1", "s1", "杭州")))
    buyer, seller = Actor(Role.BUYER, "b1"), Actor(Role.SELLER, "s1")
    # Orders are the order system's writes, not part of a lifecycle: loaded beforehand, in one go.
    n_orders = int(seconds * 1500) + 100
    with uow.transaction():
        for i in range(n_orders):
            uow.orders.upsert(Order(f"o{i}", "s1", "b1", T0 - timedelta(days=3), T0 - timedelta(days=2),
                                    T0 - timedelta(days=1), None, 0, [Line("l1", "毛衣", Category.APPAREL, 1, 19900)]))
    ship = Params(carrier="SF", tracking_no="SF1")
    request = CaseRequest(CaseType.RETURN_REFUND, Reason.NO_REASON, 19900)
    done, start = 0, time.perf_counter()
    case_id = ""
    while time.perf_counter() - start < seconds and done < n_orders:
        clock.set(T0 + timedelta(seconds=done))
        case_id = dispatch(c.OpenCase(actor=buyer, order_id=f"o{done}", line_id="l1", request=request)).id
        dispatch(c.Act(actor=seller, case_id=case_id, action="agree"))
        dispatch(c.Act(actor=buyer, case_id=case_id, action="ship_return", params=ship))
        dispatch(c.Act(actor=seller, case_id=case_id, action="confirm_receipt"))
        settled = dispatch(c.SettlePayouts(owner="bench", lease_seconds=3600, limit=10))
        assert settled == 1
        done += 1
    rate = done / (time.perf_counter() - start)
    final = dispatch(q.GetCase(actor=Actor(Role.OPERATOR, "bench"), case_id=case_id))
    assert final.status.value == "completed" and final.refunded == 19900
    db.dispose()
    return rate, done


def run(seconds: float = 10.0) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="aftersales-bench-", dir=os.environ.get("BENCH_DIR")) as d:
        folder = Path(d)
        raw = raw_commits_per_s(folder, seconds)
        lifecycles, n = lifecycles_per_s(folder, seconds)
        # Diagnostic, not a target: the same lifecycles with fsync off show how much of
        # a lifecycle is durable commits and how much is our code.
        (folder / "nosync").mkdir()
        os.environ["AFTERSALES_SQLITE_SYNCHRONOUS"] = "OFF"
        try:
            nosync, _ = lifecycles_per_s(folder / "nosync", min(seconds, 5.0))
        finally:
            del os.environ["AFTERSALES_SQLITE_SYNCHRONOUS"]
    return {"lifecycles_per_s": round(lifecycles, 1), "raw_commits_per_s": round(raw, 1),
            "lifecycles_measured": n, "lifecycles_per_s_without_fsync": round(nosync, 1)}


if __name__ == "__main__":
    print(run(float(os.environ.get("BENCH_SECONDS", "10"))))
