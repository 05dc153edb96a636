"""The SQL unit of work on SQLite and PostgreSQL: what the services rely on."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork
from aftersales.domain import errors
from aftersales.domain.model import CaseType, Category, Line, Status
from aftersales.services import commands as cmd
from tests.builders import World, make_order

H = timedelta(hours=1)


def world(db: Database) -> World:
    w = World(SqlUnitOfWork(db))
    w.order(make_order())
    return w


def test_a_case_round_trips_with_everything_on_it(db: Database) -> None:
    w = world(db)
    c = w.open(CaseType.RETURN_REFUND, "quality", 15000)
    c = w.act(c, "agree")
    c = w.act(c, "ship_return", carrier="SF", tracking_no="SF1", fee=1800)
    got = w.get(c)
    assert got == c
    assert got.deadline is not None and got.deadline.tzinfo is not None
    assert got.return_shipment is not None and got.return_shipment.fee == 1800
    assert got.freight is not None and got.freight.compensation == 1800


def test_an_order_round_trips_and_advances(db: Database) -> None:
    w = world(db)
    o = make_order("o9", state="shipped", lines=[Line("a", "x", Category.FOOD, 2, 100, no_reason_waived=True),
                                                 Line("b", "y", Category.GENERAL, 1, 200)])
    w.order(o)
    uow = SqlUnitOfWork(db)
    with uow.read():
        assert uow.orders.get("o9") == o
    advanced = make_order("o9", state="completed", lines=o.lines)
    w.order(advanced)
    with uow.read():
        got = uow.orders.get("o9")
    assert got is not None and got.completed_at == advanced.completed_at


def test_two_concurrent_opens_on_one_line_one_wins(db: Database) -> None:
    w = world(db)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def open_one() -> None:
        mine = w.twin(SqlUnitOfWork(db))  # one id source, as in one deployment
        barrier.wait()
        try:
            mine.open()
            results.append("opened")
        except errors.CaseAlreadyOpen:
            results.append("refused")

    threads = [threading.Thread(target=open_one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["opened", "refused"]


def test_agree_then_withdraw_is_a_legal_serial_order(db: Database) -> None:
    """Why the concurrency test below races agree against refuse: a buyer may withdraw while
    awaiting the return, so agree and withdraw may both succeed, one after the other."""
    w = world(db)
    c = w.open()
    assert w.act(c, "agree").status is Status.AWAITING_RETURN
    assert w.act(c, "withdraw").status is Status.CLOSED


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_actions_on_one_case_serialise(db: Database, attempt: int) -> None:
    """Agree and refuse both start from awaiting_seller and each ends it: in whichever order the
    two land, exactly one wins and the other sees the new status, never a lost update."""
    w = world(db)
    c = w.open()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def act(action: str, **params: object) -> None:
        mine = w.twin(SqlUnitOfWork(db))
        barrier.wait()
        try:
            mine.act(c, action, **params)
            outcomes.append(action)
        except errors.DomainError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=act, args=("agree",)),
               threading.Thread(target=act, args=("refuse",), kwargs={"reason": "not_as_claimed"})]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) in (["agree", "illegal_transition"], ["illegal_transition", "refuse"])
    after = w.get(c)
    assert after.version == 2
    assert after.status is (Status.AWAITING_RETURN if "agree" in outcomes else Status.SELLER_REFUSED)


def test_a_stale_version_is_refused(db: Database) -> None:
    w = world(db)
    c = w.open()
    with pytest.raises(errors.VersionConflict):
        w.act(c, "agree", expected_version=7)


def test_a_refused_action_writes_nothing(db: Database) -> None:
    w = world(db)
    c = w.open(CaseType.RETURN_REFUND, "no_reason")
    with pytest.raises(errors.RefusalNotAllowed):
        w.act(c, "refuse", reason="not_as_claimed")
    uow = SqlUnitOfWork(db)
    with uow.read():
        assert [e.action for e in uow.cases.events(c.id, 0, 10)] == ["open"]
    assert w.get(c) == c


def test_timers_are_claimed_by_lease_and_fenced_by_entry(db: Database) -> None:
    w = world(db)
    c = w.open()
    uow = SqlUnitOfWork(db)
    real = datetime.now(UTC)
    with uow.transaction():
        assert uow.timers.claim_due(w.now + 47 * H, "a", real + H, real, 10) == []
        claimed = uow.timers.claim_due(w.now + 49 * H, "a", real + H, real, 10)
    assert [(t.case_id, t.action) for t in claimed] == [(c.id, "agree")]
    with uow.transaction():  # leased: a second worker gets nothing
        assert uow.timers.claim_due(w.now + 49 * H, "b", real + H, real, 10) == []
    with uow.transaction():  # the lease lapsed: it is claimed again
        again = uow.timers.claim_due(w.now + 49 * H, "b", real + 3 * H, real + 2 * H, 10)
    assert again == claimed
    # The buyer withdraws before the worker fires: the claimed timer is now stale.
    w.act(c, "withdraw")
    assert w(cmd.FireTimer(timer=claimed[0])) is False
    assert w.get(c).status is Status.CLOSED and w.get(c).version == 2


def test_several_workers_fire_each_timer_once(db: Database) -> None:
    w = world(db)
    ids = []
    for i in range(12):
        w.order(make_order(f"m{i}"))
        ids.append(w.open(order=f"m{i}").id)
    due = w.now + 49 * H
    w.now = due
    errors_seen: list[BaseException] = []

    def run(name: str) -> None:
        try:
            mine = w.twin(SqlUnitOfWork(db))
            while mine(cmd.FireDueTimers(owner=name, lease_seconds=3600, limit=3)):
                pass
        except BaseException as exc:  # surfaced below
            errors_seen.append(exc)

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors_seen == []
    uow = SqlUnitOfWork(db)
    with uow.read():
        for cid in ids:
            actions = [e.action for e in uow.cases.events(cid, 0, 100)]
            assert actions == ["open", "agree"], (cid, actions)


def test_failed_sign_ins_count_per_name_and_per_source(db: Database) -> None:
    uow, t0 = SqlUnitOfWork(db), datetime(2026, 3, 4, 1, 0, tzinfo=UTC)
    with uow.transaction():
        for i in range(10):
            uow.users.fail("s1-owner", "203.0.113.7", t0 + timedelta(seconds=i))
        uow.users.fail("s1-owner", "198.51.100.2", t0 + timedelta(seconds=20))
        uow.users.fail("s2-owner", "203.0.113.7", t0 - timedelta(hours=1))  # out of the window
    since = t0 - timedelta(minutes=15)
    with uow.read():
        assert uow.users.failures_since("s1-owner", since) == 11
        assert uow.users.source_failures_since("203.0.113.7", since) == 10
        sources = uow.users.busiest(since, 10, by="source")
        names = uow.users.busiest(since, 10, by="name")
    assert [(f.key, f.failures, f.first_at) for f in sources] == [("203.0.113.7", 10, t0)]
    assert [(f.key, f.failures) for f in names] == [("s1-owner", 11)]
    with uow.transaction():
        uow.users.clear_failures("s1-owner", "198.51.100.2")
    with uow.read():
        assert uow.users.failures_since("s1-owner", since) == 10
