"""Deadlines that act on their own, and what happens when the rules refuse their outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.domain import effects, errors
from aftersales.domain.model import Actor, Case, Role, Status
from aftersales.services import queries as q
from tests.builders import World, make_order
from tests.fakes import FakeUnitOfWork

H = timedelta(hours=1)
AGENT = Actor(Role.AGENT, "a1")


@pytest.fixture
def w() -> World:
    world = World(FakeUnitOfWork())
    world.order(make_order())
    return world


def _refuse_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(case: Case, *_: object) -> None:
        raise errors.RefusalNotAllowed("the store is suspended", "店铺已被暂停")

    monkeypatch.setitem(effects.EFFECTS, "agree", refused)  # type: ignore[arg-type]


def test_a_refused_default_outcome_is_recorded_and_flagged_for_an_agent(
        w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    c = w.open()
    _refuse_agree(monkeypatch)
    w.advance(49 * H)  # the seller's 48 h ran out; the system may not agree for them
    after = w.get(c)
    assert after.status is Status.AWAITING_SELLER and after.version == 2
    assert (after.deadline, after.deadline_action, after.attention) == (None, None, "timer_failed")
    with w.uow.read():
        last = w.uow.cases.events(c.id, 0, 10)[-1]
    assert (last.action, last.actor.role, last.at) == ("timer_failed", Role.SYSTEM, c.deadline)
    assert last.data["timer_action"] == "agree" and last.data["code"] == "refusal_not_allowed"
    queue = w(q.InterventionQueue(actor=AGENT)).items
    assert [(i.case.id, i.case.attention) for i in queue] == [(c.id, "timer_failed")]
    assert queue[0].sla_due == c.deadline + 48 * H  # two business days (Wed 10:00 -> Fri 10:00)


def test_the_flag_clears_when_the_case_moves_on(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    c = w.open()
    _refuse_agree(monkeypatch)
    w.advance(49 * H)
    monkeypatch.undo()
    moved = w.act(c, "agree")
    assert moved.status is Status.AWAITING_RETURN and moved.attention is None and moved.sla_due is None
    assert w(q.InterventionQueue(actor=AGENT)).items == []
    w.advance(30 * 24 * H)
    assert w.get(c).status is Status.CLOSED  # the new status's own deadline acted as usual


def test_a_replayed_timer_after_a_refusal_changes_nothing(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    c = w.open()
    _refuse_agree(monkeypatch)
    w.advance(49 * H)
    version = w.get(c).version
    w.advance(24 * H)
    assert w.get(c).version == version  # no timer is left to fire again


def test_a_case_in_review_is_in_the_queue_with_its_sla(w: World) -> None:
    c = w.act(w.open(), "refuse", reason="not_as_claimed")
    w.now += 2 * H
    c = w.act(c, "escalate")
    assert c.sla_due == w.now + 48 * H and c.attention is None
    assert [i.case.id for i in w(q.InterventionQueue(actor=AGENT)).items] == [c.id]
    with pytest.raises(errors.Forbidden):
        w(q.InterventionQueue(actor=Actor(Role.SELLER, "s1")))
    ruled = w.act(c, "rule", outcome="reject")
    assert ruled.sla_due is None and w(q.InterventionQueue(actor=AGENT)).items == []
