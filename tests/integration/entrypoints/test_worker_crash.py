"""kill -9 a worker while it fires a batch of timers; after a restart every timer's
effect is there exactly once, and every refund was paid once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork
from aftersales.domain.model import CaseType
from tests.builders import T0, World, make_order

N = 150


def _progress(db: Database) -> tuple[int, int]:
    """(cases the timer has acted on, cases completed)."""
    with db.engine.connect() as conn:
        acted = conn.execute(select(func.count()).select_from(t.cases).where(t.cases.c.version >= 2)).scalar_one()
        done = conn.execute(select(func.count()).select_from(t.cases).where(t.cases.c.status == "completed")
                            ).scalar_one()
    return int(acted), int(done)


def _worker(db: Database, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "AFTERSALES_DATABASE_URL": db.url, "AFTERSALES_CLOCK": "test",
           "AFTERSALES_LEASE_SECONDS": "2", "AFTERSALES_SIM_GATEWAY_DELAY_MS": "3", "AFTERSALES_LOG_LEVEL": "WARNING"}
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "aftersales.entrypoints.cli", "worker"], env=env,
                                stdout=out, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_a_killed_worker_leaves_every_effect_exactly_once(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    w = World(SqlUnitOfWork(db))
    for i in range(N):
        w.order(make_order(f"k{i}", state="paid", paid=1000 + i))
        w.open(CaseType.REFUND_ONLY, "changed_mind", 1000 + i, order=f"k{i}")
    uow = SqlUnitOfWork(db)
    with uow.transaction():  # every seller's 24 h have run out
        uow.system.set_test_clock(T0 + timedelta(hours=25), datetime.now(UTC))

    proc = _worker(db, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        acted, _ = _progress(db)
        if acted >= N // 5 or proc.poll() is not None:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    acted_at_kill, done_at_kill = _progress(db)
    assert acted_at_kill > 0, "the worker never got going"
    assert done_at_kill < N, "the worker finished before it was killed; the test proved nothing"

    proc = _worker(db, log)
    try:
        deadline = time.monotonic() + 90
        while _progress(db)[1] < N and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert _progress(db)[1] == N, log.read_text()[-3000:]

    with db.engine.connect() as conn:
        events = conn.execute(
            select(t.case_events.c.case_id, t.case_events.c.action).order_by(t.case_events.c.case_id,
                                                                             t.case_events.c.seq)).all()
        ledger = {r.key: r for r in conn.execute(select(t.sim_gateway_ledger)).all()}
        cases = conn.execute(select(t.cases.c.id, t.cases.c.amount, t.cases.c.refunded, t.cases.c.status)).all()
        payouts = conn.execute(select(t.payouts.c.key, t.payouts.c.state, t.payouts.c.attempts)).all()
    per_case: dict[str, list[str]] = {}
    for case_id, action in events:
        per_case.setdefault(case_id, []).append(action)
    assert all(actions == ["open", "agree", "settle"] for actions in per_case.values()), per_case
    assert len(ledger) == N
    for c in cases:
        assert c.status == "completed" and c.refunded == c.amount
        assert ledger[f"{c.id}:goods"].amount == c.amount
    assert {p.state for p in payouts} == {"succeeded"}
    retried = sum(1 for r in ledger.values() if r.calls > 1)
    print(f"killed after {acted_at_kill}/{N} timers had acted; {retried} payments were asked for twice, paid once")
