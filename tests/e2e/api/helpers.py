"""What the HTTP tests check again and again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from aftersales.adapters.db import tables as t
from tests.e2e.conftest import Api

PROBLEM = "application/problem+json"


def count_cases(api: Api) -> int:
    assert api.system.db is not None
    with api.system.db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.cases)).scalar_one())


def assert_problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers["content-type"]
    body = r.json()
    assert body["code"] == code and body["status"] == status
    assert body["type"] == f"urn:aftersales:problem:{code}" and body["title"] and body["detail"]
    return dict(body)
