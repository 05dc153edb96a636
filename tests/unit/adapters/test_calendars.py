"""The Chinese business calendar: adjusted workdays, fallbacks, loaded years."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from aftersales.adapters.calendars import PACKAGE_YEARS, ChineseCalendar, InvalidCalendar, YearData, for_pack
from aftersales.domain.timecalc import Duration, Unit, WeekdayCalendar, add

SH = ZoneInfo("Asia/Shanghai")
CN = ChineseCalendar()


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


def test_2026_agrees_day_by_day_with_the_holidays_package() -> None:
    other = holidays.country_holidays("CN", years=2026)
    day, disagreements = date(2026, 1, 1), []
    while day.year == 2026:
        if CN.is_workday(day) != other.is_working_day(day):
            disagreements.append(day.isoformat())
        day += timedelta(days=1)
    assert disagreements == []


def test_adjusted_workdays_count_and_holidays_do_not() -> None:
    assert CN.is_workday(date(2026, 1, 4))  # a Sunday worked for New Year (调休)
    assert not CN.is_workday(date(2026, 10, 1)) and not CN.is_workday(date(2026, 10, 7))
    # Escalated the day before National Day: the 2-business-day SLA skips the holiday week.
    two = Duration(2, Unit.BUSINESS_DAYS)
    assert add(at("2026-09-30T15:00:00+08:00"), two, SH, CN).at == at("2026-10-09T15:00:00+08:00")
    # Started on the Saturday before an adjusted Sunday: counting starts Sunday 00:00.
    one = Duration(1, Unit.BUSINESS_DAYS)
    assert add(at("2026-01-03T10:00:00+08:00"), one, SH, CN).at == at("2026-01-05T00:00:00+08:00")


def test_a_year_without_data_falls_back_to_weekdays_and_is_provisional() -> None:
    # The last year the installed package covers plus one, so a new release cannot turn this red.
    year = max(PACKAGE_YEARS) + 1
    assert not CN.covers(year)
    jan = [date(year, 1, d) for d in range(1, 32)]
    assert [CN.is_workday(d) for d in jan] == [WeekdayCalendar().is_workday(d) for d in jan]
    deadline = add(datetime(year - 1, 12, 30, 10, tzinfo=SH), Duration(3, Unit.BUSINESS_DAYS), SH, CN)
    assert deadline.provisional
    assert not add(datetime(year - 1, 12, 1, 10, tzinfo=SH), Duration(3, Unit.BUSINESS_DAYS), SH, CN).provisional


def test_a_loaded_year_is_used_and_covered() -> None:
    year = max(PACKAGE_YEARS) + 1
    monday, saturday = _first(year, 0), _first(year, 5)
    data = YearData.from_mapping({"year": year, "source": "国务院办公厅通知 (test)",
                                  "holidays": [monday.isoformat()], "workdays": [saturday.isoformat()]})
    cal = ChineseCalendar([data])
    assert cal.covers(year)
    assert not cal.is_workday(monday) and cal.is_workday(saturday)
    assert CN.is_workday(monday) and not CN.is_workday(saturday)  # without the data: plain weekdays
    assert not add(datetime(year, 2, 2, 10, tzinfo=SH), Duration(3, Unit.BUSINESS_DAYS), SH, cal).provisional


def _first(year: int, weekday: int) -> date:
    d = date(year, 1, 1)
    while d.weekday() != weekday:
        d += timedelta(days=1)
    return d


@pytest.mark.parametrize(("data", "message"), [
    ({"year": 2027, "holidays": [], "workdays": []}, "source"),
    ({"year": 2027, "source": "x", "holidays": ["2026-12-31"], "workdays": []}, "outside"),
    ({"year": 2027, "source": "x", "holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}, "both"),
    ({"year": 2027, "source": "x", "holidays": [], "workdays": ["2027-02-08"]}, "weekend"),
    ({"year": 2027, "source": "x", "holidays": ["2027-13-01"], "workdays": []}, "year, source"),
])
def test_a_bad_calendar_file_is_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidCalendar, match=message):
        YearData.from_mapping(data)


def test_packs_name_their_calendar(pack: object) -> None:
    assert pack.calendar == "cn"  # type: ignore[attr-defined]
    assert isinstance(for_pack("weekdays"), WeekdayCalendar)
    with pytest.raises(InvalidCalendar):
        for_pack("martian")
