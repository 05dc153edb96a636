"""The HTTP API over the in-memory fakes: every route reaches its use case through the dispatcher
and the unit-of-work port alone, so it runs without a database (and in milliseconds)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from aftersales import bootstrap
from aftersales.adapters import packs
from aftersales.adapters.clocks import ManualClock
from aftersales.adapters.payments import InMemoryGateway
from aftersales.entrypoints.api.app import create_app
from aftersales.entrypoints.worker import Worker
from tests.conftest import dt
from tests.contract import conforms
from tests.e2e.conftest import ORDER
from tests.fakes import FakeUnitOfWork

ADMIN = "fake-admin"


@pytest.fixture
def client() -> Iterator[tuple[TestClient, ManualClock, bootstrap.System]]:
    uow, clock = FakeUnitOfWork(), ManualClock(dt("2026-03-04T09:00:00+08:00"))
    deps = bootstrap.deps_for(packs.load("taobao"), clock=clock, gateway=InMemoryGateway(), admin_token=ADMIN)
    system = bootstrap.with_uow(lambda: uow, deps)
    with TestClient(create_app(system)) as c:
        c.event_hooks = {"request": [], "response": [conforms]}
        yield c, clock, system


def token(c: TestClient, role: str, subject: str) -> dict[str, str]:
    r = c.post("/api/v1/tokens", json={"role": role, "subject": subject}, headers={"Authorization": f"Bearer {ADMIN}"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_a_return_walked_through_on_the_fakes(client: tuple[TestClient, ManualClock, bootstrap.System]) -> None:
    c, clock, system = client
    oms, buyer, seller = token(c, "integration", "oms"), token(c, "buyer", "b1"), token(c, "seller", "s1")
    assert c.post("/api/v1/stores", json={"id": "s1", "return_address": "杭州"}, headers=oms).status_code == 201
    assert c.post("/api/v1/orders", json=ORDER, headers=oms).status_code == 201
    case = c.post("/api/v1/cases", headers={**buyer, "Idempotency-Key": "k"}, json={
        "order_id": "o1", "line_id": "l1", "type": "return_refund", "reason": "no_reason", "amount": "199.00"}).json()
    assert case["deadline"] == "2026-03-06T09:00:00+08:00"
    clock.set(dt("2026-03-06T09:00:01+08:00"))
    Worker(system).run_once()  # the seller's 48 h ran out: agreed for them
    cid = case["id"]
    assert c.get(f"/api/v1/cases/{cid}", headers=buyer).json()["status"] == "awaiting_return"
    c.post(f"/api/v1/cases/{cid}/ship_return", json={"carrier": "SF", "tracking_no": "1"}, headers=buyer)
    c.post(f"/api/v1/cases/{cid}/confirm_receipt", headers=seller)
    Worker(system).run_once()
    done = c.get(f"/api/v1/cases/{cid}", headers=buyer).json()
    assert (done["status"], done["refunded"]) == ("completed", "199.00")
    events = c.get(f"/api/v1/cases/{cid}/events", headers=seller).json()["data"]
    assert [e["action"] for e in events] == ["open", "agree", "ship_return", "confirm_receipt", "settle"]
    assert c.get(f"/api/v1/cases/{cid}", headers=token(c, "buyer", "b2")).status_code == 404
    assert c.get("/api/v1/interventions", headers=token(c, "agent", "a1")).json()["data"] == []
    assert c.get("/healthz").json() == {"status": "ok"}
