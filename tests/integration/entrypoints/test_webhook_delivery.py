"""Webhooks to a receiver that fails (issue 15, acceptance 1): two `aftersales worker` processes
deliver 1,000 case events to a loopback receiver that answers 500 to 30 % of requests at random
and 5 % too late (it keeps the event; the acknowledgement is lost), while the secret is rotated
half way. Every event arrives, every signature verifies with the ``standardwebhooks`` package,
each case's events arrive in order, and an event is sent again after it was acknowledged never:
a second copy only where the first was not acknowledged."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork
from aftersales.adapters.keys import DerivedSecrets, system_key
from aftersales.domain.model import Actor, CaseType, Role
from aftersales.services import commands as c
from aftersales.services.dispatch import Dispatcher
from aftersales.services.webhooks import requests as w
from tests.builders import T0, World, make_order
from tests.receiver import Receiver

CASES = 250  # four events each: opened, two messages, agreed
KEY = {"AFTERSALES_SECRET_KEY": "a loopback test's system key"}
TIMEOUT = 2.0  # seconds the sender waits; the receiver's late answers come after 3


def _worker(db: Database, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **KEY, "AFTERSALES_DATABASE_URL": db.url, "AFTERSALES_CLOCK": "test",
           "AFTERSALES_WEBHOOK_ALLOW_PRIVATE": "1", "AFTERSALES_WEBHOOK_RETRY_SCALE": "0.0002",
           "AFTERSALES_WEBHOOK_TIMEOUT": str(TIMEOUT), "AFTERSALES_WEBHOOK_SENDERS": "8",
           "AFTERSALES_LOG_LEVEL": "WARNING"}
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "aftersales.entrypoints.cli", "worker"], env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def _world(db: Database) -> World:
    world = World(SqlUnitOfWork(db))
    world.deps = dataclasses.replace(world.deps, secrets=DerivedSecrets(system_key(db.url, KEY)))
    world.dispatch = Dispatcher(lambda: world.uow, world.deps)
    uow = SqlUnitOfWork(db)
    with uow.transaction():  # the workers' clock: nothing falls due while the test runs
        uow.system.set_test_clock(T0, datetime.now(UTC))
    return world


def _make_events(world: World, first: int, last: int) -> None:
    for i in range(first, last):
        world.order(make_order(f"w{i}", state="delivered", paid=1000 + i))
        case = world.open(CaseType.RETURN_REFUND, "no_reason", 1000 + i, order=f"w{i}")
        world(c.PostMessage(actor=Actor(Role.BUYER, "b1"), case_id=case.id, text="请尽快处理"))
        world(c.PostMessage(actor=Actor(Role.SELLER, "s1"), case_id=case.id, text="好的"))
        world.act(case.id, "agree")


@pytest.mark.slow
def test_every_event_reaches_a_failing_receiver_once_acknowledged_in_order(db: Database, tmp_path: Path) -> None:
    world = _world(db)
    admin = Actor(Role.OPERATOR, "ops")
    receiver = Receiver(fail=0.30, late=0.05, late_seconds=TIMEOUT + 1)
    made = world(w.CreateEndpoint(actor=admin, url=receiver.url))
    receiver.secrets.append(made.secret)
    log = tmp_path / "workers.log"
    workers = [_worker(db, log), _worker(db, log)]
    started = time.monotonic()
    try:
        _make_events(world, 0, CASES // 2)
        receiver.wait_for(CASES, timeout=120)  # a good part delivered: rotate in the middle
        rotated = world(w.RotateSecret(actor=admin, endpoint_id=made.endpoint.id))
        receiver.secrets.append(rotated.secret)
        rotated_at = time.monotonic()
        _make_events(world, CASES // 2, CASES)
        made_at = time.monotonic()
        got = receiver.wait_for(CASES * 4, timeout=300)
        done_at = time.monotonic()
    finally:
        for p in workers:
            p.send_signal(signal.SIGTERM)
        for p in workers:
            p.wait(timeout=30)
        receiver.close()

    with db.engine.connect() as conn:
        written = conn.execute(select(t.outbox.c.id)).scalars().all()
    assert len(written) == CASES * 4
    acknowledged = Counter(r.event_id for r in got if r.answered == "ok")
    missing = set(written) - set(acknowledged)
    assert not missing, f"{len(missing)} events never acknowledged; workers said: {log.read_text()[-2000:]}"
    # Sent again after an acknowledgement: never.
    assert [e for e, n in acknowledged.items() if n > 1] == []
    # Every request signed, verified by the standardwebhooks package; after the rotation (and the
    # batch claimed before it, sent within seconds), with either secret.
    assert all(r.verified_with for r in got)
    after = [r for r in got if r.at > rotated_at + 2 * TIMEOUT + 5]
    assert after, "nothing was sent after the rotation; the test proved nothing about it"
    one = [(r.verified_with, round(r.at - rotated_at, 2), r.answered, r.event_id) for r in after
           if r.verified_with != (0, 1)]
    assert one == []
    # Each case's events in order: a later one never before an earlier one, retries included.
    per_case: dict[str, list[int]] = defaultdict(list)
    for r in got:
        per_case[r.body["data"]["case"]["id"]].append(r.body["data"]["event"]["seq"])
    disorder = {case: seqs for case, seqs in per_case.items() if seqs != sorted(seqs)}
    assert disorder == {}
    # The faults were there: failures retried and lost acknowledgements answered by a second copy.
    answered = Counter(r.answered for r in got)
    assert answered["failed"] > 200 and answered["late"] > 20, answered
    print(f"\n{len(written)} events, {len(got)} requests: {dict(answered)}; "
          f"{sum(1 for e in Counter(r.event_id for r in got).values() if e > 1)} events received more than once; "
          f"made in {made_at - started:.1f} s, all acknowledged {done_at - made_at:.1f} s later")
