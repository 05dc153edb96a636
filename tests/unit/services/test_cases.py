"""The case engine through the services, on the in-memory fake: every transition of
DESIGN 3.2, every timeout of DESIGN 3.3, and the guards, in milliseconds."""

from __future__ import annotations

import contextlib
import itertools
from datetime import timedelta

import pytest

from aftersales.domain import case as engine
from aftersales.domain import errors
from aftersales.domain.inputs import Context, Params
from aftersales.domain.model import Actor, Case, CaseType, Category, Line, Party, Role, Status
from aftersales.domain.transitions import TRANSITIONS
from aftersales.services import commands as cmd
from tests import files
from tests.builders import STORE, T0, World, make_order
from tests.fakes import FakeUnitOfWork

H, D = timedelta(hours=1), timedelta(days=1)
S = Status


def events(w: World, case: Case) -> list[tuple[str, str | None, str]]:
    uow = w.uow
    assert isinstance(uow, FakeUnitOfWork)
    return [(e.action, e.from_status and e.from_status.value, e.to_status.value)
            for e in uow.cases.events(case.id)]


# --- getting a case into each status, for each type ---

def into(w: World, case_type: CaseType, status: Status) -> Case:
    reason = {"reship": "missing_parts", "exchange": "quality", "repair": "quality"}.get(case_type.value, "quality")
    amount = 19900 if case_type.refunds_goods else None
    c = w.open(case_type, reason, amount)
    path: dict[Status, list[tuple[str, dict[str, object]]]] = {
        S.AWAITING_SELLER: [],
        S.SELLER_REFUSED: [("refuse", {"reason": "not_as_claimed"})],
        S.PLATFORM_REVIEW: [("refuse", {"reason": "not_as_claimed"}), ("escalate", {})],
        S.AWAITING_RETURN: [("agree", {})],
        S.AWAITING_RECEIPT: [("agree", {}), ("ship_return", {"carrier": "SF", "tracking_no": "1"})],
        S.AWAITING_REPLACEMENT: [("agree", {})] if case_type is CaseType.RESHIP else
        [("agree", {}), ("ship_return", {"carrier": "SF", "tracking_no": "1"}), ("confirm_receipt", {})],
        S.REFUNDING: [("agree", {})],
    }
    if status is S.AWAITING_BUYER_CONFIRMATION:
        steps = [*path[S.AWAITING_REPLACEMENT], ("ship_replacement", {"carrier": "SF", "tracking_no": "2"})]
    else:
        steps = path[status]
    for action, params in steps:
        c = w.act(c, action, **params)
    assert c.status is status, (case_type, status, c.status)
    return c


ROWS = [
    (tr.action, role, src, t)
    for tr in TRANSITIONS
    for role in tr.roles - {Role.SYSTEM, Role.OPERATOR}
    for src in tr.sources
    for t in CaseType
    if tr.target is None or isinstance(tr.target, Status) or t in tr.target
]

REACHABLE = {
    CaseType.REFUND_ONLY: {S.AWAITING_SELLER, S.SELLER_REFUSED, S.PLATFORM_REVIEW, S.REFUNDING},
    CaseType.RETURN_REFUND: {S.AWAITING_SELLER, S.SELLER_REFUSED, S.PLATFORM_REVIEW, S.AWAITING_RETURN,
                             S.AWAITING_RECEIPT},
    CaseType.EXCHANGE: {S.AWAITING_SELLER, S.SELLER_REFUSED, S.PLATFORM_REVIEW, S.AWAITING_RETURN,
                        S.AWAITING_RECEIPT, S.AWAITING_REPLACEMENT, S.AWAITING_BUYER_CONFIRMATION},
    CaseType.REPAIR: {S.AWAITING_SELLER, S.SELLER_REFUSED, S.PLATFORM_REVIEW, S.AWAITING_RETURN,
                      S.AWAITING_RECEIPT, S.AWAITING_REPLACEMENT, S.AWAITING_BUYER_CONFIRMATION},
    CaseType.RESHIP: {S.AWAITING_SELLER, S.SELLER_REFUSED, S.PLATFORM_REVIEW, S.AWAITING_REPLACEMENT,
                      S.AWAITING_BUYER_CONFIRMATION},
}

EXPECTED_TARGET = {
    ("agree", CaseType.REFUND_ONLY): S.REFUNDING,
    ("agree", CaseType.RESHIP): S.AWAITING_REPLACEMENT,
    ("confirm_receipt", CaseType.RETURN_REFUND): S.REFUNDING,
}

PARAMS: dict[str, dict[str, object]] = {
    "refuse": {"reason": "not_as_claimed"},
    "refuse_receipt": {"reason": "soiled_or_damaged"},  # a quality case: no evidence needed to refuse
    "ship_return": {"carrier": "SF", "tracking_no": "9"},
    "ship_replacement": {"carrier": "SF", "tracking_no": "9"},
    "modify": {"amount": 10000},
    "request_evidence": {"parties": (Party.BUYER,)},
    "suspend": {"kind": "proceedings"},
}


def offer_for(case_type: CaseType, source: Status) -> dict[str, object]:
    """Terms a seller may offer instead of the request: less money, or a refund instead."""
    if case_type.refunds_goods:
        return {"amount": 10000}
    if source is S.AWAITING_RECEIPT:
        return {"type": CaseType.RETURN_REFUND, "amount": 10000}
    return {"type": CaseType.REFUND_ONLY, "amount": 10000}


@pytest.mark.parametrize(("action", "role", "source", "case_type"),
                         [r for r in ROWS if r[2] in REACHABLE[r[3]] and r[2] is not S.REFUNDING
                          and r[0] != "reopen_grant"])  # a request to reopen's own (test_appeals)
def test_every_transition_of_the_table(w: World, action: str, role: Role, source: Status,
                                       case_type: CaseType) -> None:
    c = into(w, case_type, source)
    actor = Actor(role, {"buyer": "b1", "seller": "s1"}.get(role.value, "agent1"))
    params = dict(PARAMS.get(action, {}))
    if action == "modify" and not case_type.refunds_goods:
        params = {}
    if action == "rule":
        params = {"outcome": "refund"}
    if action == "counter_offer":
        params = offer_for(case_type, source)
    if action in ("accept_offer", "decline_offer"):
        c = w.act(c, "counter_offer", **offer_for(case_type, source))
    if action == "end_evidence_round":
        c = w.act(c, "request_evidence", actor, parties=(Party.SELLER,))
    if action == "resume":
        c = w.act(c, "suspend", "agent:agent1", kind="negotiation")
    before = c.version
    after = w.act(c, action, actor, **params)
    assert after.version == before + 1
    assert events(w, after)[-1] == (action, source.value, after.status.value)
    if action == "rule":
        assert after.status is S.REFUNDING or after.status is S.COMPLETED
        return
    for tr in TRANSITIONS:
        if tr.action == action and role in tr.roles and source in tr.sources:
            if tr.keeps:
                assert after.status is source
                assert action in ("request_evidence", "end_evidence_round", "suspend", "resume") or (
                    after.deadline == c.deadline)
                continue
            if tr.target is None:  # the offer's terms decide (tested below)
                continue
            want = tr.target if isinstance(tr.target, Status) else tr.target[case_type]  # type: ignore[index]
            # A refund settles at once when the world comes to rest, but not inside the action.
            assert after.status is want, (action, case_type, after.status)


def test_a_role_that_never_takes_an_action_is_forbidden_before_the_status_is_looked_at(w: World) -> None:
    c = w.open()
    with pytest.raises(errors.Forbidden):
        w.act(c, "agree", "buyer:b1")
    with pytest.raises(errors.Forbidden):
        w.act(c, "ship_return", "seller:s1", carrier="SF", tracking_no="1")
    with pytest.raises(errors.Forbidden):
        w.act(c, "rule", "seller:s1", outcome="refund")
    with pytest.raises(errors.Forbidden):
        w.act(c, "withdraw", "integration:oms")


def test_a_role_that_may_act_but_not_now_gets_illegal_transition(w: World) -> None:
    c = w.open()
    with pytest.raises(errors.IllegalTransition):
        w.act(c, "ship_return", carrier="SF", tracking_no="1")
    with pytest.raises(errors.IllegalTransition):
        w.act(c, "confirm_receipt")


def test_another_partys_case_is_not_found(w: World) -> None:
    c = w.open()
    with pytest.raises(errors.NotFound):
        w.act(c, "withdraw", "buyer:b2")
    with pytest.raises(errors.NotFound):
        w.act(c, "agree", "seller:s2")


def test_at_most_one_open_case_per_line(w: World) -> None:
    w.open()
    with pytest.raises(errors.CaseAlreadyOpen):
        w.open(CaseType.REFUND_ONLY, "quality", 100)


class TestRefusals:
    def test_goods_not_shipped_cannot_be_refused(self) -> None:
        w = World(FakeUnitOfWork())
        w.order(make_order(state="paid"))
        c = w.open(CaseType.REFUND_ONLY, "changed_mind", 19900)
        with pytest.raises(errors.RefusalNotAllowed):
            w.act(c, "refuse", reason="already_shipped")

    def test_a_no_reason_request_in_its_window_cannot_be_refused(self, w: World) -> None:
        c = w.open(CaseType.RETURN_REFUND, "no_reason")
        with pytest.raises(errors.RefusalNotAllowed):
            w.act(c, "refuse", reason="not_as_claimed")

    def test_a_refusal_needs_a_reason(self, w: World) -> None:
        c = w.open()
        with pytest.raises(errors.ValidationFailed):
            w.act(c, "refuse", reason="  ")

    def test_a_no_reason_return_is_refused_at_receipt_only_as_not_intact(self, w: World) -> None:
        c = into(w, CaseType.RETURN_REFUND, S.AWAITING_SELLER)
        w.act(c, "withdraw")
        w.order(make_order("o2"))
        c = w.open(CaseType.RETURN_REFUND, "no_reason", order="o2")
        c = w.act(c, "agree")
        c = w.act(c, "ship_return", carrier="SF", tracking_no="1")
        with pytest.raises(errors.RefusalNotAllowed) as exc:
            w.act(c, "refuse_receipt", reason="I do not like it")
        assert "tags_removed" in exc.value.extra["allowed_reasons"]
        with pytest.raises(errors.RefusalNotAllowed, match="evidence"):
            w.act(c, "refuse_receipt", reason="tags_removed")
        photo = w(cmd.UploadEvidence(actor=Actor(Role.SELLER, "s1"), kind="photo", content=files.png(),
                                   filename="tag.png"))
        c = w.act(c, "refuse_receipt", reason="tags_removed", evidence_ids=(photo.id,))
        assert c.status is S.SELLER_REFUSED and c.receipt_refused
        with pytest.raises(errors.IllegalTransition):
            w.act(c, "modify", amount=100)
        assert w.act(c, "escalate").status is S.PLATFORM_REVIEW


class TestModify:
    def test_keeps_the_eligibility_of_the_original_request(self, w: World) -> None:
        c = w.open(CaseType.RETURN_REFUND, "size")
        w.now += 10 * D  # the 7-day window has closed since the case opened
        c = w.act(c, "modify", type=CaseType.EXCHANGE)
        assert c.type is CaseType.EXCHANGE and c.amount == 0

    def test_cannot_change_into_what_was_never_allowed(self, w: World) -> None:
        c = w.open(CaseType.RETURN_REFUND, "quality")
        with pytest.raises(errors.NotEligible):
            w.act(c, "modify", type=CaseType.RESHIP)

    def test_rearms_the_seller_clock_from_the_modification_with_the_new_type(self, w: World) -> None:
        c = w.open(CaseType.RETURN_REFUND, "quality")
        w.now += 20 * H
        c = w.act(c, "modify", type=CaseType.REFUND_ONLY, amount=5000)
        assert c.deadline == w.now + 48 * H and c.amount == 5000

    def test_checks_the_amount(self, w: World) -> None:
        c = w.open()
        with pytest.raises(errors.AmountExceedsPaid):
            w.act(c, "modify", amount=19901)


def test_amount_counts_what_other_cases_refunded() -> None:
    w = World(FakeUnitOfWork())
    w.order(make_order())
    c = w.open(CaseType.REFUND_ONLY, "damaged", 10000)
    w.act(c, "agree")
    w.advance()
    assert w.get(c).refunded == 10000
    with pytest.raises(errors.AmountExceedsPaid) as exc:
        w.open(CaseType.REFUND_ONLY, "damaged", 10000)
    assert exc.value.extra["max_amount"] == "99.00"
    assert w.open(CaseType.REFUND_ONLY, "damaged", 9900).status is S.AWAITING_SELLER


class TestRuling:
    def review(self, w: World) -> Case:
        c = w.open(CaseType.RETURN_REFUND, "quality", 15000)
        c = w.act(c, "refuse", reason="not_as_claimed")
        return w.act(c, "escalate")

    def test_refund_without_amount_pays_the_line_less_what_was_refunded(self, w: World) -> None:
        c = w.act(self.review(w), "rule", outcome="refund", fault="seller")
        assert c.status is S.REFUNDING and c.amount == 19900
        w.advance()
        c = w.get(c)
        assert c.status is S.COMPLETED and c.refunded == 19900

    def test_return_then_refund_becomes_a_return(self, w: World) -> None:
        c = self.review(w)
        c = w.act(c, "rule", outcome="return_then_refund")
        assert (c.status, c.type, c.amount) == (S.AWAITING_RETURN, CaseType.RETURN_REFUND, 15000)
        assert c.return_address == "浙江省杭州市余杭区文一西路 969 号"

    def test_reject_closes(self, w: World) -> None:
        c = w.act(self.review(w), "rule", outcome="reject", fault="buyer")
        assert c.status is S.CLOSED and c.freight is not None and c.freight.return_leg.value == "buyer"

    def test_a_ruling_needs_an_outcome_and_a_sane_amount(self, w: World) -> None:
        c = self.review(w)
        with pytest.raises(errors.ValidationFailed):
            w.act(c, "rule")
        with pytest.raises(errors.AmountExceedsPaid):
            w.act(c, "rule", outcome="refund", amount=20000)


class TestTimeouts:
    def test_seller_silence_agrees_after_24_36_or_48_hours(self) -> None:
        for state, case_type, reason, hours, target in [
            ("paid", CaseType.REFUND_ONLY, "changed_mind", 24, S.COMPLETED),
            ("shipped", CaseType.REFUND_ONLY, "changed_mind", 36, S.COMPLETED),
            ("delivered", CaseType.REFUND_ONLY, "damaged", 48, S.COMPLETED),
            ("delivered", CaseType.RETURN_REFUND, "no_reason", 48, S.AWAITING_RETURN),
            ("delivered", CaseType.RESHIP, "missing_parts", 48, S.AWAITING_REPLACEMENT),
        ]:
            w = World(FakeUnitOfWork())
            w.order(make_order(state=state))
            c = w.open(case_type, reason, 19900 if case_type.refunds_goods else None)
            assert c.deadline == T0 + hours * H and c.deadline_action == "agree"
            w.advance(hours * H - timedelta(seconds=1))
            assert w.get(c).status is S.AWAITING_SELLER
            w.advance(timedelta(seconds=1))
            assert w.get(c).status is target, (state, case_type)

    def test_a_timer_acts_at_its_due_time_not_when_noticed(self, w: World) -> None:
        c = w.open(CaseType.RETURN_REFUND, "no_reason")
        w.advance(5 * D)  # the worker was down for three days past the deadline
        c = w.get(c)
        due = T0 + 48 * H
        assert c.status is S.AWAITING_RETURN and c.status_since == due
        assert c.deadline == due + 7 * D  # the buyer's 7 days count from the due time

    def test_buyer_silence_after_refusal_or_agreement_closes(self, w: World) -> None:
        c = w.act(w.open(), "refuse", reason="not_as_claimed")
        w.advance(5 * D)
        assert w.get(c).status is S.CLOSED and w.get(c).closed_by == "timeout"
        w.order(make_order("o2"))
        c = w.act(w.open(order="o2"), "agree")
        w.advance(7 * D)
        assert w.get(c).status is S.CLOSED

    def test_seller_silence_after_the_return_confirms_receipt_and_refunds(self, w: World) -> None:
        c = into(w, CaseType.RETURN_REFUND, S.AWAITING_RECEIPT)
        w.advance(10 * D - timedelta(seconds=1))
        assert w.get(c).status is S.AWAITING_RECEIPT
        w.advance(timedelta(seconds=1))
        c = w.get(c)
        assert c.status is S.COMPLETED and c.refunded == 19900
        assert [e[0] for e in events(w, c)][-2:] == ["confirm_receipt", "settle"]

    def test_replacement_clocks_escalate(self) -> None:
        for case_type, wait in ((CaseType.EXCHANGE, 48 * H), (CaseType.RESHIP, 48 * H), (CaseType.REPAIR, 30 * D)):
            w = World(FakeUnitOfWork())
            w.order(make_order())
            c = into(w, case_type, S.AWAITING_REPLACEMENT)
            w.advance(wait)
            assert w.get(c).status is S.PLATFORM_REVIEW, case_type

    def test_buyer_silence_after_the_replacement_completes(self, w: World) -> None:
        c = into(w, CaseType.EXCHANGE, S.AWAITING_BUYER_CONFIRMATION)
        w.advance(10 * D)
        assert w.get(c).status is S.COMPLETED

    def test_an_action_before_the_deadline_defuses_the_timer(self, w: World) -> None:
        c = w.open()
        w.now += 47 * H
        c = w.act(c, "refuse", reason="not_as_claimed")
        w.advance(2 * H)
        assert w.get(c).status is S.SELLER_REFUSED
        assert [e[0] for e in events(w, c)] == ["open", "refuse"]

    def test_a_message_does_not_defuse_the_timer(self, w: World) -> None:
        c = w.open()
        w.now += H
        msg = w(cmd.PostMessage(actor=Actor(Role.BUYER, "b1"), case_id=c.id, text="在吗?"))
        assert msg.id == 2  # after the system's account of the opening
        after = w.get(c)
        assert after.version == c.version + 1 and after.entry == c.entry
        w.advance(48 * H)
        assert w.get(c).status is S.AWAITING_RETURN

    def test_platform_review_waits_for_the_agent(self, w: World) -> None:
        c = into(w, CaseType.RETURN_REFUND, S.PLATFORM_REVIEW)
        assert c.deadline is None and c.deadline_action is None
        w.advance(60 * D)
        assert w.get(c).status is S.PLATFORM_REVIEW


class TestMoney:
    def test_a_refund_is_paid_exactly_once(self, w: World) -> None:
        c = w.act(w.open(CaseType.REFUND_ONLY, "damaged", 19900), "agree")
        w.advance()
        w.advance(D)
        assert w.gateway.calls == {f"{c.id}:goods": 1}
        assert w.get(c).refunded == 19900

    def test_the_seller_pays_back_the_return_fee_of_a_seller_fault_capped(self, w: World) -> None:
        c = w.act(w.open(CaseType.RETURN_REFUND, "quality"), "agree")
        c = w.act(c, "ship_return", carrier="SF", tracking_no="1", fee=4500)
        assert c.freight is not None and c.freight.compensation == 3000  # capped by the pack's 30.00
        c = w.act(c, "confirm_receipt")
        w.advance()
        assert w.gateway.paid[f"{c.id}:freight"] == (c.id, 3000)
        assert w.get(c).refunded == 19900  # the goods refund, compensation apart

    def test_a_buyer_preference_return_pays_its_own_return_leg(self, w: World) -> None:
        c = w.act(w.open(CaseType.RETURN_REFUND, "size"), "agree")
        c = w.act(c, "ship_return", carrier="SF", tracking_no="1", fee=1200)
        assert c.freight is not None
        assert (c.freight.return_leg.value, c.freight.outbound_leg.value, c.freight.compensation) == (
            "buyer", "seller", 0)


def test_attempts_a_withdrawn_after_sale_case_counts() -> None:
    w = World(FakeUnitOfWork())
    w.order(make_order(state="completed"))
    c = w.open(CaseType.RETURN_REFUND, "quality")
    w.act(c, "withdraw")
    with pytest.raises(errors.AttemptsExhausted):
        w.open(CaseType.RETURN_REFUND, "quality")


def test_a_failed_repair_counts_and_two_allow_an_exchange() -> None:
    w = World(FakeUnitOfWork())
    w.order(make_order(lines=[Line("l1", "电视", Category.GENERAL, 1, 299900)]))
    c = w.open(CaseType.REPAIR, "quality", None)
    for n in (1, 2):
        c = into_replacement_again(w, c)
        c = w.act(c, "reject_replacement")
        assert c.repair_failures == n and c.status is S.AWAITING_SELLER
    c = w.act(c, "modify", type=CaseType.EXCHANGE)
    assert c.type is CaseType.EXCHANGE


def into_replacement_again(w: World, c: Case) -> Case:
    c = w.act(c, "agree")
    c = w.act(c, "ship_return", carrier="SF", tracking_no="1")
    c = w.act(c, "confirm_receipt")
    return w.act(c, "ship_replacement", carrier="SF", tracking_no="2")


def test_history_has_one_event_per_change(w: World) -> None:
    c = into(w, CaseType.RETURN_REFUND, S.AWAITING_RECEIPT)
    w.advance(10 * D)
    c = w.get(c)
    evs = events(w, c)
    assert len(evs) == c.version == 5
    for (_, _, to), (_, frm, _) in itertools.pairwise(evs):
        assert to == frm  # each event starts where the previous one ended


class _PoisonedHistory:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"an action outside READS_LINE_HISTORY read history.{name}")


def _cases_in(source: Status) -> list[tuple[World, Case]]:
    """A case of every type that can be in ``source``, each in its own world."""
    out = []
    for case_type in CaseType:
        if source is S.REFUNDING:
            if case_type is not CaseType.REFUND_ONLY:
                continue
        elif source not in REACHABLE[case_type]:
            continue
        w = World(FakeUnitOfWork())
        w.order(make_order())
        c = w.act(w.open(CaseType.REFUND_ONLY, "quality"), "agree") if source is S.REFUNDING else into(
            w, case_type, source)
        out.append((w, c))
    return out


READERS = {"modify", "rule", "counter_offer", "accept_offer"}


@pytest.mark.parametrize("action", sorted({tr.action for tr in TRANSITIONS} - READERS))
def test_only_the_listed_actions_read_the_line_history(action: str) -> None:
    """The services skip loading the line's history for other actions; prove they never need it."""
    assert READERS == engine.READS_LINE_HISTORY
    ran = 0
    for tr in (tr for tr in TRANSITIONS if tr.action == action):
        role = next(iter(tr.roles))
        actor = Actor(role, {"buyer": "b1", "seller": "s1"}.get(role.value, "system"))
        for source in tr.sources:
            for w, case in _cases_in(source):
                order = make_order()
                ctx = Context(w.pack, order, order.lines[0], STORE, _PoisonedHistory())  # type: ignore[arg-type]
                with contextlib.suppress(errors.DomainError):
                    engine.act(case, action, actor, w.now, ctx, Params(**PARAMS.get(action, {})))  # type: ignore[arg-type]
                ran += 1
    assert ran > 0


def test_reopening_a_line_gives_one_more_claim_and_is_recorded() -> None:
    w = World(FakeUnitOfWork())
    w.order(make_order(state="completed"))
    c = w.open(CaseType.RETURN_REFUND, "quality")
    w.act(c, "withdraw")
    w.now += 30 * D  # past the 15 days, and the one claim is used
    with pytest.raises(errors.AttemptsExhausted):
        w.open(CaseType.RETURN_REFUND, "quality")
    with pytest.raises(errors.Forbidden):
        w(cmd.ReopenLine(actor=Actor(Role.BUYER, "b1"), order_id="o1", line_id="l1", days=3))
    grant = w(cmd.ReopenLine(actor=Actor(Role.AGENT, "xiao-er"), order_id="o1", line_id="l1", days=3, note="物流延误"))
    assert grant.until == w.now + 3 * D
    c2 = w.open(CaseType.RETURN_REFUND, "quality")
    assert c2.eligibility_rule == "reopened"
    with w.uow.read():
        assert [g.note for g in w.uow.reopenings.for_line("o1", "l1")] == ["物流延误"]


def test_return_shipping_insurance_pays_the_buyers_return_leg_up_to_its_cap() -> None:
    w = World(FakeUnitOfWork())
    w.order(make_order(lines=[Line("l1", "外套", Category.APPAREL, 1, 39900, return_insurance_cap=1000)]))
    c = w.act(w.open(CaseType.RETURN_REFUND, "size", 39900), "agree")
    c = w.act(c, "ship_return", carrier="SF", tracking_no="1", fee=1500)
    assert c.freight is not None and (c.freight.return_leg.value, c.freight.insurance, c.freight.compensation) == (
        "buyer", 1000, 0)
    w.act(c, "confirm_receipt")
    w.advance()
    assert w.gateway.paid[f"{c.id}:insurance"] == (c.id, 1000)
    assert w.get(c).refunded == 39900  # the goods refund, the insurance apart


def test_no_insurance_where_the_seller_bears_the_return_leg() -> None:
    w = World(FakeUnitOfWork())
    w.order(make_order(lines=[Line("l1", "外套", Category.APPAREL, 1, 39900, return_insurance_cap=1000)]))
    c = w.act(w.open(CaseType.RETURN_REFUND, "quality", 39900), "agree")
    c = w.act(c, "ship_return", carrier="SF", tracking_no="1", fee=1500)
    assert c.freight is not None and (c.freight.insurance, c.freight.compensation) == (0, 1500)


def test_a_partial_return_counts_what_the_orders_other_lines_refunded_against_free_shipping() -> None:
    w = World(FakeUnitOfWork())
    lines = [Line("l1", "毛巾", Category.GENERAL, 1, 1500), Line("l2", "浴巾", Category.GENERAL, 1, 2500),
             Line("l3", "枕头", Category.GENERAL, 1, 8000)]
    w.order(make_order(lines=lines, free_shipping_threshold=8800))
    w.act(w.open(CaseType.REFUND_ONLY, "damaged", 1500, line="l1"), "agree")
    w.advance()
    c = w.open(CaseType.RETURN_REFUND, "size", 2500, line="l2")
    assert c.freight is not None
    assert (c.freight.outbound_leg, c.freight.rule) == (Party.BUYER, "buyer_preference_breaks_free_shipping")
