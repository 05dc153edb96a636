"""The platform's review (客服介入): an agent claims a dispute or steps in on their own, asks
for evidence in rounds that end on their own, keeps private notes, and the SLA stands
still while the parties are being waited for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.domain import errors
from aftersales.domain.model import Actor, CaseType, Party, Role, Status
from aftersales.domain.stores import Store
from aftersales.domain.transitions import allowed_actions
from aftersales.services import commands as cmd
from aftersales.services import queries as q
from tests import files
from tests.builders import World, make_order
from tests.fakes import FakeUnitOfWork

H, D = timedelta(hours=1), timedelta(days=1)
S = Status
LI, WANG, OPS = Actor(Role.AGENT, "li"), Actor(Role.AGENT, "wang"), Actor(Role.OPERATOR, "ops")
BUYER, SELLER = Actor(Role.BUYER, "b1"), Actor(Role.SELLER, "s1")


def in_review(w: World) -> str:
    c = w.act(w.open(CaseType.RETURN_REFUND, "quality", 19900), "refuse", reason="not_as_claimed")
    return w.act(c, "escalate").id


def history(w: World, case_id: str) -> list[str]:
    uow = w.uow
    assert isinstance(uow, FakeUnitOfWork)
    return [e.action for e in uow.cases.events(case_id)]


def test_an_agent_steps_into_an_open_case_on_their_own(w: World) -> None:
    c = w.open(CaseType.RETURN_REFUND, "quality", 19900)
    stepped = w.act(c, "intervene", LI)
    assert (stepped.status, stepped.agent, stepped.deadline) == (S.PLATFORM_REVIEW, "li", None)
    assert stepped.sla_due is not None
    w.advance(3 * D)  # the seller's 48 hours no longer act: the case is the platform's
    assert w.get(c).status is S.PLATFORM_REVIEW
    with pytest.raises(errors.Forbidden):
        w.act(c, "intervene", BUYER)


def test_one_agent_handles_a_dispute_and_an_operator_gives_it_to_another(w: World) -> None:
    cid = in_review(w)
    assert w.act(cid, "intervene", LI).agent == "li"
    for action, params in (("rule", {"outcome": "reject"}), ("request_evidence", {"parties": (Party.SELLER,)}),
                           ("intervene", {})):
        with pytest.raises(errors.Forbidden):
            w.act(cid, action, WANG, **params)
    assert w.act(cid, "intervene", OPS, agent="wang").agent == "wang"
    assert w.act(cid, "rule", WANG, outcome="reject").status is S.CLOSED


def test_an_evidence_round_pauses_the_sla_and_ends_on_its_own(w: World) -> None:
    cid = in_review(w)
    due = w.get(cid).sla_due
    assert due is not None
    w.now += 2 * H
    left = due - w.now
    asked = w.act(cid, "request_evidence", LI, parties=(Party.SELLER,), note="请提供发货前的质检照片")
    assert asked.pause is not None and asked.pause.parties == (Party.SELLER,)
    assert (asked.deadline, asked.deadline_action) == (w.now + 48 * H, "end_evidence_round")
    assert asked.sla_due == w.now + 48 * H + left  # where the SLA stands if the round runs its course
    with pytest.raises(errors.IllegalTransition):
        w.act(cid, "request_evidence", LI, parties=(Party.BUYER,))
    round_end = w.now + 48 * H
    w.advance(48 * H)
    after = w.get(cid)
    assert (after.status, after.pause, after.deadline, after.sla_due) == (S.PLATFORM_REVIEW, None, None,
                                                                           round_end + left)
    assert history(w, cid)[-2:] == ["request_evidence", "end_evidence_round"]
    thread = w(q.CaseMessages(actor=BUYER, case_id=cid)).items
    assert [m.text_zh for m in thread][-2:] == ["平台客服要求卖家补充凭证:请提供发货前的质检照片。",
                                                "举证期已结束,平台将根据现有凭证处理。"]


def test_an_agent_ends_a_round_early_and_the_sla_runs_on_from_there(w: World) -> None:
    cid = in_review(w)
    due = w.get(cid).sla_due
    assert due is not None
    asked = w.act(cid, "request_evidence", LI, parties=(Party.BUYER, Party.SELLER), hours=24)
    assert asked.deadline == w.now + 24 * H
    w.now += 5 * H
    ended = w.act(cid, "end_evidence_round", LI)
    assert ended.pause is None and ended.sla_due == due + 5 * H and ended.deadline is None
    w.advance(30 * H)  # the round's timer is gone with it
    assert history(w, cid)[-1] == "end_evidence_round"


def test_a_ruling_during_a_round_ends_it(w: World) -> None:
    cid = in_review(w)
    w.act(cid, "request_evidence", LI, parties=(Party.BUYER,))
    ruled = w.act(cid, "rule", LI, outcome="refund", fault="seller")
    assert ruled.pause is None and ruled.status in (S.REFUNDING, S.COMPLETED)
    assert ruled.freight is not None and ruled.freight.rule == "ruling_fault"


def test_private_notes_are_read_by_the_platform_only_and_change_nothing(w: World) -> None:
    cid = in_review(w)
    version = w.get(cid).version
    note = w(cmd.PostMessage(actor=LI, case_id=cid, text="卖家历史纠纷多,重点核实", private=True))
    assert note.kind == "note"
    assert w.get(cid).version == version and history(w, cid)[-1] == "escalate"
    for reader, sees in ((BUYER, False), (SELLER, False), (LI, True), (WANG, True), (OPS, True)):
        texts = [m.text for m in w(q.CaseMessages(actor=reader, case_id=cid)).items]
        assert ("卖家历史纠纷多,重点核实" in texts) is sees, reader
    for party in (BUYER, SELLER):
        with pytest.raises(errors.Forbidden):
            w(cmd.PostMessage(actor=party, case_id=cid, text="x", private=True))


def test_a_paused_review_is_not_breached_while_it_waits_for_the_parties(w: World) -> None:
    cid = in_review(w)
    w.act(cid, "request_evidence", LI, parties=(Party.SELLER,))
    w.now += 47 * H
    item = next(i for i in w(q.InterventionQueue(actor=LI)).items if i.case.id == cid)
    assert not item.breached


# --- suspension (中止处理) ---

def test_both_parties_asking_to_negotiate_suspends_the_review_for_30_days(w: World) -> None:
    cid = in_review(w)
    due = w.get(cid).sla_due
    assert due is not None
    asked = w.act(cid, "suspend", BUYER, kind="negotiation", note="我们再谈谈")
    assert (asked.suspend_asked, asked.pause) == (Party.BUYER, None)  # one asking is not enough
    assert w.act(cid, "suspend", BUYER, kind="negotiation").pause is None  # nor asking twice
    started = w.act(cid, "suspend", SELLER, kind="negotiation")
    assert started.pause is not None and started.pause.kind == "negotiation" and started.suspend_asked is None
    assert (started.deadline, started.deadline_action) == (w.now + 30 * D, "resume")
    with pytest.raises(errors.IllegalTransition):
        w.act(cid, "request_evidence", LI, parties=(Party.BUYER,))
    end = w.now + 30 * D
    w.advance(30 * D)
    after = w.get(cid)
    assert after.pause is None and after.status is S.PLATFORM_REVIEW
    assert after.sla_due == end + (due - started.pause.since)
    assert history(w, cid)[-1] == "resume"


def test_nothing_but_resuming_acts_on_a_suspended_review(w: World) -> None:
    # Issue 13 point 3: a ruling was accepted while both parties negotiated (T3 §82-83: 中止处理).
    cid = in_review(w)
    w.act(cid, "intervene", LI)
    w.act(cid, "suspend", LI, kind="negotiation")
    for who, action, params in ((LI, "rule", {"outcome": "refund", "fault": "seller"}),
                                (LI, "request_evidence", {"parties": (Party.SELLER,)}),
                                (OPS, "intervene", {"agent": "wang"}), (LI, "end_evidence_round", {})):
        with pytest.raises(errors.ReviewSuspended) as refused:
            w.act(cid, action, who, **params)
        assert refused.value.code == "illegal_transition" and refused.value.extra["reason"] == "review_suspended"
        assert "第八十二" in refused.value.zh and "中止" in refused.value.zh and "T3" in refused.value.en
    case = w.get(cid)
    assert case.pause is not None and case.ruling is None
    for role in (Role.AGENT, Role.BUYER, Role.SELLER):
        assert set(allowed_actions(case, role)) <= {"resume", "withdraw"}, role
    assert w.act(cid, "resume", SELLER).pause is None
    assert w.act(cid, "rule", LI, outcome="reject").status is S.CLOSED


def test_a_suspension_withdrawn_closes_the_dispute_and_its_clock(w: World) -> None:
    cid = in_review(w)
    w.act(cid, "suspend", LI, kind="negotiation")  # an agent who heard both starts it at once
    closed = w.act(cid, "withdraw", BUYER, note="已和卖家协商好")
    assert closed.status is S.CLOSED and closed.pause is None
    assert w.advance(31 * D) == 0 or w.get(cid).status is S.CLOSED
    assert history(w, cid)[-1] == "withdraw"


def test_a_party_ends_a_failed_negotiation(w: World) -> None:
    cid = in_review(w)
    w.act(cid, "suspend", LI, kind="negotiation")
    w.now += 2 * D
    resumed = w.act(cid, "resume", SELLER, note="协商不成")
    assert resumed.pause is None and resumed.deadline is None


def test_proceedings_without_proof_resume_after_7_business_days(w: World) -> None:
    cid = in_review(w)  # opened on a Monday
    reported = w.act(cid, "suspend", SELLER, kind="proceedings", note="已报警")
    assert reported.pause is not None and reported.pause.by is Party.SELLER
    assert reported.deadline_action == "resume" and reported.deadline is not None
    assert reported.deadline - w.now >= 9 * D  # seven workdays span a weekend
    with pytest.raises(errors.Forbidden):
        w.act(cid, "resume", SELLER)  # proceedings end by an agent or the clock
    w.advance(reported.deadline - w.now)
    assert w.get(cid).pause is None and history(w, cid)[-1] == "resume"


def test_proven_proceedings_hold_the_review_until_an_agent_resumes_it(w: World) -> None:
    cid = in_review(w)
    w.act(cid, "suspend", BUYER, kind="proceedings")
    proof = w(cmd.UploadEvidence(actor=BUYER, kind="other", content=files.pdf(), filename="受理通知书.pdf")).id
    with pytest.raises(errors.Forbidden):
        w.act(cid, "suspend", SELLER, kind="proceedings", evidence_ids=(proof,))
    proven = w.act(cid, "suspend", BUYER, kind="proceedings", evidence_ids=(proof,))
    assert proven.pause is not None and proven.pause.kind == "proceedings_proven"
    assert proven.deadline == proven.pause.since + 180 * D
    w.advance(30 * D)
    assert w.get(cid).pause is not None
    assert w.act(cid, "resume", LI, note="判决已生效").pause is None


# --- the agents' queue ---

def test_the_queue_is_narrowed_by_store_agent_kind_status_and_breach(w: World) -> None:
    w(cmd.UpsertStore(actor=OPS, store=Store("s2", "s2", "上海")))
    w.order(make_order("o2", store="s2"))
    w.order(make_order("o3"))
    a = in_review(w)
    b = w.act(w.act(w.open(CaseType.RETURN_REFUND, "quality", 19900, order="o2"), "refuse", "seller:s2",
                    reason="not_as_claimed"), "escalate").id
    w.now += 3 * D  # a and b are past their SLA now
    c = w.act(w.open(CaseType.RETURN_REFUND, "quality", 19900, order="o3"), "intervene", LI).id

    def ids(**filters: object) -> list[str]:
        return [i.case.id for i in w(q.InterventionQueue(actor=WANG, **filters)).items]  # type: ignore[arg-type]

    assert ids() == [a, b, c]
    assert ids(store="s2") == [b]
    assert ids(breached=True) == [a, b] and ids(breached=False) == [c]
    assert ids(agent="li") == [c] and ids(agent="") == [a, b]
    assert ids(kind="dispute") == [a, b, c] and ids(kind="appeal") == []
    assert ids(status=S.PLATFORM_REVIEW, store="s1", breached=True) == [a]
    first = w(q.InterventionQueue(actor=WANG, limit=1, breached=True))
    assert [i.case.id for i in w(q.InterventionQueue(actor=WANG, limit=1, breached=True, after=first.after)).items] \
        == [b]
    for party in (BUYER, SELLER):
        with pytest.raises(errors.Forbidden):
            w(q.InterventionQueue(actor=party))
