"""The store's workbench: what waits for it, the nearest deadline first, filtered and paged by
keyset; cases given to a member of its team."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.domain import errors
from aftersales.domain.model import Actor, CaseType, Role, Status
from aftersales.domain.stores import Store
from aftersales.services import commands as c
from aftersales.services import queries as q
from tests.builders import World, make_order
from tests.fakes import FakeUnitOfWork

OWNER = Actor(Role.SELLER, "s1", staff="s1-owner", team_role="owner")
OPERATOR = Actor(Role.OPERATOR, "ops")


def populate(world: World) -> World:
    """Five orders of store s1, one of s2, and s1's team (the SQL tests reuse this)."""
    for i in range(5):
        world.order(make_order(f"o{i}"))
    world.dispatch(c.UpsertStore(actor=Actor(Role.INTEGRATION, "oms"), store=Store("s2", "s2", "上海")))
    world.order(make_order("x1", store="s2"))
    for name, role in (("s1-owner", "owner"), ("s1-li", "after_sales"), ("s1-view", "viewer")):
        world.dispatch(c.AddUser(actor=OPERATOR, name=name, role=role, store_id="s1", password="long enough pw"))
    return world


@pytest.fixture
def w() -> World:
    return populate(World(FakeUnitOfWork()))


def test_nearest_deadline_first_and_every_case_once_across_pages(w: World) -> None:
    opened = []
    for i in (3, 1, 4, 0, 2):  # opened in this order, an hour apart: deadlines in the same order
        opened.append(w.open(order=f"o{i}").id)
        w.advance(timedelta(hours=1))
    seen, after = [], None
    while True:
        page = w.dispatch(q.Workbench(actor=OWNER, after=after, limit=2))
        seen += [x.id for x in page.items]
        assert len(page.items) <= 2
        if page.after is None:
            break
        after = page.after  # type: ignore[assignment]
    assert seen == opened


def test_filters_by_status_type_assignee_and_order(w: World) -> None:
    a = w.open(order="o1")
    b = w.open(CaseType.REFUND_ONLY, order="o2")
    w.act(a, "agree")
    w.dispatch(c.AssignCase(actor=OWNER, case_id=b.id, assignee="s1-li"))

    def ids(**kw: object) -> list[str]:
        return [x.id for x in w.dispatch(q.Workbench(actor=OWNER, **kw)).items]  # type: ignore[arg-type]

    assert ids() == [b.id]  # a waits for the buyer now
    assert ids(statuses=(Status.AWAITING_RETURN,)) == [a.id]
    assert ids(type=CaseType.RETURN_REFUND) == []
    assert ids(assignee="s1-li") == [b.id] and ids(assignee="") == []
    assert ids(order_id="o2") == [b.id] and ids(order_id="o1") == []


def test_a_case_is_given_to_a_member_of_its_own_store_only(w: World) -> None:
    case = w.open(order="o1")
    after = w.dispatch(c.AssignCase(actor=OWNER, case_id=case.id, assignee="s1-li"))
    assert after.assignee == "s1-li" and after.status is Status.AWAITING_SELLER
    assert after.deadline == case.deadline  # the seller's clock keeps running
    events = w.dispatch(q.CaseEvents(actor=OWNER, case_id=case.id)).items
    assert (events[-1].action, events[-1].data["assignee"], events[-1].data["staff"]) == ("assign", "s1-li", "s1-owner")
    for who in ("s1-view", "nobody"):
        with pytest.raises(errors.ValidationFailed):
            w.dispatch(c.AssignCase(actor=OWNER, case_id=case.id, assignee=who))
    with pytest.raises(errors.Forbidden):
        w.dispatch(c.AssignCase(actor=Actor(Role.BUYER, "b1"), case_id=case.id, assignee="s1-li"))
    viewer = Actor(Role.SELLER, "s1", staff="s1-view", team_role="viewer")
    with pytest.raises(errors.Forbidden):
        w.dispatch(c.AssignCase(actor=viewer, case_id=case.id, assignee="s1-li"))
    with pytest.raises(errors.NotFound):
        w.dispatch(c.AssignCase(actor=Actor(Role.SELLER, "s2"), case_id=case.id, assignee=None))


def test_the_workbench_is_the_stores_own(w: World) -> None:
    w.open(order="o1")
    assert w.dispatch(q.Workbench(actor=Actor(Role.SELLER, "s2"))).items == []
    with pytest.raises(errors.Forbidden):
        w.dispatch(q.Workbench(actor=Actor(Role.BUYER, "b1")))
