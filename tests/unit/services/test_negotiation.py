"""The negotiation (协商): a seller's counter-offer, the buyer's answer, an offer that lapses,
and the system's account of each change in the thread, through the services on the fake."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.domain import errors
from aftersales.domain.model import Actor, CaseType, Role, Status
from aftersales.domain.transitions import allowed_actions
from aftersales.services import commands as cmd
from aftersales.services import queries as q
from tests.builders import World
from tests.fakes import FakeUnitOfWork

H, D = timedelta(hours=1), timedelta(days=1)
S = Status
BUYER, SELLER = Actor(Role.BUYER, "b1"), Actor(Role.SELLER, "s1")


def thread(w: World, case_id: str, actor: Actor = BUYER) -> list[tuple[str, str, str | None]]:
    page = w(q.CaseMessages(actor=actor, case_id=case_id))
    return [(m.kind, m.text, m.text_zh) for m in page.items]


def payouts(w: World) -> list[tuple[str, int]]:
    uow = w.uow
    assert isinstance(uow, FakeUnitOfWork)
    return [(p["kind"], p["amount"]) for p in uow.data.payouts.values()]


def test_a_partial_refund_without_return_accepted_goes_on_as_that_refund(w: World) -> None:
    c = w.open(CaseType.RETURN_REFUND, "quality", 19900)
    w.now += H
    offered = w.act(c, "counter_offer", type="refund_only", amount=5000, note="补偿 50 元,不用退货")
    assert offered.status is S.AWAITING_SELLER and offered.deadline == c.deadline  # the clock runs on
    assert offered.offer is not None and (offered.offer.type, offered.offer.amount) == (CaseType.REFUND_ONLY, 5000)
    assert "accept_offer" in allowed_actions(offered, Role.BUYER)
    accepted = w.act(c, "accept_offer")
    assert (accepted.status, accepted.type, accepted.amount, accepted.offer) == (
        S.REFUNDING, CaseType.REFUND_ONLY, 5000, None)
    assert accepted.freight is not None and accepted.freight.return_leg is None  # nothing goes back
    w.advance(H)
    assert w.get(c).status is S.COMPLETED and w.get(c).refunded == 5000
    assert ("goods", 5000) in payouts(w)


def test_an_exchange_offered_instead_of_a_return_sends_the_buyer_the_store_address(w: World) -> None:
    c = w.open(CaseType.RETURN_REFUND, "quality", 19900)
    w.act(c, "counter_offer", type="exchange", note="换一件新的")
    accepted = w.act(c, "accept_offer")
    assert (accepted.status, accepted.type, accepted.amount) == (S.AWAITING_RETURN, CaseType.EXCHANGE, 0)
    assert accepted.return_address


def test_a_declined_offer_changes_nothing_and_the_seller_may_offer_again(w: World) -> None:
    c = w.open(CaseType.RETURN_REFUND, "quality", 19900)
    w.act(c, "counter_offer", amount=10000)
    declined = w.act(c, "decline_offer")
    assert (declined.status, declined.amount, declined.offer, declined.deadline, declined.entry) == (
        S.AWAITING_SELLER, 19900, None, c.deadline, c.entry)
    assert "accept_offer" not in allowed_actions(declined, Role.BUYER)
    with pytest.raises(errors.IllegalTransition):
        w.act(c, "accept_offer")
    again = w.act(c, "counter_offer", amount=15000)
    assert again.offer is not None and again.offer.amount == 15000
    # Silence still agrees to the request as made: the offer lapses with the seller's deadline.
    w.advance(48 * H)
    after = w.get(c)
    assert (after.status, after.amount, after.offer) == (S.AWAITING_RETURN, 19900, None)


def test_an_offer_lapses_when_its_status_deadline_acts(w: World) -> None:
    c = w.act(w.open(CaseType.RETURN_REFUND, "quality", 19900), "refuse", reason="not_as_claimed")
    w.act(c, "counter_offer", amount=8000, note="可以退 80 元")
    w.advance(5 * D)
    closed = w.get(c)
    assert closed.status is S.CLOSED and closed.offer is None
    uow = w.uow
    assert isinstance(uow, FakeUnitOfWork)
    last = uow.cases.events(c.id)[-1]
    assert last.action == "close" and "offer_lapsed" in last.data
    assert thread(w, c.id)[-1] == ("system", "Nobody acted in time; the case is closed; the seller's offer lapsed. "
                                   "Now: closed.", "超时未处理,售后关闭;卖家的协商方案已失效。当前:售后关闭。")


def test_any_other_action_lets_the_offer_lapse(w: World) -> None:
    c = w.act(w.open(CaseType.RETURN_REFUND, "quality", 19900), "refuse", reason="not_as_claimed")
    w.act(c, "counter_offer", amount=8000)
    escalated = w.act(c, "escalate")
    assert escalated.status is S.PLATFORM_REVIEW and escalated.offer is None


def test_after_inspecting_the_return_a_seller_offers_less_and_silence_pays_in_full(w: World) -> None:
    c = w.act(w.open(CaseType.RETURN_REFUND, "quality", 19900), "agree")
    c = w.act(c, "ship_return", carrier="SF", tracking_no="1")
    with pytest.raises(errors.ValidationFailed):  # the goods are back: keeping them is not on offer
        w.act(c, "counter_offer", type="refund_only", amount=5000)
    w.act(c, "counter_offer", amount=15000, note="吊牌已剪")
    w.advance(10 * D)
    after = w.get(c)
    assert after.status is S.COMPLETED and after.refunded == 19900


def test_a_partial_refund_accepted_at_receipt_refunds_that_much(w: World) -> None:
    c = w.act(w.open(CaseType.EXCHANGE, "quality", None), "agree")
    c = w.act(c, "ship_return", carrier="SF", tracking_no="1")
    w.act(c, "counter_offer", type="return_refund", amount=15000)
    accepted = w.act(c, "accept_offer")
    assert (accepted.status, accepted.type, accepted.amount) == (S.REFUNDING, CaseType.RETURN_REFUND, 15000)


def test_offers_are_checked_like_requests(w: World) -> None:
    c = w.open(CaseType.RETURN_REFUND, "quality", 19900)
    with pytest.raises(errors.ValidationFailed):
        w.act(c, "counter_offer", amount=19900)  # the request itself: agree instead
    with pytest.raises(errors.AmountExceedsPaid):
        w.act(c, "counter_offer", amount=10**9)
    with pytest.raises(errors.ValidationFailed):
        w.act(c, "counter_offer", type="refund_only")  # a refund needs its amount
    with pytest.raises(errors.Forbidden):
        w.act(c, "counter_offer", "buyer:b1", amount=100)
    w.act(c, "counter_offer", amount=100)
    with pytest.raises(errors.Forbidden):
        w.act(c, "accept_offer", "seller:s1")
    with pytest.raises(errors.NotFound):  # another buyer's case does not exist for them
        w.act(c, "accept_offer", "buyer:b2")
    with pytest.raises(errors.NotFound):
        w.act(c, "counter_offer", "seller:s2", amount=100)


def test_the_thread_tells_every_change_in_both_languages_and_notes_stay_with_the_platform(w: World) -> None:
    c = w.open(CaseType.RETURN_REFUND, "quality", 19900)
    w(cmd.PostMessage(actor=BUYER, case_id=c.id, text="屏幕有划痕"))
    w.act(c, "counter_offer", amount=5000, note="补偿 50")
    w.act(c, "decline_offer")
    w.act(c, "agree")
    kinds = [(k, en) for k, en, _ in thread(w, c.id)]
    assert kinds == [
        ("system", "The buyer asked for return and refund ¥199.00. Now: waiting for the seller."),
        ("party", "屏幕有划痕"),
        ("system", "The seller offered other terms: return and refund ¥50.00."),
        ("system", "The buyer declined the seller's offer."),
        ("system", "The seller agreed to the request. Now: waiting for the buyer to send the goods back."),
    ]
    assert thread(w, c.id)[0][2] == "买家申请退货退款 ¥199.00。当前:等待卖家处理。"
    assert thread(w, c.id, SELLER) == thread(w, c.id)
