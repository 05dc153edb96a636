"""Deadline arithmetic (DESIGN 3.3, "Time arithmetic").

Three clocks: natural hours, natural days, business days. Day boundaries are in
the pack's zone. A window is the half-open interval [start, deadline).
"""

from __future__ import annotations

import calendar as calendar_module
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from aftersales.domain.errors import InvalidPolicy


class Unit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    BUSINESS_DAYS = "business_days"
    YEARS = "years"


_UNIT_SUFFIX = {"h": Unit.HOURS, "d": Unit.DAYS, "bd": Unit.BUSINESS_DAYS, "y": Unit.YEARS}
_SUFFIX = {v: k for k, v in _UNIT_SUFFIX.items()}
_DURATION = re.compile(r"^\s*(\d+)\s*(h|d|bd|y)\s*$")


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> Duration:
        """``"24h"`` natural hours, ``"7d"`` natural days, ``"2bd"`` business days, ``"2y"`` years."""
        m = _DURATION.match(text)
        if m is None:
            raise InvalidPolicy(f"{text!r} is not a duration like 24h, 7d, 2bd or 2y")
        return cls(int(m.group(1)), _UNIT_SUFFIX[m.group(2)])

    def __str__(self) -> str:
        return f"{self.amount}{_SUFFIX[self.unit]}"

    def describe(self) -> tuple[str, str]:
        """(zh, en) wording that names the clock, e.g. ("48 小时", "48 hours")."""
        n = self.amount
        if self.unit is Unit.HOURS:
            return f"{n} 小时", f"{n} hour{'s' if n != 1 else ''}"
        if self.unit is Unit.DAYS:
            return f"{n} 天", f"{n} day{'s' if n != 1 else ''}"
        if self.unit is Unit.YEARS:
            return f"{n} 年", f"{n} year{'s' if n != 1 else ''}"
        return f"{n} 个工作日", f"{n} business day{'s' if n != 1 else ''}"


class BusinessCalendar(Protocol):
    """Which local dates are workdays. The Chinese calendar with its adjusted workdays
    (调休) implements this in a later issue; until then Monday to Friday does."""

    def is_workday(self, day: date) -> bool:
        """True when ``day`` is a working day."""
        ...

    def covers(self, year: int) -> bool:
        """True when the calendar has authoritative data for ``year``.

        A deadline computed through a year it does not cover is provisional."""
        ...


class WeekdayCalendar:
    """Monday to Friday are workdays, every year."""

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5

    def covers(self, year: int) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class Deadline:
    at: datetime
    provisional: bool = False


def next_local_midnight(instant: datetime, zone: ZoneInfo) -> datetime:
    """00:00 of the local day after ``instant``: where the 7-day window starts counting."""
    local = instant.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)


def add(start: datetime, duration: Duration, zone: ZoneInfo, calendar: BusinessCalendar) -> Deadline:
    """The deadline ``duration`` after ``start``.

    Natural days from a local 00:00 end at the local 00:00 N days later (so a
    day with a DST change is still one day); from any other instant they are
    N x 24 h. Business days end at the same local time on the Nth following
    workday, counted from 00:00 of the next workday when started on a day off.
    """
    if start.tzinfo is None:
        raise ValueError("deadline arithmetic needs an aware datetime")
    n = duration.amount
    if duration.unit is Unit.HOURS:
        return Deadline(start + timedelta(hours=n))
    local = start.astimezone(zone)
    if duration.unit is Unit.YEARS:
        # The same local date and time N years on; from 29 February, the last day of
        # February (the rule of EU Regulation 1182/71 art. 3 for periods in years).
        year = local.year + n
        last = calendar_module.monthrange(year, local.month)[1]
        end = local.replace(tzinfo=None).replace(year=year, day=min(local.day, last))
        return Deadline(datetime.combine(end.date(), end.time(), tzinfo=zone))
    if duration.unit is Unit.DAYS:
        if local.timetz().replace(tzinfo=None) == time(0):
            return Deadline(datetime.combine(local.date() + timedelta(days=n), time(0), tzinfo=zone))
        return Deadline(start + timedelta(days=n))
    day = local.date()
    clock = local.time()
    provisional = not calendar.covers(day.year)
    if not calendar.is_workday(day):
        day = _next_workday(day, calendar)
        clock = time(0)
        provisional = provisional or not calendar.covers(day.year)
    for _ in range(n):
        day = _next_workday(day, calendar)
        provisional = provisional or not calendar.covers(day.year)
    return Deadline(datetime.combine(day, clock, tzinfo=zone), provisional)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """Local 00:00 of ``day`` as a UTC instant: arithmetic between aware times of one zone is
    on the wall clock in Python, and a day with a DST change is not 24 hours long."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def business_seconds(start: datetime, end: datetime, zone: ZoneInfo, calendar: BusinessCalendar) -> int:
    """How much of [start, end) falls on workdays (whole local days, as business days count),
    in seconds: what a business-day clock has run between the two instants."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    day = start.astimezone(zone).date()
    while end > start:
        day_start, day_end = _midnight(day, zone), _midnight(day + timedelta(days=1), zone)
        if day_start >= end:
            break
        if calendar.is_workday(day):
            total += min(end, day_end) - max(start, day_start)
        day += timedelta(days=1)
    return int(total.total_seconds())


def add_business_seconds(start: datetime, seconds: int, zone: ZoneInfo, calendar: BusinessCalendar) -> Deadline:
    """The instant ``seconds`` of business time after ``start``: time on days off does not count,
    so a business-day clock given back after a pause ends inside business time (DESIGN 3.3)."""
    if start.tzinfo is None:
        raise ValueError("deadline arithmetic needs an aware datetime")
    left, cursor = timedelta(seconds=max(seconds, 0)), start.astimezone(UTC)
    day = start.astimezone(zone).date()
    provisional = not calendar.covers(day.year)
    for _ in range(366 * 5):
        day_end = _midnight(day + timedelta(days=1), zone)
        if calendar.is_workday(day):
            if left <= day_end - cursor:
                return Deadline((cursor + left).astimezone(zone), provisional)
            left -= day_end - cursor
        cursor, day = day_end, day + timedelta(days=1)
        provisional = provisional or not calendar.covers(day.year)
    raise ValueError(f"no end to {seconds} s of business time after {start}")


def _next_workday(day: date, calendar: BusinessCalendar) -> date:
    nxt = day + timedelta(days=1)
    # A calendar with no workday for a year is broken data; stop rather than loop forever.
    for _ in range(366):
        if calendar.is_workday(nxt):
            return nxt
        nxt += timedelta(days=1)
    raise ValueError(f"no workday in the year after {day}")


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
