"""Benchmark (b): case actions per second through HTTP at 32 concurrent clients, with p99
latency, against a bare FastAPI endpoint doing one SQLite INSERT per request, in the
same run and with the same server settings. The server runs on core 0 and the load
generator on core 1 (taskset), so neither starves the other.

Our server runs as `aftersales serve` does by default: with its worker in the same
process, so the refunds it settles cost the same core the requests do.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aftersales.adapters import packs
from aftersales.adapters.clocks import SystemClock
from aftersales.adapters.db import migrate
from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork
from aftersales.adapters.payments import InMemoryGateway
from aftersales.bootstrap import deps_for
from aftersales.domain.model import Actor, Category, Line, Order, Role
from aftersales.domain.stores import Store
from aftersales.services import commands as c
from aftersales.services.dispatch import Dispatcher

CONNS = 32


def _pin(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, path: str | None) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if path is None:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            else:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def _load(args: list[str]) -> dict[str, float]:
    out = subprocess.run([*_pin(1), sys.executable, "-m", "bench.loadgen", *args], capture_output=True, text=True,
                         check=True, timeout=300)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def seed(url: str, per_conn: int) -> tuple[str, str]:
    db = Database(url)
    migrate.upgrade(db.engine)
    uow = SqlUnitOfWork(db)
    t0 = datetime.now(UTC) - timedelta(days=1)
    with uow.transaction():  # the order system's bulk load, one transaction
        uow.stores.upsert(Store("s1", "s1", "杭州"))
        for i in range(CONNS):
            for k in range(per_conn):
                uow.orders.upsert(Order(f"h{i}-{k}", "s1", "b1", t0 - timedelta(days=2), t0 - timedelta(days=1), t0,
                                        None, 0, [Line("l1", "毛衣", Category.APPAREL, 1, 19900)]))
    dispatch = Dispatcher(lambda: uow, deps_for(packs.load("taobao"), clock=SystemClock(), gateway=InMemoryGateway()))
    operator = Actor(Role.OPERATOR, "bench")
    buyer, seller = (dispatch(c.IssueToken(actor=operator, role=role, subject=subject)).token
                     for role, subject in (("buyer", "b1"), ("seller", "s1")))
    db.dispose()
    return buyer, seller


def run(seconds: float = 10.0, per_conn: int = 400) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="aftersales-http-", dir=os.environ.get("BENCH_DIR")))
    try:
        # The baseline first.
        port = _port()
        bare = subprocess.Popen([*_pin(0), sys.executable, "-m", "bench.bare_app", str(port), str(folder / "bare.db")])
        try:
            _wait(port, None)
            base = _load(["bare", str(port), str(CONNS), str(seconds)])
        finally:
            bare.terminate()
            bare.wait(timeout=30)

        url = f"sqlite:///{folder / 'http.db'}"
        buyer, seller = seed(url, per_conn)
        port = _port()
        env = {**os.environ, "AFTERSALES_DATABASE_URL": url, "AFTERSALES_LOG_LEVEL": "WARNING"}
        # BENCH_NO_WORKER=1 measures the API alone, without the in-process worker's refunds.
        no_worker = ["--no-worker"] if os.environ.get("BENCH_NO_WORKER") else []
        ours = subprocess.Popen([*_pin(0), sys.executable, "-m", "aftersales.entrypoints.cli", "serve", "--port",
                                 str(port), "--no-migrate", *no_worker], env=env)
        try:
            _wait(port, "/healthz")
            mine = _load(["cases", str(port), str(CONNS), str(seconds), buyer, seller, str(per_conn)])
        finally:
            ours.terminate()
            ours.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "http_requests_per_s": mine["requests_per_s"], "http_p50_ms": mine["p50_ms"], "http_p99_ms": mine["p99_ms"],
        "http_errors": mine["errors"], "bare_requests_per_s": base["requests_per_s"], "bare_p99_ms": base["p99_ms"],
    }


if __name__ == "__main__":
    print(run(float(os.environ.get("BENCH_SECONDS", "10"))))
