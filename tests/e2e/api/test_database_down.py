"""A database that goes away: every route and page answers 503 `unavailable` with Retry-After,
on both engines, never 500; once it is back, the same requests work."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from aftersales.adapters.db.engine import Database
from tests.e2e.conftest import Api, make_api
from tests.netproxy import Proxy

Request = Callable[[Api], Any]


def _requests(case_id: str, session: str) -> dict[str, Request]:
    """One of each kind: reads and writes of the API by token, pages by session, the health check."""
    page = {"Accept": "text/html", "Cookie": f"as_session={session}"}
    return {
        "list cases": lambda a: a.get("/api/v1/cases", "buyer:b1"),
        "one case": lambda a: a.get(f"/api/v1/cases/{case_id}", "buyer:b1"),
        "open a case": lambda a: a.open(line="l2", amount="59.00"),
        "push an order": lambda a: a.post("/api/v1/orders", "integration:oms", {
            "id": "o9", "store": "s1", "buyer": "b1", "paid_at": "2026-03-01T10:00:00+08:00",
            "lines": [{"id": "l1", "title": "帽子", "category": "apparel", "quantity": 1, "paid": "29.00"}]}),
        "act": lambda a: a.post(f"/api/v1/cases/{case_id}/agree", "seller:s1", {}),
        "interventions (admin token)": lambda a: a.get("/api/v1/interventions", "admin"),
        "tokens (admin token)": lambda a: a.get("/api/v1/tokens", "admin"),
        "eligibility": lambda a: a.get("/api/v1/orders/o1/lines/l2/eligibility", "buyer:b1"),
        "upload": lambda a: a.client.post("/api/v1/evidence", files={"file": ("a.txt", b"hello", "text/plain")},
                                          data={"kind": "chat_log"}, headers=a.h("buyer:b1")),
        "orders page": lambda a: a.client.get("/orders", headers=page),
        "case page": lambda a: a.client.get(f"/cases/{case_id}", headers=page),
        "sign-in form sent": lambda a: a.client.post("/login", data={"name": "x", "password": "y"},
                                                     headers={"Accept": "text/html"}),
        "health": lambda a: a.client.get("/healthz"),
    }


def _ready(api: Api) -> tuple[str, str]:
    api.h("buyer:b1"), api.h("seller:s1"), api.h("integration:oms")  # tokens issued while it is up
    opened = api.open()
    assert opened.status_code == 201, opened.text
    link = api.post("/api/v1/login-links", "integration:oms", {"buyer": "b1"}).json()["url"]
    r = api.client.get(link, follow_redirects=False)
    assert r.status_code == 303, r.text
    session = r.cookies.get("as_session") or api.client.cookies.get("as_session")
    api.client.cookies.clear()
    assert session
    return opened.json()["id"], session


def _all_unavailable(api: Api, requests: dict[str, Request]) -> None:
    for what, send in requests.items():
        r = send(api)
        assert r.status_code == 503, f"{what}: {r.status_code} {r.text[:300]}"
        assert int(r.headers["retry-after"]) > 0, what
        if r.headers["content-type"].startswith("text/html"):
            assert "暂时不可用" in r.text, what
        else:
            assert r.json()["code"] == "unavailable", what


@pytest.fixture
def pg_behind_proxy(pg_db: Database) -> Iterator[tuple[Database, Proxy]]:
    url = make_url(pg_db.url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    db = Database(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    yield db, proxy
    proxy.cut()
    db.dispose()


@pytest.mark.postgres
def test_postgresql_gone_answers_503_everywhere(pg_behind_proxy: tuple[Database, Proxy]) -> None:
    db, proxy = pg_behind_proxy
    api = make_api(db)
    api.clock("2026-03-04T09:00:00+08:00")
    api.setup_order()
    case_id, session = _ready(api)
    proxy.cut()
    _all_unavailable(api, _requests(case_id, session))


def test_sqlite_file_gone_answers_503_everywhere(sqlite_db: Database, tmp_path: Path) -> None:
    api = make_api(sqlite_db)
    api.clock("2026-03-04T09:00:00+08:00")
    api.setup_order()
    case_id, session = _ready(api)
    # The disk the file was on goes away: open connections are dropped, new ones cannot open it.
    folder = Path(sqlite_db.url.removeprefix("sqlite:///")).parent
    sqlite_db.engine.dispose()
    moved = tmp_path.parent / (tmp_path.name + "-gone")
    shutil.move(str(folder), str(moved))
    try:
        _all_unavailable(api, _requests(case_id, session))
    finally:
        shutil.move(str(moved), str(folder))
    assert api.get("/api/v1/cases", "buyer:b1").status_code == 200
