"""Benchmark (f): the case page of a long negotiation beside a short one, in the same run. One case
has its opening and four more events; the other 200 events, 50 of them messages (the store and
the buyer taking turns, the store giving the case to one member after another in between). The
store owner's `GET /cases/{id}` of each is timed inside the process by calling the ASGI app
directly, alternated, after 20 to warm up (as `bench.workbench` does), and read as a ratio.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

from aftersales.bootstrap import Settings, bootstrap, upgrade_database
from aftersales.domain.inputs import CaseRequest
from aftersales.domain.model import Actor, CaseType, Category, Line, Order, Reason, Role
from aftersales.domain.stores import Store
from aftersales.services import commands as c
from aftersales.services import queries as q
from bench.workbench import T0, _call, _stats

OPERATOR = Actor(Role.OPERATOR, "bench")
OMS = Actor(Role.INTEGRATION, "oms")
OWNER = Actor(Role.SELLER, "s1", staff="owner", team_role="owner")


def _open(system: Any, order_id: str) -> str:
    from datetime import timedelta

    paid = T0 - timedelta(days=3)  # delivered the day before T0: the 7-day window is open
    line = Line("l1", "羊毛衫", Category.APPAREL, 1, 19900)
    system.dispatch(c.UpsertOrder(actor=OMS, order=Order(order_id, "s1", "b1", paid, paid + timedelta(hours=8),
                                                         paid + timedelta(days=2), None, 0, [line])))
    case = system.dispatch(c.OpenCase(actor=Actor(Role.BUYER, "b1"), order_id=order_id, line_id="l1",
                                      request=CaseRequest(CaseType.RETURN_REFUND, Reason.NO_REASON, 19900,
                                                          "尺码不合适", ())))
    return str(case.id)


def seed(system: Any) -> tuple[str, str]:
    """(short, long): 5 events against 200 events with 50 messages."""
    system.dispatch(c.SetTestClock(actor=OPERATOR, now=T0))  # the orders were delivered the day before
    system.dispatch(c.UpsertStore(actor=OMS, store=Store("s1", "s1", "杭州")))
    for name in ("owner", "li", "wang"):
        system.dispatch(c.AddUser(actor=OPERATOR, name=name, role="owner" if name == "owner" else "after_sales",
                                  store_id="s1", password="bench password"))
    short, long = _open(system, "o-short"), _open(system, "o-long")
    for i in range(4):  # the short one: opened, then given and taken back twice
        system.dispatch(c.AssignCase(actor=OWNER, case_id=short, assignee=("li", None)[i % 2]))
    buyer = Actor(Role.BUYER, "b1")
    for i in range(199):  # 1 + 199 = 200 events: every fourth a message, the rest assignments
        if i % 4 == 0 and i // 4 < 50:
            who = buyer if (i // 4) % 2 else OWNER
            system.dispatch(c.PostMessage(actor=who, case_id=long, text=f"第 {i // 4 + 1} 条留言:尺码还有吗?"))
        else:
            system.dispatch(c.AssignCase(actor=OWNER, case_id=long, assignee=("li", "wang", None)[i % 3]))
    events = {k: len(system.dispatch(q.CaseEvents(actor=OPERATOR, case_id=k, limit=500)).items) for k in (short, long)}
    messages = len(system.dispatch(q.CaseMessages(actor=OPERATOR, case_id=long, limit=500)).items)
    assert events == {short: 5, long: 200} and messages >= 50, (events, messages)
    return short, long


async def _measure(app: Any, cookie: str, short: str, long: str, rounds: int) -> dict[str, float]:
    h = [(b"cookie", f"as_session={cookie}".encode())]
    few: list[float] = []
    many: list[float] = []
    for i in range(rounds + 20):
        a = await _call(app, f"/cases/{short}", h)
        b = await _call(app, f"/cases/{long}", h)
        assert a[0] == 200 and b[0] == 200, (a, b)
        if i >= 20:
            few.append(a[1])
            many.append(b[1])
    s, m = _stats(few), _stats(many)
    return {"case_page_5_events_median_ms": s["median"], "case_page_200_events_median_ms": m["median"],
            "case_page_200_events_p99_ms": m["p99"], "case_page_200_over_5": round(m["median"] / s["median"], 2)}


def run(rounds: int = 200) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="aftersales-casepage-", dir=os.environ.get("BENCH_DIR")) as d:
        url = f"sqlite:///{Path(d) / 'case.db'}"
        upgrade_database(url)
        system = bootstrap(Settings(database_url=url, clock="test"))
        try:
            short, long = seed(system)
            session = system.dispatch(c.SignIn(name="owner", password="bench password"))
            from aftersales.entrypoints.api.app import create_app

            return asyncio.run(_measure(create_app(system), session.token, short, long, rounds))
        finally:
            system.close()


if __name__ == "__main__":
    print(run(int(os.environ.get("BENCH_ROUNDS", "200"))))
