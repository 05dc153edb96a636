"""Benchmark: webhook deliveries per second on PostgreSQL, by two `aftersales worker` processes
to a receiver on loopback that answers at once, beside the same run's raw outbox inserts (one
event and its delivery row per transaction through the same driver: the floor of writing an
event at all).

The events are written before the workers start, four to a case (a case's events go out one
after another), and the rate is counted from the first attempt to the last acknowledgement, so
process start-up is not in it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text
from tests.receiver import Receiver

from aftersales.adapters.db import tables as t
from aftersales.bootstrap import upgrade_database
from bench.queue import _postgres

EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "3000"))
PER_CASE = 4
BODY = '{"id":"%s","type":"case.opened","created_at":"2026-03-05T10:00:00+08:00","api_version":"v1","data":{}}'


def raw_outbox_inserts_per_s(url: str, seconds: float) -> float:
    engine = create_engine(url)
    now = datetime.now(UTC)
    n, start = 0, time.perf_counter()
    with engine.connect() as conn:
        while time.perf_counter() - start < seconds:
            with conn.begin():
                seq = conn.execute(insert(t.outbox).values(
                    id=f"evt_raw{n}", type="case.opened", case_id=f"raw{n // PER_CASE}", store_id="s1", created_at=now,
                    recorded_at=now, body=BODY % n).returning(t.outbox.c.seq)).scalar_one()
                conn.execute(insert(t.webhook_deliveries).values(
                    endpoint_id="we_bench_raw", event_seq=seq, case_id=f"raw{n // PER_CASE}", state="delivered",
                    attempts=0, next_at=now, first_at=now))
            n += 1
    rate = n / (time.perf_counter() - start)
    engine.dispose()
    return rate


def _endpoint(conn: Any, endpoint_id: str, url: str, now: datetime, enabled: bool) -> None:
    conn.execute(insert(t.webhook_endpoints).values(
        id=endpoint_id, url=url, store_id=None, events=None, description=None, generation=1, previous_until=None,
        enabled=enabled, disabled_reason=None, failing_since=None, created_by="bench", created_at=now, updated_at=now))


def _seed(url: str, receiver_url: str) -> None:
    engine = create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        _endpoint(conn, "we_bench_raw", "https://example.com/raw", now, enabled=False)
        _endpoint(conn, "we_bench", receiver_url, now, enabled=True)
        for first in range(0, EVENTS, 500):
            rows = [{"id": f"evt_b{i}", "type": "case.opened", "case_id": f"bench{i // PER_CASE}", "store_id": "s1",
                     "created_at": now, "recorded_at": now, "body": BODY % f"evt_b{i}"}
                    for i in range(first, min(first + 500, EVENTS))]
            seqs = conn.execute(insert(t.outbox).returning(t.outbox.c.seq, t.outbox.c.case_id), rows).all()
            conn.execute(insert(t.webhook_deliveries), [
                {"endpoint_id": "we_bench", "event_seq": s.seq, "case_id": s.case_id, "state": "pending",
                 "attempts": 0, "next_at": now, "first_at": now} for s in seqs])
    engine.dispose()


def deliveries_per_s(url: str) -> dict[str, float]:
    receiver = Receiver()
    _seed(url, receiver.url)
    env = {**os.environ, "AFTERSALES_DATABASE_URL": url, "AFTERSALES_WEBHOOK_ALLOW_PRIVATE": "1",
           "AFTERSALES_SECRET_KEY": "bench", "AFTERSALES_LOG_LEVEL": "WARNING"}
    workers = [subprocess.Popen([sys.executable, "-m", "aftersales.entrypoints.cli", "worker"], env=env)
               for _ in range(2)]
    engine = create_engine(url)
    d = t.webhook_deliveries.c
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                done = conn.execute(select(func.count()).where(d.endpoint_id == "we_bench", d.state == "delivered")
                                    ).scalar_one()
            if done >= EVENTS:
                break
            time.sleep(0.2)
    finally:
        for p in workers:
            p.send_signal(signal.SIGTERM)
        for p in workers:
            p.wait(timeout=30)
        receiver.close()
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(t.webhook_attempts.c.at), func.max(t.webhook_attempts.c.at))).one()
        tries = conn.execute(select(func.count()).select_from(t.webhook_attempts)).scalar_one()
        conn.execute(text("SELECT 1"))
    engine.dispose()
    seconds = max((last - first).total_seconds(), 1e-6)
    return {"webhook_deliveries_per_s": round(EVENTS / seconds, 1), "webhook_attempts": int(tries),
            "webhook_received": len(receiver.got)}


def run(seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {"webhook_events": EVENTS}
    with _postgres() as url:
        if url is None:
            return out
        upgrade_database(url)
        out.update(deliveries_per_s(url))
        out["raw_outbox_inserts_per_s"] = round(raw_outbox_inserts_per_s(url, seconds), 1)
        out["webhook_deliveries_over_raw_outbox_inserts"] = round(
            out["webhook_deliveries_per_s"] / out["raw_outbox_inserts_per_s"], 3)
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(float(os.environ.get("BENCH_SECONDS", "10"))), indent=2))
