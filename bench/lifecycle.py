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

from aftersales.adapters import packs
from aftersales.adapters.db import migrate
from aftersales.adapters.db.sql import Database
from aftersales.adapters.payments import InMemoryGateway
from aftersales.domain.case import Params
from aftersales.domain.model import Actor, CaseType, Category, Line, Order, Reason, Role, Store
from aftersales.services import handlers as svc

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
    uow = db.uow()
    ids = count(1)
    deps = svc.Deps(packs.load("taobao"), lambda: f"bc{next(ids)}")
    gateway = InMemoryGateway()
    oms = Actor(Role.INTEGRATION, "bench")
    svc.upsert_store(uow, oms, Store("s1", "s1", "杭州"))
    buyer, seller = Actor(Role.BUYER, "b1"), Actor(Role.SELLER, "s1")
    # Orders are the order system's writes, not part of a lifecycle: loaded beforehand, in one go.
    n_orders = int(seconds * 1500) + 100
    with uow.transaction():
        for i in range(n_orders):
            uow.orders.upsert(Order(f"o{i}", "s1", "b1", T0 - timedelta(days=3), T0 - timedelta(days=2),
                                    T0 - timedelta(days=1), None, 0, [Line("l1", "毛衣", Category.APPAREL, 1, 19900)]))
    ship = Params(carrier="SF", tracking_no="SF1")
    real = datetime.now(UTC)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds and done < n_orders:
        at = T0 + timedelta(seconds=done)
        c = svc.open_case(uow, deps, buyer, f"o{done}", "l1", CaseType.RETURN_REFUND, Reason.NO_REASON, 19900, at)
        svc.act(uow, deps, seller, c.id, "agree", at)
        svc.act(uow, deps, buyer, c.id, "ship_return", at, ship)
        svc.act(uow, deps, seller, c.id, "confirm_receipt", at)
        settled = svc.settle_payouts(uow, deps, gateway, "bench", real, real + timedelta(hours=1), limit=10)
        assert settled == 1
        done += 1
    rate = done / (time.perf_counter() - start)
    final = svc.get_case(uow, Actor(Role.OPERATOR, "bench"), c.id)
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
