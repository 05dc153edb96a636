"""Second looks: an appeal of a ruling (one per ruling, within the window, another agent,
never taking back a refund), and a buyer's request to reopen a closed window (counterfeits
and 三包 quality problems only, one chance per line)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.domain import errors
from aftersales.domain.inputs import CaseRequest
from aftersales.domain.model import Actor, CaseType, Category, Reason, Role, Status
from aftersales.services import commands as cmd
from tests import files
from tests.builders import World, make_order
from tests.fakes import FakeUnitOfWork

H, D = timedelta(hours=1), timedelta(days=1)
S = Status
LI, WANG = Actor(Role.AGENT, "li"), Actor(Role.AGENT, "wang")
BUYER, SELLER = Actor(Role.BUYER, "b1"), Actor(Role.SELLER, "s1")


def ruled(w: World, outcome: str = "refund", amount: int | None = 5000) -> str:
    c = w.act(w.open(CaseType.RETURN_REFUND, "quality", 19900), "refuse", reason="not_as_claimed")
    w.act(c, "escalate")
    w.act(c, "rule", LI, outcome=outcome, amount=amount)
    w.advance(H)
    assert w.get(c).status in (S.COMPLETED, S.CLOSED)
    return c.id


def test_an_appeal_adds_a_refund_decided_by_another_agent(w: World) -> None:
    first = ruled(w)  # 50.00 of 199.00 refunded
    appeal = w(cmd.AppealRuling(actor=BUYER, case_id=first, note="质量问题明显,应全额退款"))
    assert (appeal.kind, appeal.appeal_of, appeal.status, appeal.amount) == ("appeal", first, S.PLATFORM_REVIEW,
                                                                             14900)
    assert appeal.sla_due is not None and w.get(first).appeal_id == appeal.id
    with pytest.raises(errors.Forbidden):  # the agent who ruled does not judge the appeal
        w.act(appeal, "rule", LI, outcome="refund")
    with pytest.raises(errors.Forbidden):
        w.act(appeal, "intervene", LI)
    with pytest.raises(errors.AmountExceedsPaid):
        w.act(appeal, "rule", WANG, outcome="refund", amount=15000)
    w.act(appeal, "rule", WANG, outcome="refund")
    w.advance(H)
    assert w.get(appeal).refunded == 14900 and w.get(first).refunded == 5000  # the first refund stands


def test_a_refused_appeal_takes_nothing_back(w: World) -> None:
    first = ruled(w)
    appeal = w(cmd.AppealRuling(actor=SELLER, case_id=first, note="不应退款"))
    assert appeal.amount == 0  # a seller's appeal asks no money
    rejected = w.act(appeal, "rule", WANG, outcome="reject")
    assert rejected.status is S.CLOSED and w.get(first).refunded == 5000


def test_one_appeal_per_ruling_within_seven_days_and_none_of_an_appeal(w: World) -> None:
    first = ruled(w)
    with pytest.raises(errors.NotFound):
        w(cmd.AppealRuling(actor=Actor(Role.BUYER, "b2"), case_id=first))
    with pytest.raises(errors.Forbidden):
        w(cmd.AppealRuling(actor=WANG, case_id=first))
    w.now += 7 * D
    with pytest.raises(errors.WindowExpired):
        w(cmd.AppealRuling(actor=BUYER, case_id=first))
    w.now -= 2 * H
    appeal = w(cmd.AppealRuling(actor=BUYER, case_id=first, amount=1000))
    with pytest.raises(errors.IllegalTransition):
        w(cmd.AppealRuling(actor=SELLER, case_id=first))
    w.act(appeal, "rule", WANG, outcome="reject")
    with pytest.raises(errors.IllegalTransition):
        w(cmd.AppealRuling(actor=BUYER, case_id=appeal.id))


def test_only_a_ruling_is_appealed_once_its_case_has_ended(w: World) -> None:
    c = w.act(w.open(CaseType.REFUND_ONLY, "quality", 19900), "agree")
    w.advance(H)
    with pytest.raises(errors.IllegalTransition):
        w(cmd.AppealRuling(actor=BUYER, case_id=c.id))


def reopen(w: World, reason: str = "counterfeit", **kw: object) -> object:
    proof = w(cmd.UploadEvidence(actor=BUYER, kind="authentication", content=files.pdf(), filename="鉴定.pdf")).id
    request = CaseRequest(CaseType.RETURN_REFUND, Reason(reason), None, "专柜鉴定为假", (proof,))
    return w(cmd.RequestReopening(actor=BUYER, order_id="o1", line_id="l1", request=request))


@pytest.fixture
def late() -> World:
    """A completed order whose counterfeit window (90 days) has closed."""
    world = World(FakeUnitOfWork())
    world.order(make_order(state="completed"))
    world.now += 100 * D
    return world


def test_a_granted_reopening_opens_the_window_for_one_more_claim(late: World) -> None:
    w = late
    with pytest.raises(errors.WindowExpired):
        w.open(CaseType.RETURN_REFUND, "counterfeit")
    request = reopen(w)
    assert (request.kind, request.status) == ("reopening", S.PLATFORM_REVIEW)  # type: ignore[attr-defined]
    assert request.sla_due == w.now + 2 * D  # type: ignore[attr-defined]  # a Wednesday + 2 workdays
    granted = w.act(request.id, "reopen_grant", LI)  # type: ignore[attr-defined]
    assert granted.status is S.COMPLETED
    case = w.open(CaseType.RETURN_REFUND, "counterfeit")
    assert case.eligibility_rule == "reopened"


def test_a_refused_reopening_is_the_lines_one_chance(late: World) -> None:
    w = late
    request = reopen(w)
    with pytest.raises(errors.ValidationFailed):  # a request is granted or refused, not refunded
        w.act(request.id, "rule", LI, outcome="refund")  # type: ignore[attr-defined]
    w.act(request.id, "rule", LI, outcome="reject", note="鉴定机构不具资质")  # type: ignore[attr-defined]
    with pytest.raises(errors.AttemptsExhausted) as refused:
        reopen(w)
    assert "维权只有一次机会" in refused.value.zh


def test_reopening_is_for_counterfeits_and_sanbao_quality_only(late: World) -> None:
    with pytest.raises(errors.NotEligible):
        reopen(late, "quality")  # apparel: no 三包
    with pytest.raises(errors.NotEligible):
        reopen(late, "size")


def test_a_line_already_ruled_has_had_its_chance() -> None:
    w = World(FakeUnitOfWork())
    w.order(make_order(state="completed", category=Category.SANBAO_DURABLE))
    report = w(cmd.UploadEvidence(actor=SELLER, kind="inspection_report", content=files.pdf())).id
    photo = w(cmd.UploadEvidence(actor=BUYER, kind="photo", content=files.png())).id
    c = w.act(w.open(CaseType.REPAIR, "quality", None), "refuse", reason="not_as_claimed", evidence_ids=(report,))
    w.act(c, "escalate", evidence_ids=(photo,))
    w.act(c, "rule", LI, outcome="reject")
    w.now += 200 * D
    with pytest.raises(errors.AttemptsExhausted):
        reopen(w, "quality")


def test_an_open_window_needs_no_reopening(w: World) -> None:
    with pytest.raises(errors.ValidationFailed):
        reopen(w)
