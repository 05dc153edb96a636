"""Business calendars behind the domain's ``BusinessCalendar`` port.

``ChineseCalendar`` answers from, in order: a year's official data loaded by an
operator (``aftersales calendar load FILE``, kept in the database), then the
``chinesecalendar`` package (holidays and adjusted workdays, 调休), then Monday to
Friday. A year answered by the last is not covered, so any deadline counted through
it is marked provisional: we never guess a holiday silently.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import chinese_calendar
from chinese_calendar import constants as cc_constants

from aftersales.domain.timecalc import BusinessCalendar, InvalidCalendar, WeekdayCalendar, YearData

__all__ = ["PACKAGE_YEARS", "ChineseCalendar", "InvalidCalendar", "YearData", "for_pack", "read_year"]

PACKAGE_YEARS = range(min(d.year for d in cc_constants.holidays), max(d.year for d in cc_constants.holidays) + 1)


def read_year(path: str | Path) -> YearData:
    """A year's calendar from a TOML file (year, source, holidays = [dates], workdays = [dates])."""
    with open(path, "rb") as f:
        return YearData.from_mapping(tomllib.load(f))


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
