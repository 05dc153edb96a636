"""Two workers settling refunds through a slow gateway, on SQLite and PostgreSQL: a payout is
claimed before the gateway is called, so it reaches the gateway once and counts one attempt."""

from __future__ import annotations

import dataclasses
import threading

from sqlalchemy import select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork
from aftersales.adapters.payments import LedgerGateway
from aftersales.services import commands as cmd
from aftersales.services.dispatch import Dispatcher
from tests.builders import World, make_order

N = 8


def test_two_workers_and_a_slow_gateway_pay_each_refund_once(db: Database) -> None:
    w = World(SqlUnitOfWork(db))
    for i in range(N):
        w.order(make_order(f"p{i}", state="paid"))
        w.act(w.open("refund_only", "changed_mind", order=f"p{i}"), "agree")  # refunding, a payout pending
    # 250 ms a call, as the gateway answered when 58 of 60 refunds were sent twice.
    deps = dataclasses.replace(w.deps, gateway=LedgerGateway(db, delay_ms=250))
    failures: list[BaseException] = []

    def worker(name: str) -> None:
        dispatch = Dispatcher(lambda: SqlUnitOfWork(db), deps)
        try:
            while dispatch(cmd.SettlePayouts(owner=name, lease_seconds=60, limit=2)):
                pass
        except BaseException as exc:  # surfaced below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert failures == []
    with db.engine.connect() as conn:
        calls = conn.execute(select(t.sim_gateway_ledger.c.calls)).scalars().all()
        payouts = conn.execute(select(t.payouts.c.state, t.payouts.c.attempts, t.payouts.c.lease_owner)).all()
        statuses = conn.execute(select(t.cases.c.status)).scalars().all()
    assert sorted(calls) == [1] * N, calls  # each refund reached the gateway once
    assert [(p.state, p.attempts) for p in payouts] == [("succeeded", 1)] * N
    assert set(statuses) == {"completed"}


def test_a_claimed_payout_is_left_alone_until_its_lease_lapses(db: Database) -> None:
    from datetime import UTC, datetime, timedelta

    w = World(SqlUnitOfWork(db))
    w.order(make_order("p1", state="paid"))
    w.act(w.open("refund_only", "changed_mind", order="p1"), "agree")
    uow, now = SqlUnitOfWork(db), datetime.now(UTC)
    with uow.transaction():
        first = uow.payouts.claim(now, "a", now + timedelta(minutes=1), 10)
    with uow.transaction():
        assert uow.payouts.claim(now, "b", now + timedelta(minutes=1), 10) == []
    with uow.transaction():  # worker a died holding it: once the lease lapses, b takes it
        again = uow.payouts.claim(now + timedelta(minutes=2), "b", now + timedelta(minutes=3), 10)
    assert [p.key for p in again] == [p.key for p in first] and [p.attempts for p in again] == [2]
