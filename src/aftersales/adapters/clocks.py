"""Clocks: the system clock, a scenario's simulated clock, and the shared test clock.

With ``AFTERSALES_CLOCK=test`` the time lives in the database (DESIGN 3.6), so every
server and worker process reads the same one. Before it is first set it reads the
real time; it never moves by itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.engine import Database


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock a program moves by hand (scenarios, tests)."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def set(self, now: datetime) -> None:
        self.current = now


class DatabaseTestClock:
    """Reads the test clock the database keeps (set through ``SetTestClock``, in a transaction)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def now(self) -> datetime:
        with self.db.reading() as conn:
            stored: datetime | None = conn.execute(select(t.test_clock.c.now).where(t.test_clock.c.id == 1)).scalar()
        return stored or datetime.now(UTC)
