from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.timecalc import (
    Duration,
    Unit,
    WeekdayCalendar,
    add,
    add_business_seconds,
    business_seconds,
    next_local_midnight,
)

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
CAL = WeekdayCalendar()


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


def test_durations_name_their_clock() -> None:
    assert Duration.parse("24h") == Duration(24, Unit.HOURS)
    assert Duration.parse("7d") == Duration(7, Unit.DAYS)
    assert Duration.parse("2bd") == Duration(2, Unit.BUSINESS_DAYS)
    assert Duration.parse("2bd").describe() == ("2 个工作日", "2 business days")
    with pytest.raises(InvalidPolicy):
        Duration.parse("2 weeks")


def test_hours_are_elapsed_time() -> None:
    assert add(at("2026-03-04T09:00:00+08:00"), Duration(48, Unit.HOURS), SH, CAL).at == at("2026-03-06T09:00:00+08:00")


def test_days_from_local_midnight_end_at_local_midnight() -> None:
    start = next_local_midnight(at("2026-03-03T12:00:00+08:00"), SH)
    assert start == at("2026-03-04T00:00:00+08:00")
    assert add(start, Duration(7, Unit.DAYS), SH, CAL).at == at("2026-03-11T00:00:00+08:00")


def test_days_from_midnight_survive_a_dst_change() -> None:
    # Berlin springs forward on 2026-03-29: that day has 23 hours, the window still ends at 00:00.
    start = at("2026-03-25T00:00:00+01:00")
    end = add(start, Duration(14, Unit.DAYS), BERLIN, CAL).at
    assert end.astimezone(BERLIN).isoformat() == "2026-04-08T00:00:00+02:00"
    assert end - start == timedelta(days=14, hours=-1)


def test_days_from_another_instant_are_24_hour_multiples() -> None:
    start = at("2026-03-27T15:30:00+01:00")
    assert add(start, Duration(5, Unit.DAYS), BERLIN, CAL).at - start == timedelta(days=5)


def test_years_end_on_the_same_local_date() -> None:
    two = Duration.parse("2y")
    assert str(two) == "2y" and two.describe() == ("2 年", "2 years")
    assert add(at("2026-03-03T12:00:00+01:00"), two, BERLIN, CAL).at == at("2028-03-03T12:00:00+01:00")
    # From 29 February to the last day of February.
    assert add(at("2028-02-29T09:00:00+01:00"), Duration(1, Unit.YEARS), BERLIN, CAL).at == at(
        "2029-02-28T09:00:00+01:00")
    # Local wall time is kept across the DST change.
    assert add(at("2026-07-01T10:00:00+02:00"), Duration(1, Unit.YEARS), BERLIN, CAL).at.astimezone(
        BERLIN).hour == 10


def test_business_days_end_at_the_same_local_time() -> None:
    # Tuesday 14:00 + 2 business days = Thursday 14:00; Friday 10:00 + 1 = Monday 10:00.
    assert add(at("2026-03-03T14:00:00+08:00"), Duration(2, Unit.BUSINESS_DAYS), SH, CAL).at == at(
        "2026-03-05T14:00:00+08:00")
    assert add(at("2026-03-06T10:00:00+08:00"), Duration(1, Unit.BUSINESS_DAYS), SH, CAL).at == at(
        "2026-03-09T10:00:00+08:00")


def test_business_days_started_on_a_day_off_count_from_the_next_workday() -> None:
    # Saturday 10:00: counting starts Monday 00:00, so 2 business days end Wednesday 00:00.
    assert add(at("2026-03-07T10:00:00+08:00"), Duration(2, Unit.BUSINESS_DAYS), SH, CAL).at == at(
        "2026-03-11T00:00:00+08:00")


def test_business_days_use_the_local_date_not_utc() -> None:
    # 2026-03-09 01:00 in Shanghai is still Sunday in UTC; it is a Monday here.
    monday_early = at("2026-03-09T01:00:00+08:00")
    assert add(monday_early, Duration(1, Unit.BUSINESS_DAYS), SH, CAL).at == at("2026-03-10T01:00:00+08:00")


class NoYear:
    """A calendar that has no data for 2027."""

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5

    def covers(self, year: int) -> bool:
        return year != 2027


def test_a_deadline_through_a_year_without_data_is_provisional() -> None:
    d = add(at("2026-12-30T10:00:00+08:00"), Duration(3, Unit.BUSINESS_DAYS), SH, NoYear())
    assert d.provisional
    assert not add(at("2026-12-01T10:00:00+08:00"), Duration(3, Unit.BUSINESS_DAYS), SH, NoYear()).provisional


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add(datetime(2026, 3, 4, 9), Duration(1, Unit.HOURS), SH, CAL)


instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))
durations = st.builds(Duration, st.integers(0, 400), st.sampled_from(list(Unit))).filter(
    lambda d: d.unit is not Unit.YEARS or d.amount <= 5)


@given(instants, instants, durations, st.sampled_from([SH, BERLIN]))
def test_deadlines_never_move_earlier_when_the_start_moves_later(a: datetime, b: datetime, d: Duration,
                                                                  zone: ZoneInfo) -> None:
    early, late = sorted((a, b))
    assert add(early, d, zone, CAL).at <= add(late, d, zone, CAL).at


@given(instants, durations, st.sampled_from([SH, BERLIN]))
def test_a_deadline_is_never_before_its_start(a: datetime, d: Duration, zone: ZoneInfo) -> None:
    assert add(a, d, zone, CAL).at >= a


# --- business time: what a business-day clock has run, and where what is left of it ends ---

def test_business_time_counts_only_workdays() -> None:
    # Thursday 12:00 to Monday 10:00: 12 h on Thursday, 24 on Friday, none at the weekend, 10 on Monday.
    assert business_seconds(at("2026-03-05T12:00:00+08:00"), at("2026-03-09T10:00:00+08:00"), SH, CAL) == 46 * 3600
    assert business_seconds(at("2026-03-07T12:00:00+08:00"), at("2026-03-08T12:00:00+08:00"), SH, CAL) == 0
    assert business_seconds(at("2026-03-09T10:00:00+08:00"), at("2026-03-05T12:00:00+08:00"), SH, CAL) == 0


def test_business_time_left_ends_on_a_workday() -> None:
    # Issue 13 point 4: 46 h given back on Saturday count from Monday 00:00.
    end = add_business_seconds(at("2026-03-07T12:00:00+08:00"), 46 * 3600, SH, CAL)
    assert end.at == at("2026-03-10T22:00:00+08:00") and not end.provisional
    assert add_business_seconds(at("2026-03-09T10:00:00+08:00"), 3600, SH, CAL).at == at("2026-03-09T11:00:00+08:00")


def test_business_time_through_a_year_without_data_is_provisional() -> None:
    class Covers2026(WeekdayCalendar):
        def covers(self, year: int) -> bool:
            return year == 2026

    assert add_business_seconds(at("2026-12-31T12:00:00+08:00"), 20 * 3600, SH, Covers2026()).provisional


@given(instants, st.integers(0, 30 * 24 * 3600), st.sampled_from([SH, BERLIN]))
def test_business_time_given_back_is_the_time_that_was_left(a: datetime, seconds: int, zone: ZoneInfo) -> None:
    end = add_business_seconds(a, seconds, zone, CAL).at
    assert end >= a
    assert business_seconds(a, end, zone, CAL) == seconds
    # Time left is spent on workdays: unless nothing was left, the end is within one (or its midnight).
    local = (end - timedelta(microseconds=1)).astimezone(zone)
    assert seconds == 0 or CAL.is_workday(local.date())


def test_business_time_is_elapsed_time_on_a_day_with_a_dst_change() -> None:
    # 29 March 2026 is a Sunday in Berlin; 30 October 2022 was a Sunday too. A Monday-to-Friday
    # calendar never counts them, so take a calendar whose workdays are every day.
    class Every(WeekdayCalendar):
        def is_workday(self, day: date) -> bool:
            return True

    day = business_seconds(at("2026-03-29T00:00:00+01:00"), at("2026-03-30T00:00:00+02:00"), BERLIN, Every())
    assert day == 23 * 3600
    assert add_business_seconds(at("2026-03-29T00:00:00+01:00"), 23 * 3600, BERLIN, Every()).at == at(
        "2026-03-30T00:00:00+02:00")
