"""Who pays each shipping leg (DESIGN 3.5), decided from the case, the order and the pack alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aftersales.domain import freight
from aftersales.domain.model import (
    Case,
    CaseType,
    Category,
    Line,
    Order,
    Party,
    Phase,
    Reason,
    Ruling,
    RulingOutcome,
    Shipment,
    Status,
)
from aftersales.domain.policy import Pack
from tests.conftest import dt

SHIPPED = dt("2026-03-01T18:00:00+08:00")
OPENED = dt("2026-03-04T10:00:00+08:00")


def order(*, fee: int = 0, threshold: int | None = None, paid: tuple[int, ...] = (1500, 2500, 8000)) -> Order:
    lines = [Line(f"l{i}", "x", Category.GENERAL, 1, p) for i, p in enumerate(paid, 1)]
    return Order("o1", "s1", "b1", SHIPPED, SHIPPED, dt("2026-03-03T12:00:00+08:00"), None, fee, lines, threshold)


def case(t: CaseType = CaseType.RETURN_REFUND, r: Reason = Reason.SIZE, amount: int = 2500, line: str = "l2") -> Case:
    return Case("c1", "o1", line, "s1", "b1", t, r, Status.AWAITING_SELLER, Phase.IN_SALE, amount, 0, amount, OPENED,
                OPENED)


def test_a_partial_return_breaks_free_shipping_counting_refunds_on_other_lines(pack: Pack) -> None:
    o = order(threshold=8800)  # 120.00 paid, free shipping from 88.00
    alone = freight.settle(case(), o, pack)
    assert (alone.outbound_leg, alone.rule) == (Party.SELLER, "buyer_preference")  # 95.00 would stay paid
    after_refund = freight.settle(case(), o, pack, order_refunded_elsewhere=1500)
    assert (after_refund.outbound_leg, after_refund.rule) == (Party.BUYER, "buyer_preference_breaks_free_shipping")


def test_a_full_return_of_everything_paid_breaks_nothing(pack: Pack) -> None:
    f = freight.settle(case(amount=8000, line="l3"), order(threshold=8800), pack, order_refunded_elsewhere=4000)
    assert (f.outbound_leg, f.rule) == (Party.SELLER, "buyer_preference")


def test_no_free_shipping_means_the_buyer_keeps_the_outbound_fee(pack: Pack) -> None:
    f = freight.settle(case(), order(fee=1000), pack)
    assert (f.return_leg, f.outbound_leg, f.rule) == (Party.BUYER, Party.BUYER, "buyer_preference_not_free_shipping")


@pytest.mark.parametrize("reason", [Reason.QUALITY, Reason.COUNTERFEIT, Reason.NOT_RECEIVED])
def test_the_seller_bears_every_leg_of_its_fault_and_pays_the_return_back_capped(pack: Pack, reason: Reason) -> None:
    shipped_back = replace(case(CaseType.EXCHANGE, reason, 0), return_shipment=Shipment("SF", "1", 4500, OPENED))
    f = freight.settle(shipped_back, order(fee=1000), pack)
    assert (f.return_leg, f.outbound_leg, f.replacement_leg) == (Party.SELLER, None, Party.SELLER)
    assert f.compensation == pack.compensation_cap == 3000


@pytest.mark.parametrize("fault", [Party.SELLER, None])
def test_a_refund_ruled_without_a_return_has_no_return_leg(pack: Pack, fault: Party | None) -> None:
    # Issue 13 point 5: DESIGN 3.5, a leg is null where the case has no such leg.
    ruling = Ruling(RulingOutcome.REFUND, 2500, fault, None, "a", OPENED)
    f = freight.settle(replace(case(r=Reason.QUALITY), ruling=ruling), order(), pack)
    assert (f.return_leg, f.outbound_leg, f.compensation) == (None, Party.SELLER, 0)
    sent_back = replace(case(r=Reason.QUALITY), ruling=ruling, return_shipment=Shipment("SF", "SF1", 1200, OPENED))
    assert freight.settle(sent_back, order(), pack).return_leg is Party.SELLER


def test_a_rulings_fault_decides_every_leg(pack: Pack) -> None:
    ruled = replace(case(r=Reason.QUALITY), ruling=Ruling(RulingOutcome.REJECT, None, Party.BUYER, None, "a", OPENED))
    f = freight.settle(ruled, order(), pack)
    assert (f.return_leg, f.outbound_leg, f.rule) == (Party.BUYER, Party.BUYER, "ruling_fault")
