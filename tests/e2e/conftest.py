"""An API client against a real app on a real database (a migrated SQLite file by default)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aftersales.adapters.db.engine import Database
from aftersales.bootstrap import Settings, System, bootstrap
from aftersales.entrypoints.api.app import create_app
from tests.contract import conforms

ADMIN = "test-admin-token"
ORDER = {
    "id": "o1", "store": "s1", "buyer": "b1",
    "paid_at": "2026-03-01T10:00:00+08:00", "shipped_at": "2026-03-01T18:00:00+08:00",
    "delivered_at": "2026-03-03T12:00:00+08:00", "completed_at": None, "shipping_fee": "0.00",
    "lines": [{"id": "l1", "title": "羊毛衫", "category": "apparel", "quantity": 1, "paid": "199.00"},
              {"id": "l2", "title": "围巾", "category": "apparel", "quantity": 1, "paid": "59.00"}],
}


@dataclass
class Api:
    client: TestClient
    system: System
    tokens: dict[str, str] = field(default_factory=dict)

    def h(self, who: str, **extra: str) -> dict[str, str]:
        """Headers for ``who``: admin, or role:subject (tokens are issued on first use)."""
        if who == "admin":
            token = ADMIN
        else:
            if who not in self.tokens:
                role, subject = who.split(":")
                r = self.client.post("/api/v1/tokens", json={"role": role, "subject": subject},
                                     headers={"Authorization": f"Bearer {ADMIN}"})
                assert r.status_code == 201, r.text
                self.tokens[who] = r.json()["token"]
            token = self.tokens[who]
        return {"Authorization": f"Bearer {token}", **extra}

    def post(self, path: str, who: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(path, json=body, headers=self.h(who, **headers))

    def get(self, path: str, who: str, **headers: str) -> Any:
        return self.client.get(path, headers=self.h(who, **headers))

    def clock(self, now: str) -> None:
        r = self.post("/api/v1/test-clock", "admin", {"now": now})
        assert r.status_code == 200, r.text

    def setup_order(self, order: dict[str, Any] | None = None, store: str = "s1") -> None:
        r = self.post("/api/v1/stores", "integration:oms", {"id": store, "return_address": "杭州市文一西路 969 号"})
        assert r.status_code in (200, 201), r.text
        r = self.post("/api/v1/orders", "integration:oms", order or ORDER)
        assert r.status_code in (200, 201), r.text

    def open(self, line: str = "l1", type_: str = "return_refund", reason: str = "no_reason",
             amount: str | None = "199.00", who: str = "buyer:b1", order: str = "o1", **headers: str) -> Any:
        body = {"order_id": order, "line_id": line, "type": type_, "reason": reason}
        if amount is not None:
            body["amount"] = amount
        return self.post("/api/v1/cases", who, body, **headers)

    def run_worker_once(self) -> int:
        from aftersales.entrypoints.worker import Worker

        return Worker(self.system).run_once()


def make_api(db: Database, *, clock: str = "test") -> Api:
    # A folder of its own for the evidence bytes, whatever the engine (a server database would
    # otherwise keep them in ./aftersales-blobs).
    blobs = tempfile.mkdtemp(prefix="aftersales-e2e-blobs-")
    system = bootstrap(Settings(database_url=db.url, admin_token=ADMIN, clock=clock, blob_dir=blobs), db=db)
    client = TestClient(create_app(system), raise_server_exceptions=False)
    client.event_hooks = {"request": [], "response": [conforms]}
    return Api(client, system)


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """An API over SQLite; AFTERSALES_E2E_ENGINE=postgres runs the same tests over PostgreSQL."""
    import os

    engine = os.environ.get("AFTERSALES_E2E_ENGINE", "sqlite")
    database = request.getfixturevalue("sqlite_db" if engine == "sqlite" else "pg_db")
    if engine != "sqlite":
        request.node.add_marker(pytest.mark.postgres)
    a = make_api(database)
    a.clock("2026-03-04T09:00:00+08:00")
    a.setup_order()
    yield a
    a.client.close()


@pytest.fixture
def pg_db(pg_template: str) -> Iterator[Database]:
    from tests.conftest import _truncate_pg

    database = Database(pg_template)
    _truncate_pg(database)
    yield database
    database.dispose()
