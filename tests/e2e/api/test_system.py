"""The test clock and health: a clock set under an idempotency key answers and leaves writes
working; health fails when writes cannot proceed."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest

from tests.e2e.api.helpers import assert_problem
from tests.e2e.conftest import ADMIN, Api


def _within(seconds: float, fn: Any) -> Any:
    """``fn()``'s answer, or a failure if it has none in time (a hang must fail the test, not the suite)."""
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert out, f"no answer within {seconds} s"
    return out[0]


def test_setting_the_test_clock_with_an_idempotency_key_answers_and_writes_go_on(api: Api) -> None:
    def set_clock() -> Any:
        return api.client.post("/api/v1/test-clock", json={"now": "2026-03-05T09:00:00+08:00"},
                               headers={"Authorization": f"Bearer {ADMIN}", "Idempotency-Key": "clock-1"})

    r = _within(15, set_clock)
    assert r.status_code == 200 and r.json()["now"] == "2026-03-05T09:00:00+08:00"
    replay = _within(15, set_clock)
    assert replay.status_code == 200 and replay.headers["idempotent-replayed"] == "true"
    opened = _within(15, lambda: api.open())
    assert opened.status_code == 201
    assert _within(15, lambda: api.client.get("/healthz")).status_code == 200


def test_health_fails_while_no_write_can_begin(api: Api) -> None:
    if api.system.db is None or not api.system.db.is_sqlite:
        pytest.skip("a stuck writer is simulated with SQLite's own lock")
    assert api.client.get("/healthz").json() == {"status": "ok"}
    path = api.system.db.url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)  # another process's writer, stuck mid-transaction
    try:
        other.execute("BEGIN IMMEDIATE")
        r = _within(15, lambda: api.client.get("/healthz"))
        assert_problem(r, 503, "unavailable")
        assert r.headers["retry-after"]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert api.client.get("/healthz").status_code == 200
