"""Order facts one at a time: whatever order they arrive in, the order ends the same; a repeat
changes nothing; a time that contradicts what is known is refused, leaving the order as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.domain import errors, order_facts
from aftersales.domain.model import Category, Line, Order

PAID = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def _order() -> Order:
    return Order("o1", "s1", "b1", PAID, None, None, None, 0, [Line("l1", "羊毛衫", Category.APPAREL, 1, 19900)])


@given(gaps=st.lists(st.integers(min_value=0, max_value=72), min_size=3, max_size=3), order=st.permutations(
    ["shipped", "delivered", "completed"]))
def test_the_facts_in_any_order_make_the_same_order(gaps: list[int], order: list[str]) -> None:
    times, at = {}, PAID
    for kind, gap in zip(("shipped", "delivered", "completed"), gaps, strict=True):
        at += timedelta(hours=gap)
        times[kind] = at
    current = _order()
    for kind in order:
        current = order_facts.apply(current, kind, times[kind]) or current
        assert order_facts.apply(current, kind, times[kind]) is None  # a repeat changes nothing
    assert (current.shipped_at, current.delivered_at, current.completed_at) == tuple(times.values())


def test_a_contradiction_names_what_is_known_and_changes_nothing() -> None:
    delivered = order_facts.apply(_order(), "delivered", PAID + timedelta(days=2))
    assert delivered is not None
    with pytest.raises(errors.OrderEventConflict) as refused:
        order_facts.apply(delivered, "shipped", PAID + timedelta(days=3))
    assert refused.value.extra["known"]["delivered"] == (PAID + timedelta(days=2)).isoformat()
    assert delivered.shipped_at is None
    for kind, at in (("delivered", PAID + timedelta(days=1)), ("shipped", PAID - timedelta(hours=1)),
                     ("cancelled", PAID + timedelta(hours=1))):
        with pytest.raises(errors.OrderEventConflict):
            order_facts.apply(delivered, kind, at)


def test_a_cancelled_order_takes_no_progress() -> None:
    cancelled = order_facts.apply(_order(), "cancelled", PAID + timedelta(hours=1))
    assert cancelled is not None and cancelled.cancelled(PAID + timedelta(hours=2))
    with pytest.raises(errors.OrderEventConflict):
        order_facts.apply(cancelled, "shipped", PAID + timedelta(hours=2))
