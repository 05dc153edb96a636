"""The system's own settings in the database: the test clock, loaded calendar years."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, insert, select, update

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.domain.timecalc import YearData

_clock = t.test_clock.c


class SqlSystem(Repository):
    def test_clock(self) -> datetime | None:
        value: datetime | None = self.tx.conn.execute(select(_clock.now).where(_clock.id == 1)).scalar()
        return value

    def set_test_clock(self, now: datetime, at: datetime) -> None:
        if self.test_clock() is None:
            self.tx.conn.execute(insert(t.test_clock).values(id=1, now=now, set_at=at))
        else:
            self.tx.conn.execute(update(t.test_clock).where(_clock.id == 1).values(now=now, set_at=at))

    def put_calendar_year(self, year: YearData, at: datetime) -> None:
        y = t.calendar_years
        self.tx.conn.execute(delete(y).where(y.c.year == year.year))
        self.tx.conn.execute(insert(y).values(
            year=year.year, holidays=sorted(d.isoformat() for d in year.holidays),
            workdays=sorted(d.isoformat() for d in year.workdays), source=year.source, loaded_at=at))

    def calendar_years(self) -> list[YearData]:
        found = self.tx.conn.execute(select(t.calendar_years)).all()
        return [YearData(r.year, frozenset(date.fromisoformat(d) for d in r.holidays),
                         frozenset(date.fromisoformat(d) for d in r.workdays), r.source) for r in found]
