"""API tokens: shown once, never replayed, revoked for every process at once, and expiring."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.engine import Database
from tests.e2e.api.helpers import assert_problem
from tests.e2e.conftest import ADMIN, Api, make_api


def admin(api: Api, path: str, body: object = None, **headers: str) -> object:
    return api.client.post(path, json=body, headers={"Authorization": f"Bearer {ADMIN}", **headers})


def test_a_token_is_shown_once_and_a_retry_with_its_key_says_so(api: Api) -> None:
    first = admin(api, "/api/v1/tokens", {"role": "buyer", "subject": "b7"}, **{"Idempotency-Key": "t-1"})
    assert first.status_code == 201  # type: ignore[attr-defined]
    token = first.json()["token"]  # type: ignore[attr-defined]
    again = admin(api, "/api/v1/tokens", {"role": "buyer", "subject": "b7"}, **{"Idempotency-Key": "t-1"})
    problem = assert_problem(again, 409, "token_not_replayable")
    assert token not in again.text  # type: ignore[attr-defined]
    assert api.system.db is not None
    with api.system.db.engine.connect() as conn:
        stored = conn.execute(select(t.idempotency_keys.c.body)).scalars().all()
        hashes = conn.execute(select(t.tokens.c.token_hash)).scalars().all()
    assert stored and all(token.encode() not in body for body in stored), "the token was kept in the clear"
    assert all(token not in h for h in hashes)
    assert problem["detail_zh"]
    # The token still works: only its replay is refused.
    assert api.client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_revoked_token_is_refused_by_every_process_on_its_next_request(sqlite_db: Database) -> None:
    one, two = make_api(sqlite_db), make_api(sqlite_db)  # two servers over one database
    issued = admin(one, "/api/v1/tokens", {"role": "seller", "subject": "s1"}).json()  # type: ignore[attr-defined]
    bearer = {"Authorization": f"Bearer {issued['token']}"}
    assert two.client.get("/api/v1/cases", headers=bearer).status_code == 200
    listed = one.client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {ADMIN}"}).json()["data"]
    assert next(x for x in listed if x["id"] == issued["id"])["revoked_at"] is None
    assert "token" not in listed[0]
    r = one.client.delete(f"/api/v1/tokens/{issued['id']}", headers={"Authorization": f"Bearer {ADMIN}"})
    assert r.status_code == 204
    assert_problem(two.client.get("/api/v1/cases", headers=bearer), 401, "unauthorized")
    assert_problem(one.client.delete("/api/v1/tokens/999999", headers={"Authorization": f"Bearer {ADMIN}"}), 404,
                   "not_found")
    assert_problem(one.client.delete(f"/api/v1/tokens/{issued['id']}", headers=bearer), 401, "unauthorized")


def test_only_an_operator_manages_tokens(api: Api) -> None:
    assert_problem(api.get("/api/v1/tokens", "agent:a1"), 403, "forbidden")
    r = api.client.delete("/api/v1/tokens/1", headers=api.h("agent:a1"))
    assert_problem(r, 403, "forbidden")


def test_a_token_expires(api: Api) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    issued = admin(api, "/api/v1/tokens", {"role": "buyer", "subject": "b1",  # type: ignore[attr-defined]
                                           "expires_at": soon.isoformat()}).json()
    bearer = {"Authorization": f"Bearer {issued['token']}"}
    assert api.client.get("/api/v1/cases", headers=bearer).status_code == 200

    class Later:
        def now(self) -> datetime:
            return soon + timedelta(seconds=1)

    dispatch = api.system.dispatch
    dispatch.deps = dataclasses.replace(dispatch.deps, wall_clock=Later())
    assert_problem(api.client.get("/api/v1/cases", headers=bearer), 401, "unauthorized")
    past = admin(api, "/api/v1/tokens", {"role": "buyer", "subject": "b1", "expires_at": soon.isoformat()})
    assert_problem(past, 422, "validation_failed")
