from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from aftersales.domain.eligibility import LineFacts, LineHistory, Option, Verdict, assess, options
from aftersales.domain.model import CaseType, Category, Line, Order, Reason
from aftersales.domain.policy import Pack
from tests.conftest import dt

MIN = timedelta(minutes=1)
PAID = dt("2026-03-01T10:00:00+08:00")
SHIPPED = dt("2026-03-01T18:00:00+08:00")
DELIVERED = dt("2026-03-03T12:00:00+08:00")
COMPLETED = dt("2026-03-10T15:30:00+08:00")


def order(*, shipped: bool = True, delivered: bool = True, completed: bool = False,
          category: Category = Category.APPAREL, waived: bool = False) -> Order:
    return Order("o1", "s1", "b1", PAID, SHIPPED if shipped else None, DELIVERED if delivered else None,
                 COMPLETED if completed else None, 0, [Line("l1", "x", category, 1, 19900, no_reason_waived=waived)])


def ask(pack: Pack, o: Order, t: str, r: str, at: datetime, history: LineHistory | None = None) -> Option:
    return assess(LineFacts(o, o.lines[0], pack, history or LineHistory()), CaseType(t), Reason(r), at)


class TestInSale:
    def test_before_shipment_any_reason_may_ask_a_refund(self, pack: Pack) -> None:
        o = order(shipped=False, delivered=False)
        for reason in Reason:
            opt = ask(pack, o, "refund_only", reason, PAID + MIN)
            assert opt.allowed and opt.rule == "in_sale_unshipped" and opt.deadline is None
        assert not ask(pack, o, "return_refund", "no_reason", PAID + MIN).allowed

    def test_in_transit_any_reason_may_ask_a_refund_until_delivery(self, pack: Pack) -> None:
        o = order(delivered=False)
        assert ask(pack, o, "refund_only", "changed_mind", SHIPPED + MIN).rule == "in_sale_undelivered"

    def test_after_delivery_a_refund_without_return_needs_a_seller_fault(self, pack: Pack) -> None:
        o = order()
        opt = ask(pack, o, "refund_only", "changed_mind", DELIVERED + MIN)
        assert opt.verdict is Verdict.WINDOW_EXPIRED
        assert opt.deadline == DELIVERED
        assert ask(pack, o, "refund_only", "quality", DELIVERED + MIN).allowed

    def test_times_in_the_future_have_not_happened_yet(self, pack: Pack) -> None:
        # Asked before the recorded shipment, the order is still unshipped.
        assert ask(pack, order(), "refund_only", "changed_mind", SHIPPED - MIN).rule == "in_sale_unshipped"


class TestNoReasonWindow:
    DEADLINE = dt("2026-03-11T00:00:00+08:00")  # 00:00 of the day after delivery, plus 7 days

    def test_one_minute_inside_and_outside(self, pack: Pack) -> None:
        o = order()
        inside = ask(pack, o, "return_refund", "no_reason", self.DEADLINE - MIN)
        assert inside.allowed and inside.deadline == self.DEADLINE and inside.rule == "no_reason_7d"
        at_edge = ask(pack, o, "return_refund", "no_reason", self.DEADLINE)
        assert not at_edge.allowed and at_edge.verdict is Verdict.WINDOW_EXPIRED
        outside = ask(pack, o, "exchange", "size", self.DEADLINE + MIN)
        assert outside.verdict is Verdict.WINDOW_EXPIRED and outside.deadline == self.DEADLINE

    def test_the_day_of_delivery_is_inside(self, pack: Pack) -> None:
        assert ask(pack, order(), "return_refund", "no_reason", DELIVERED + MIN).allowed

    def test_not_before_delivery(self, pack: Pack) -> None:
        opt = ask(pack, order(delivered=False), "return_refund", "no_reason", SHIPPED + MIN)
        assert opt.verdict is Verdict.NOT_ELIGIBLE
        assert "delivery" in opt.explanation.en and "签收" in opt.explanation.zh

    def test_excluded_categories_never_have_it(self, pack: Pack) -> None:
        for cat in (Category.CUSTOM_MADE, Category.FRESH, Category.DIGITAL_DOWNLOAD, Category.PERIODICAL):
            opt = ask(pack, order(category=cat), "return_refund", "no_reason", DELIVERED + MIN)
            assert opt.verdict is Verdict.NOT_ELIGIBLE, cat
            assert "excluded" in opt.explanation.en and "第二十五条" in opt.explanation.zh

    def test_optional_categories_lose_it_only_where_the_buyer_waived_it(self, pack: Pack) -> None:
        for cat in (Category.INTIMATE_APPAREL, Category.FOOD, Category.COSMETICS):
            assert ask(pack, order(category=cat), "return_refund", "no_reason", DELIVERED + MIN).allowed
            waived = ask(pack, order(category=cat, waived=True), "return_refund", "no_reason", DELIVERED + MIN)
            assert waived.verdict is Verdict.NOT_ELIGIBLE
            assert "confirmed" in waived.explanation.en

    def test_a_seller_fault_is_not_capped_by_it(self, pack: Pack) -> None:
        assert ask(pack, order(), "return_refund", "quality", self.DEADLINE + timedelta(days=3)).allowed


class TestAfterSale:
    END = COMPLETED + timedelta(days=15)

    def test_fifteen_days_after_completion_one_minute_inside_and_outside(self, pack: Pack) -> None:
        o = order(completed=True)
        inside = ask(pack, o, "return_refund", "not_as_described", self.END - MIN)
        assert inside.allowed and inside.deadline == self.END and inside.rule == "seller_fault_general"
        outside = ask(pack, o, "return_refund", "not_as_described", self.END + MIN)
        assert outside.verdict is Verdict.WINDOW_EXPIRED and outside.deadline == self.END

    def test_before_completion_the_seller_fault_window_has_no_deadline_yet(self, pack: Pack) -> None:
        opt = ask(pack, order(), "refund_only", "damaged", DELIVERED + timedelta(days=20))
        assert opt.allowed and opt.deadline is None
        assert "15" in opt.explanation.en and "交易成功后" in opt.explanation.zh

    def test_repair_and_reship_only_for_their_reasons(self, pack: Pack) -> None:
        o = order()
        assert ask(pack, o, "repair", "quality", DELIVERED + MIN).allowed
        assert ask(pack, o, "reship", "missing_parts", DELIVERED + MIN).allowed
        assert ask(pack, o, "repair", "wrong_item", DELIVERED + MIN).verdict is Verdict.NOT_ELIGIBLE
        assert ask(pack, o, "reship", "quality", DELIVERED + MIN).rule == "no_rule"

    def test_counterfeit_has_ninety_days(self, pack: Pack) -> None:
        o = order(completed=True)
        assert ask(pack, o, "refund_only", "counterfeit", COMPLETED + timedelta(days=90) - MIN).allowed
        assert not ask(pack, o, "refund_only", "counterfeit", COMPLETED + timedelta(days=90) + MIN).allowed


class TestLineHistory:
    def test_an_open_case_closes_every_option(self, pack: Pack) -> None:
        opts = options(LineFacts(order(), order().lines[0], pack, LineHistory(open_case_id="c9")), DELIVERED + MIN)
        assert {o.rule for o in opts} == {"case_open"} and not any(o.allowed for o in opts)
        assert "c9" in opts[0].explanation.en and "c9" in opts[0].explanation.zh

    def test_one_after_sale_claim_per_line_a_withdrawn_one_counts(self, pack: Pack) -> None:
        o = order(completed=True)
        opts = options(LineFacts(o, o.lines[0], pack, LineHistory(after_sale_cases=1)), COMPLETED + MIN)
        assert {x.rule for x in opts} == {"attempts"}
        assert not any(x.allowed for x in opts)
        granted = LineHistory(after_sale_cases=1, reopen_grants=1)
        assert ask(pack, o, "return_refund", "quality", COMPLETED + MIN, granted).allowed

    def test_in_sale_cases_use_no_attempt(self, pack: Pack) -> None:
        o = order()
        assert ask(pack, o, "return_refund", "quality", DELIVERED + MIN, LineHistory(after_sale_cases=0)).allowed


def test_every_pair_is_answered_with_an_explanation_naming_its_source(pack: Pack) -> None:
    o = order()
    opts = options(LineFacts(o, o.lines[0], pack, LineHistory()), DELIVERED + MIN)
    assert len(opts) == len(CaseType) * len(Reason)
    for opt in opts:
        assert opt.explanation.zh and opt.explanation.en
        if opt.rule != "no_rule":
            assert "依据" in opt.explanation.zh and "Source" in opt.explanation.en


times = st.datetimes(min_value=datetime(2026, 2, 25), max_value=datetime(2026, 5, 1)).map(
    lambda d: d.replace(tzinfo=PAID.tzinfo))


@given(st.booleans(), st.booleans(), st.booleans(), st.sampled_from(list(Category)), st.booleans(), times)
def test_no_answer_is_allowed_past_its_deadline(shipped: bool, delivered: bool, completed: bool, cat: Category,
                                                waived: bool, at: datetime) -> None:
    from aftersales.adapters import packs

    pack = packs.load("taobao")
    o = order(shipped=shipped, delivered=delivered and shipped, completed=completed and delivered and shipped,
              category=cat, waived=waived)
    for opt in options(LineFacts(o, o.lines[0], pack, LineHistory()), at):
        if opt.allowed and opt.deadline is not None:
            assert at < opt.deadline, opt
        if opt.verdict is Verdict.WINDOW_EXPIRED:
            assert opt.deadline is not None and at >= opt.deadline, opt


class TestSanbao:
    """三包 quality claims: types narrowed by time since delivery, in every phase."""

    def _order(self, cat: Category, completed: bool = True) -> Order:
        return order(category=cat, completed=completed)

    def test_tiers_one_minute_either_side(self, pack: Pack) -> None:
        o = self._order(Category.SANBAO_DURABLE)
        d7, d15 = DELIVERED + timedelta(hours=168), DELIVERED + timedelta(hours=360)
        inside = ask(pack, o, "return_refund", "quality", d7 - MIN)
        assert inside.allowed and inside.deadline == d7 and inside.rule == "sanbao_durable_quality"
        assert ask(pack, o, "return_refund", "quality", d7 + MIN).verdict is Verdict.WINDOW_EXPIRED
        assert ask(pack, o, "refund_only", "quality", d7 + MIN).deadline == d7
        assert ask(pack, o, "exchange", "quality", d15 - MIN).allowed
        assert not ask(pack, o, "exchange", "quality", d15 + MIN).allowed
        repair = ask(pack, o, "repair", "quality", d15 + MIN)
        assert repair.allowed and repair.deadline == COMPLETED + timedelta(days=180)

    def test_the_whole_window_one_minute_either_side(self, pack: Pack) -> None:
        for cat, days in ((Category.SANBAO_DURABLE, 180), (Category.SANBAO_NONDURABLE, 90)):
            o = self._order(cat)
            end = COMPLETED + timedelta(days=days)
            assert ask(pack, o, "repair", "quality", end - MIN).allowed
            assert ask(pack, o, "repair", "quality", end + MIN).verdict is Verdict.WINDOW_EXPIRED

    def test_the_tiers_hold_before_completion_too(self, pack: Pack) -> None:
        o = self._order(Category.SANBAO_NONDURABLE, completed=False)
        late = DELIVERED + timedelta(days=20)
        assert not ask(pack, o, "return_refund", "quality", late).allowed
        assert ask(pack, o, "repair", "quality", late).deadline is None

    def test_other_seller_faults_keep_the_general_window(self, pack: Pack) -> None:
        o = self._order(Category.SANBAO_DURABLE)
        opt = ask(pack, o, "return_refund", "wrong_item", DELIVERED + timedelta(days=20))
        assert opt.allowed and opt.rule == "seller_fault_general"

    def test_ordinary_lines_are_not_narrowed(self, pack: Pack) -> None:
        opt = ask(pack, order(), "return_refund", "quality", DELIVERED + timedelta(days=20))
        assert opt.allowed and opt.rule == "seller_fault_general"


class TestVirtual:
    def _order(self, usage_days: int | None) -> Order:
        return Order("o1", "s1", "b1", PAID, None, None, COMPLETED, 0,
                     [Line("l1", "会员卡", Category.VIRTUAL, 1, 3000, usage_days=usage_days)])

    def test_fifteen_days_after_completion(self, pack: Pack) -> None:
        o = self._order(None)
        end = COMPLETED + timedelta(days=15)
        assert ask(pack, o, "refund_only", "not_received", end - MIN).allowed
        assert ask(pack, o, "refund_only", "not_received", end + MIN).verdict is Verdict.WINDOW_EXPIRED

    def test_or_the_usage_period_where_shorter(self, pack: Pack) -> None:
        o = self._order(3)
        end = COMPLETED + timedelta(days=3)
        opt = ask(pack, o, "refund_only", "not_received", end - MIN)
        assert opt.allowed and opt.deadline == end
        assert not ask(pack, o, "refund_only", "not_received", end + MIN).allowed
        assert ask(pack, self._order(30), "refund_only", "not_received", COMPLETED).deadline == (
            COMPLETED + timedelta(days=15))

    def test_virtual_lines_have_no_general_seller_fault_window(self, pack: Pack) -> None:
        opt = ask(pack, self._order(None), "return_refund", "quality", COMPLETED + MIN)
        assert opt.verdict is Verdict.NOT_ELIGIBLE and opt.rule == "seller_fault_general"

    def test_an_in_sale_window_ends_at_completion_even_unshipped(self, pack: Pack) -> None:
        o = self._order(None)
        assert ask(pack, o, "refund_only", "changed_mind", COMPLETED - MIN).allowed
        late = ask(pack, o, "refund_only", "changed_mind", COMPLETED + MIN)
        assert late.verdict is Verdict.WINDOW_EXPIRED and late.deadline == COMPLETED


class TestReopening:
    def test_a_reopened_line_allows_what_had_expired_until_the_grant_ends(self, pack: Pack) -> None:
        o = order(completed=True)
        late = COMPLETED + timedelta(days=20)
        until = late + timedelta(days=3)
        assert not ask(pack, o, "return_refund", "quality", late).allowed
        granted = LineHistory(after_sale_cases=1, reopen_grants=1, reopened_until=until)
        opt = ask(pack, o, "return_refund", "quality", late, granted)
        assert opt.allowed and opt.rule == "reopened" and opt.deadline == until
        assert "重新开放" in opt.explanation.zh and "reopened" in opt.explanation.en
        assert not ask(pack, o, "return_refund", "quality", until + MIN, granted).allowed
        assert not ask(pack, o, "return_refund", "no_reason", late, granted).allowed  # preference stays capped

    def test_reopening_does_not_make_eligible_what_never_was(self, pack: Pack) -> None:
        o = order(completed=True, category=Category.CUSTOM_MADE)
        granted = LineHistory(reopen_grants=1, reopened_until=COMPLETED + timedelta(days=30))
        assert ask(pack, o, "return_refund", "no_reason", COMPLETED + MIN, granted).verdict is Verdict.NOT_ELIGIBLE

    def test_a_reopened_sanbao_line_keeps_the_remedy_tiers(self, pack: Pack) -> None:
        # DESIGN 3.4: past 15 x 24 h from delivery, repair only, in every window a reopening revives.
        o = order(completed=True, category=Category.SANBAO_DURABLE)
        late = COMPLETED + timedelta(days=200)
        granted = LineHistory(after_sale_cases=1, reopen_grants=1, reopened_until=late + timedelta(days=15),
                              reopened_reason=Reason.QUALITY)
        assert ask(pack, o, "repair", "quality", late, granted).rule == "reopened"
        for t in ("refund_only", "return_refund", "exchange"):
            opt = ask(pack, o, t, "quality", late, granted)
            assert opt.verdict is Verdict.WINDOW_EXPIRED and opt.rule == "sanbao_durable_quality", t

    def test_a_reopening_is_for_the_reason_it_was_reviewed_on(self, pack: Pack) -> None:
        o = order(completed=True, category=Category.SANBAO_DURABLE)
        late = COMPLETED + timedelta(days=200)
        granted = LineHistory(after_sale_cases=1, reopen_grants=1, reopened_until=late + timedelta(days=15),
                              reopened_reason=Reason.QUALITY)
        assert not ask(pack, o, "refund_only", "not_as_described", late, granted).allowed
        anything = LineHistory(after_sale_cases=1, reopen_grants=1, reopened_until=late + timedelta(days=15))
        assert ask(pack, o, "refund_only", "not_as_described", late, anything).allowed  # an agent's own reopening


offsets = st.integers(min_value=0, max_value=40 * 24 * 60)  # minutes


@given(st.sampled_from(["taobao", "eu"]), st.sampled_from(list(Category)), offsets, offsets, offsets, offsets,
       st.sampled_from(["shipped_at", "delivered_at", "completed_at"]), st.integers(1, 20 * 24 * 60),
       st.one_of(st.none(), st.integers(0, 40)))
def test_deadlines_never_move_earlier_when_the_start_moves_later(
    pack_name: str, cat: Category, ship: int, deliver: int, complete: int, ask_after: int, moved: str, shift: int,
    usage: int | None,
) -> None:
    """For every rule and type: moving the event a window counts from later never makes it end earlier."""
    from aftersales.adapters import packs
    from aftersales.domain.eligibility import _limited, _window
    from aftersales.domain.timecalc import WeekdayCalendar

    pack = packs.load(pack_name)
    m = timedelta(minutes=1)
    shipped = PAID + ship * m
    delivered = shipped + deliver * m
    completed = delivered + complete * m
    events = {"shipped_at": shipped, "delivered_at": delivered, "completed_at": completed}
    later = dict(events)
    # Move one event, and those after it, later: the order keeps its sequence.
    keys = ["shipped_at", "delivered_at", "completed_at"]
    for k in keys[keys.index(moved):]:
        later[k] = events[k] + shift * m
    at = later["completed_at"] + ask_after * m
    line = Line("l1", "x", cat, 1, 19900, usage_days=usage)

    def make(ev: dict[str, datetime]) -> Order:
        return Order("o1", "s1", "b1", PAID, ev["shipped_at"], ev["delivered_at"], ev["completed_at"], 0, [line])

    early, late = make(events), make(later)
    cal = WeekdayCalendar()
    for rule in pack.eligibility:
        for t in rule.types:
            a = _limited(rule, t, _window(rule, early, line, at, pack, cal), early, at, pack, cal)
            b = _limited(rule, t, _window(rule, late, line, at, pack, cal), late, at, pack, cal)
            if a.deadline is not None and b.deadline is not None:
                assert b.deadline >= a.deadline, (rule.id, t, moved)
            if a.deadline is None and a.started:
                assert b.deadline is None, (rule.id, t)  # still open-ended: nothing closed it earlier
