"""Wire types: times are written with RFC 3339 offsets, text is what every engine stores alike."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from aftersales.entrypoints.schemas.types import Instant, Str, WireTime, display_zone, shown

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_time_is_shown_in_the_viewers_zone_with_a_whole_minute_offset() -> None:
    when = datetime(2026, 3, 6, 1, 0, tzinfo=UTC)
    assert shown(when, SHANGHAI).isoformat() == "2026-03-06T09:00:00+08:00"
    token = display_zone.set(ZoneInfo("Europe/Berlin"))
    try:
        assert shown(when, SHANGHAI).isoformat() == "2026-03-06T02:00:00+01:00"
    finally:
        display_zone.reset(token)


def test_a_local_mean_time_offset_is_never_written() -> None:
    """Before 1901 Shanghai kept local mean time, +08:05:43: no RFC 3339 offset. Say it in UTC."""
    old = datetime(1900, 1, 1, tzinfo=UTC)
    assert SHANGHAI.utcoffset(old.replace(tzinfo=None)).seconds % 60 != 0  # type: ignore[union-attr]
    written = TypeAdapter(WireTime).dump_python(shown(old, SHANGHAI), mode="json")
    assert written == "1900-01-01T00:00:00+00:00"


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+08:00", "1969-12-31T23:59:59+00:00",
                                  "3000-01-01T00:00:00+00:00", "9999-12-31T23:59:59-12:00"])
def test_times_outside_the_counted_calendar_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="between 1970"):
        TypeAdapter(Instant).validate_python(text)


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_text_no_engine_stores_alike_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Str).validate_python(text)
    assert TypeAdapter(Str).validate_python("羊毛衫 wool") == "羊毛衫 wool"
