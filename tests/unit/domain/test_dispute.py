"""A pause of the review as stored: what it kept of the SLA, and on which clock."""

from __future__ import annotations

from aftersales.domain.dispute import Pause
from aftersales.domain.model import Party
from tests.conftest import dt


def test_a_pause_keeps_business_time_and_one_stored_before_says_natural() -> None:
    pause = Pause("evidence", (Party.SELLER,), None, dt("2026-09-30T16:00:00+08:00"), dt("2026-10-02T16:00:00+08:00"),
                  42 * 3600)
    assert pause.clock == "business" and Pause.from_dict(pause.as_dict()) == pause
    stored = {k: v for k, v in pause.as_dict().items() if k != "clock"}  # as written before issue 13
    assert Pause.from_dict(stored).clock == "natural"
