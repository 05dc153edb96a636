"""Clocks: the system clock, a scenario's simulated clock, and the shared test clock.

With ``AFTERSALES_CLOCK=test`` the time lives in the database (DESIGN 3.6), so every
server and worker process reads the same one. Before it is first set it reads the
real time; it never moves by itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.sql import Database


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


class ClockMovedBackwards(ValueError):
    """The test clock only moves forward once set."""


class DatabaseTestClock:
    def __init__(self, db: Database) -> None:
        self.db = db

    def stored(self) -> datetime | None:
        with self.db.engine.connect() as conn:
            conn.info["as_write"] = False
            with conn.begin():
                value: datetime | None = conn.execute(
                    select(t.test_clock.c.now).where(t.test_clock.c.id == 1)
                ).scalar()
        return value

    def now(self) -> datetime:
        return self.stored() or datetime.now(UTC)

    def set(self, now: datetime) -> datetime:
        """Set the clock; the first call may set any time, later ones only move it forward."""
        with self.db.write_lock, self.db.engine.connect() as conn:
            conn.info["as_write"] = True
            with conn.begin():
                cur = conn.execute(select(t.test_clock.c.now).where(t.test_clock.c.id == 1)).scalar()
                if cur is None:
                    conn.execute(insert(t.test_clock).values(id=1, now=now, set_at=datetime.now(UTC)))
                elif now < cur:
                    raise ClockMovedBackwards(f"the test clock is at {cur.isoformat()}; it only moves forward")
                else:
                    conn.execute(update(t.test_clock).where(t.test_clock.c.id == 1).values(
                        now=now, set_at=datetime.now(UTC)))
        return now
