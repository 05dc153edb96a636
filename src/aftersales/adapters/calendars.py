"""Business calendars behind the domain's ``BusinessCalendar`` port.

``ChineseCalendar`` answers from, in order: a year's official data loaded by an
operator (``aftersales calendar load FILE``, kept in the database), then the
``chinesecalendar`` package (holidays and adjusted workdays, 调休), then Monday to
Friday. A year answered by the last is not covered, so any deadline counted through
it is marked provisional: we never guess a holiday silently.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import chinese_calendar
from chinese_calendar import constants as cc_constants
from sqlalchemy import delete, insert, select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.sql import Database
from aftersales.domain.timecalc import BusinessCalendar, WeekdayCalendar

PACKAGE_YEARS = range(min(d.year for d in cc_constants.holidays), max(d.year for d in cc_constants.holidays) + 1)


class InvalidCalendar(ValueError):
    """A year's calendar file does not have the expected shape."""


@dataclass(frozen=True)
class YearData:
    """One year's official days off and adjusted workdays (weekend days worked, 调休)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> YearData:
        try:
            year = int(data["year"])
            holidays = frozenset(date.fromisoformat(str(d)) for d in data.get("holidays", []))
            workdays = frozenset(date.fromisoformat(str(d)) for d in data.get("workdays", []))
            source = str(data["source"])
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidCalendar(f"a calendar year needs year, source, holidays and workdays: {exc}") from exc
        if not source.strip():
            raise InvalidCalendar("source must say where the days come from (the State Council notice)")
        stray = sorted(d.isoformat() for d in holidays | workdays if d.year != year)
        if stray:
            raise InvalidCalendar(f"dates outside {year}: {', '.join(stray)}")
        both = sorted(d.isoformat() for d in holidays & workdays)
        if both:
            raise InvalidCalendar(f"a day cannot be both a holiday and a workday: {', '.join(both)}")
        weekday_workdays = sorted(d.isoformat() for d in workdays if d.weekday() < 5)
        if weekday_workdays:
            raise InvalidCalendar(
                f"adjusted workdays are weekend days; these are weekdays: {', '.join(weekday_workdays)}"
            )
        return cls(year, holidays, workdays, source)

    @classmethod
    def from_file(cls, path: str | Path) -> YearData:
        with open(path, "rb") as f:
            return cls.from_mapping(tomllib.load(f))


class ChineseCalendar:
    def __init__(self, loaded: Iterable[YearData] = ()) -> None:
        self.loaded = {y.year: y for y in loaded}
        self._fallback = WeekdayCalendar()

    def is_workday(self, day: date) -> bool:
        year = self.loaded.get(day.year)
        if year is not None:
            if day in year.holidays:
                return False
            return day in year.workdays or day.weekday() < 5
        if day.year in PACKAGE_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return self._fallback.is_workday(day)

    def covers(self, year: int) -> bool:
        return year in self.loaded or year in PACKAGE_YEARS


CALENDARS = ("cn", "weekdays")


def for_pack(kind: str, loaded: Iterable[YearData] = ()) -> BusinessCalendar:
    """The calendar a pack names (its ``calendar`` field): data, not a branch on the pack."""
    if kind == "cn":
        return ChineseCalendar(loaded)
    if kind == "weekdays":
        return WeekdayCalendar()
    raise InvalidCalendar(f"unknown calendar {kind!r}; known: {', '.join(CALENDARS)}")


def load_years(db: Database) -> list[YearData]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(t.calendar_years)).all()
    return [YearData(r.year, frozenset(date.fromisoformat(d) for d in r.holidays),
                     frozenset(date.fromisoformat(d) for d in r.workdays), r.source) for r in rows]


def store_year(db: Database, year: YearData) -> None:
    with db.write_lock, db.engine.connect() as conn:
        conn.info["as_write"] = True
        with conn.begin():
            conn.execute(delete(t.calendar_years).where(t.calendar_years.c.year == year.year))
            conn.execute(insert(t.calendar_years).values(
                year=year.year, holidays=sorted(d.isoformat() for d in year.holidays),
                workdays=sorted(d.isoformat() for d in year.workdays), source=year.source,
                loaded_at=datetime.now(UTC)))
