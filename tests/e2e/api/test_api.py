"""The REST API of DESIGN 3.6, as a client sees it."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.repositories.cases import SqlCases
from tests import files
from tests.e2e.api.helpers import assert_problem, count_cases
from tests.e2e.conftest import ORDER, Api, make_api


def test_a_return_walked_through_end_to_end(db: Database) -> None:
    api = make_api(db)
    api.clock("2026-03-04T09:00:00+08:00")
    api.setup_order()
    r = api.get("/api/v1/orders/o1/lines/l1/eligibility", "buyer:b1")
    opt = next(o for o in r.json()["options"] if (o["type"], o["reason"]) == ("return_refund", "no_reason"))
    assert opt["allowed"] and opt["deadline"] == "2026-03-11T00:00:00+08:00" and opt["rule"] == "no_reason_7d"

    r = api.open()
    assert r.status_code == 201 and r.headers["location"] == f"/api/v1/cases/{r.json()['id']}"
    case = r.json()
    assert (case["status"], case["deadline"], case["deadline_action"]) == (
        "awaiting_seller", "2026-03-06T09:00:00+08:00", "agree")
    assert case["deadline_explanation"]["zh"] and case["deadline_explanation"]["en"]
    cid = case["id"]
    r = api.post(f"/api/v1/cases/{cid}/agree", "seller:s1", None, **{"If-Match": r.headers["etag"]})
    assert r.json()["status"] == "awaiting_return" and r.json()["return_address"] == "杭州市文一西路 969 号"
    r = api.post(f"/api/v1/cases/{cid}/ship_return", "buyer:b1", {"carrier": "SF", "tracking_no": "SF123"})
    assert r.json()["status"] == "awaiting_receipt"
    r = api.post(f"/api/v1/cases/{cid}/confirm_receipt", "seller:s1")
    assert r.json()["status"] == "refunding"
    api.run_worker_once()
    case = api.get(f"/api/v1/cases/{cid}", "buyer:b1").json()
    assert (case["status"], case["refunded"]) == ("completed", "199.00")
    assert case["freight"] == {"return_leg": "buyer", "outbound_leg": "seller", "replacement_leg": None,
                               "compensation": "0.00", "insurance": "0.00", "rule": "buyer_preference"}
    events = api.get(f"/api/v1/cases/{cid}/events", "seller:s1").json()["data"]
    assert [e["action"] for e in events] == ["open", "agree", "ship_return", "confirm_receipt", "settle"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5] and case["version"] == 5


class TestEveryErrorIsAProblem:
    def test_unauthorized(self, api: Api) -> None:
        assert_problem(api.client.get("/api/v1/cases"), 401, "unauthorized")
        r = api.client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"})
        assert_problem(r, 401, "unauthorized")
        assert r.headers["www-authenticate"] == "Bearer"

    @pytest.mark.parametrize("body", [
        {"order_id": "o1", "line_id": "l1", "type": "return_refund", "reason": "no_reason", "amount": "1e3"},
        {"order_id": "o1", "line_id": "l1", "type": "return_refund", "reason": "no_reason", "amount": 199.0},
        {"order_id": "o1", "line_id": "l1", "type": "refund_everything", "reason": "no_reason"},
        {"order_id": "o1", "line_id": "l1", "type": "return_refund", "reason": "no_reason", "extra": 1},
        {"order_id": "o1", "type": "return_refund", "reason": "no_reason"},
        {"order_id": "o1", "line_id": "l1", "type": "exchange", "reason": "size", "amount": "10.00"},
        {"order_id": "o1", "line_id": "l1", "type": "return_refund", "reason": "no_reason", "amount": "0.00"},
        [],
    ])
    def test_validation_failed_writes_nothing(self, api: Api, body: Any) -> None:
        problem = assert_problem(api.post("/api/v1/cases", "buyer:b1", body), 422, "validation_failed")
        assert problem["detail_zh"]
        assert count_cases(api) == 0

    def test_validation_of_queries_and_malformed_json(self, api: Api) -> None:
        assert_problem(api.get("/api/v1/cases?limit=101", "buyer:b1"), 422, "validation_failed")
        assert_problem(api.get("/api/v1/cases?cursor=garbage", "buyer:b1"), 422, "validation_failed")
        assert_problem(api.get("/api/v1/cases?status=happy", "buyer:b1"), 422, "validation_failed")
        r = api.client.post("/api/v1/cases", content=b"{not json", headers=api.h("buyer:b1",
                            **{"Content-Type": "application/json"}))
        assert_problem(r, 422, "validation_failed")
        naive = {**ORDER, "paid_at": "2026-03-01T10:00:00"}
        assert_problem(api.post("/api/v1/orders", "integration:oms", naive), 422, "validation_failed")
        assert_problem(api.get("/api/v1/cases?tz=Mars/Base", "buyer:b1"), 422, "validation_failed")

    def test_not_found_and_method_not_allowed(self, api: Api) -> None:
        cid = api.open().json()["id"]
        assert_problem(api.get(f"/api/v1/cases/{cid}", "buyer:b2"), 404, "not_found")
        assert_problem(api.get(f"/api/v1/cases/{cid}", "seller:s9"), 404, "not_found")
        assert_problem(api.get("/api/v1/cases/cs_nothing", "agent:a1"), 404, "not_found")
        assert_problem(api.post(f"/api/v1/cases/{cid}/teleport", "buyer:b1"), 404, "not_found")
        assert_problem(api.open(who="buyer:b2"), 404, "not_found")
        assert_problem(api.client.delete(f"/api/v1/cases/{cid}", headers=api.h("buyer:b1")), 405,
                       "method_not_allowed")

    def test_forbidden_is_about_the_role_not_the_status(self, api: Api) -> None:
        cid = api.open().json()["id"]
        assert_problem(api.post(f"/api/v1/cases/{cid}/agree", "buyer:b1"), 403, "forbidden")
        assert_problem(api.post(f"/api/v1/cases/{cid}/rule", "seller:s1", {"outcome": "refund"}), 403, "forbidden")
        assert_problem(api.post(f"/api/v1/cases/{cid}/withdraw", "integration:oms"), 403, "forbidden")
        assert_problem(api.post("/api/v1/tokens", "buyer:b1", {"role": "operator", "subject": "me"}), 403,
                       "forbidden")
        assert_problem(api.post("/api/v1/orders", "buyer:b1", ORDER), 403, "forbidden")
        assert_problem(api.get("/api/v1/cases?store=s2", "seller:s1"), 403, "forbidden")
        assert_problem(api.get("/api/v1/interventions", "buyer:b1"), 403, "forbidden")

    def test_version_conflict(self, api: Api) -> None:
        r = api.open()
        cid = r.json()["id"]
        assert r.headers["etag"] == '"1"'
        assert_problem(api.post(f"/api/v1/cases/{cid}/agree", "seller:s1", None, **{"If-Match": '"0"'}), 412,
                       "version_conflict")
        for garbage in ("yesterday", "", '"1.5"'):  # no version at all: the contract's pattern refuses it
            assert_problem(api.post(f"/api/v1/cases/{cid}/agree", "seller:s1", None, **{"If-Match": garbage}),
                           422, "validation_failed")
        assert api.get(f"/api/v1/cases/{cid}", "buyer:b1").json()["version"] == 1
        ok = api.post(f"/api/v1/cases/{cid}/agree", "seller:s1", None, **{"If-Match": 'W/"1"'})
        assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
        assert api.post(f"/api/v1/cases/{cid}/withdraw", "buyer:b1", None, **{"If-Match": "*"}).status_code == 200

    def test_illegal_transition(self, api: Api) -> None:
        cid = api.open().json()["id"]
        r = api.post(f"/api/v1/cases/{cid}/ship_return", "buyer:b1", {"carrier": "SF", "tracking_no": "1"})
        body = assert_problem(r, 409, "illegal_transition")
        assert body["status"] == 409 and "awaiting_seller" in body["detail"]

    def test_case_already_open_and_attempts(self, api: Api) -> None:
        api.open()
        assert_problem(api.open(type_="refund_only", reason="quality", amount="10.00"), 409, "case_already_open")
        done = {**ORDER, "id": "o2", "completed_at": "2026-03-04T08:00:00+08:00"}
        api.post("/api/v1/orders", "integration:oms", done)
        cid = api.open(order="o2", reason="quality").json()["id"]
        api.post(f"/api/v1/cases/{cid}/withdraw", "buyer:b1")
        assert_problem(api.open(order="o2", reason="quality"), 409, "attempts_exhausted")

    def test_not_eligible_and_window_expired(self, api: Api) -> None:
        p = assert_problem(api.open(type_="reship", reason="size", amount=None), 422, "not_eligible")
        assert "rule" in p
        api.clock("2026-03-11T00:00:00+08:00")
        p = assert_problem(api.open(), 422, "window_expired")
        assert "2026-03-11 00:00" in p["detail"] and p["rule"] == "no_reason_7d"
        assert count_cases(api) == 0

    def test_refusal_not_allowed_and_amount_exceeds_paid(self, api: Api) -> None:
        cid = api.open().json()["id"]
        assert_problem(api.post(f"/api/v1/cases/{cid}/refuse", "seller:s1", {"reason": "nope"}), 409,
                       "refusal_not_allowed")
        p = assert_problem(api.open(line="l2", type_="refund_only", reason="quality", amount="100.00"), 422,
                           "amount_exceeds_paid")
        assert p["max_amount"] == "59.00"

    def test_idempotency_conflict(self, api: Api) -> None:
        api.open(**{"Idempotency-Key": "k1"})
        assert_problem(api.open(amount="150.00", **{"Idempotency-Key": "k1"}), 422, "idempotency_conflict")
        assert count_cases(api) == 1

    def test_clock_moves_only_forward(self, api: Api) -> None:
        r = api.post("/api/v1/test-clock", "admin", {"now": "2026-01-01T00:00:00+08:00"})
        assert_problem(r, 409, "clock_moved_backwards")
        assert_problem(api.post("/api/v1/test-clock", "buyer:b1", {"now": "2027-01-01T00:00:00+08:00"}), 403,
                       "forbidden")


class TestCheckOrder:
    """DESIGN 3.2: the first failing check answers."""

    def test_unauthorized_before_validation(self, api: Api) -> None:
        assert_problem(api.client.post("/api/v1/cases", json=[]), 401, "unauthorized")

    def test_validation_before_idempotency_before_not_found(self, api: Api) -> None:
        api.open(**{"Idempotency-Key": "k"})
        assert_problem(api.open(amount="x", **{"Idempotency-Key": "k"}), 422, "validation_failed")
        assert_problem(api.open(order="nope", **{"Idempotency-Key": "k"}), 422, "idempotency_conflict")

    def test_not_found_before_forbidden_before_version(self, api: Api) -> None:
        cid = api.open().json()["id"]
        assert_problem(api.post(f"/api/v1/cases/{cid}/agree", "seller:s9", None, **{"If-Match": '"5"'}), 404,
                       "not_found")
        assert_problem(api.post(f"/api/v1/cases/{cid}/agree", "buyer:b1", None, **{"If-Match": '"5"'}), 403,
                       "forbidden")
        r = api.post(f"/api/v1/cases/{cid}/ship_return", "buyer:b1", {"carrier": "SF", "tracking_no": "1"},
                     **{"If-Match": '"5"'})
        assert_problem(r, 412, "version_conflict")


class TestIdempotency:
    def test_the_same_key_replays_the_stored_response(self, api: Api) -> None:
        first = api.open(**{"Idempotency-Key": "abc"})
        again = api.open(**{"Idempotency-Key": "abc"})
        assert again.status_code == 201 and again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true" and again.headers["etag"] == first.headers["etag"]
        assert count_cases(api) == 1

    def test_a_refusal_is_replayed_too(self, api: Api) -> None:
        api.clock("2026-03-12T00:00:00+08:00")
        first = api.open(**{"Idempotency-Key": "late"})
        api_again = api.open(**{"Idempotency-Key": "late"})
        assert first.status_code == api_again.status_code == 422
        assert api_again.json()["code"] == "window_expired"

    def test_keys_belong_to_their_principal(self, api: Api) -> None:
        api.setup_order({**ORDER, "id": "o2", "buyer": "b2"})
        api.open(**{"Idempotency-Key": "same"})
        r = api.open(order="o2", who="buyer:b2", **{"Idempotency-Key": "same"})
        assert r.status_code == 201 and count_cases(api) == 2

    def test_a_replayed_action_does_not_act_twice(self, api: Api) -> None:
        cid = api.open().json()["id"]
        a = api.post(f"/api/v1/cases/{cid}/agree", "seller:s1", None, **{"Idempotency-Key": "agree-1"})
        b = api.post(f"/api/v1/cases/{cid}/agree", "seller:s1", None, **{"Idempotency-Key": "agree-1"})
        assert a.status_code == b.status_code == 200 and b.json()["version"] == 2

    def test_concurrent_requests_with_one_key_open_one_case(self, api: Api) -> None:
        results: list[int] = []
        barrier = threading.Barrier(4)

        def go() -> None:
            barrier.wait()
            results.append(api.open(**{"Idempotency-Key": "race"}).status_code)

        threads = [threading.Thread(target=go) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert results == [201] * 4 and count_cases(api) == 1


def test_keyset_pages_are_stable_under_inserts(api: Api) -> None:
    lines = [{"id": f"l{i}", "title": "t", "category": "general", "quantity": 1, "paid": "10.00"} for i in range(25)]
    api.setup_order({**ORDER, "id": "big", "lines": lines})
    for i in range(23):
        assert api.open(order="big", line=f"l{i}", amount="10.00").status_code == 201
    page1 = api.get("/api/v1/cases?limit=10", "buyer:b1").json()
    assert page1["has_more"] and len(page1["data"]) == 10
    api.open(order="big", line="l23", amount="10.00")  # a new case arrives between pages
    page2 = api.get(f"/api/v1/cases?limit=10&cursor={page1['next_cursor']}", "buyer:b1")
    assert 'rel="next"' in page2.headers["link"]
    page3 = api.get(f"/api/v1/cases?limit=10&cursor={page2.json()['next_cursor']}", "buyer:b1").json()
    assert not page3["has_more"] and page3["next_cursor"] is None
    seen = [c["id"] for p in (page1, page2.json(), page3) for c in p["data"]]
    assert len(seen) == len(set(seen)) == 23
    assert api.get("/api/v1/cases?status=awaiting_seller", "seller:s1").json()["data"][0]["status"] == "awaiting_seller"
    assert api.get("/api/v1/cases", "buyer:b2").json()["data"] == []


def test_evidence_is_uploaded_cited_and_served_to_the_parties_only(api: Api) -> None:
    png = files.png()
    r = api.client.post("/api/v1/evidence", files={"file": ("a.png", png, "image/png")}, data={"kind": "photo"},
                        headers=api.h("buyer:b1"))
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["content_type"] == "image/png" and ev["case_id"] is None
    body = {"order_id": "o1", "line_id": "l1", "type": "return_refund", "reason": "quality", "amount": "199.00",
            "evidence_ids": [ev["id"]]}
    case = api.post("/api/v1/cases", "buyer:b1", body).json()
    assert case["evidence_ids"] == [ev["id"]]
    r = api.client.post(f"/api/v1/cases/{case['id']}/evidence", files={"file": ("chat.txt", "卖家说…".encode(),
                        "text/plain")}, data={"kind": "chat_log"}, headers=api.h("seller:s1"))
    assert r.status_code == 201
    after = api.get(f"/api/v1/cases/{case['id']}", "buyer:b1").json()
    assert after["version"] == 2 and after["deadline"] == case["deadline"]
    listed = api.get(f"/api/v1/cases/{case['id']}/evidence", "agent:a1").json()["data"]
    assert [e["kind"] for e in listed] == ["photo", "chat_log"]
    content = api.get(f"/api/v1/evidence/{ev['id']}/content", "seller:s1")
    # Kept as re-encoded (no metadata), and served as kept.
    assert content.content.startswith(b"\x89PNG") and len(content.content) == ev["size"]
    assert content.headers["x-content-type-options"] == "nosniff"
    assert_problem(api.get(f"/api/v1/evidence/{ev['id']}/content", "buyer:b2"), 404, "not_found")
    exe = api.client.post("/api/v1/evidence", files={"file": ("x.jpg", b"MZ\x90\x00\x03\x00", "image/jpeg")},
                          data={"kind": "photo"}, headers=api.h("buyer:b1"))
    assert_problem(exe, 422, "validation_failed")
    stranger = {**body, "line_id": "l2", "amount": "59.00", "evidence_ids": [listed[1]["id"]]}
    assert_problem(api.post("/api/v1/cases", "buyer:b1", stranger), 422, "validation_failed")


def test_messages_are_part_of_the_case_and_do_not_move_its_deadline(api: Api) -> None:
    case = api.open().json()
    r = api.post(f"/api/v1/cases/{case['id']}/messages", "seller:s1", {"text": "请问尺码是多少?"})
    assert r.status_code == 201 and r.json()["author"] == {"role": "seller", "id": "s1"}
    api.post(f"/api/v1/cases/{case['id']}/messages", "buyer:b1", {"text": "M 码"})
    msgs = api.get(f"/api/v1/cases/{case['id']}/messages", "buyer:b1").json()["data"]
    assert [m["text"] for m in msgs if m["kind"] == "party"] == ["请问尺码是多少?", "M 码"]
    assert msgs[0]["kind"] == "system"  # the thread opens with the request itself
    after = api.get(f"/api/v1/cases/{case['id']}", "buyer:b1").json()
    assert after["version"] == 3 and after["deadline"] == case["deadline"]
    assert_problem(api.post(f"/api/v1/cases/{case['id']}/messages", "buyer:b2", {"text": "hi"}), 404, "not_found")


def test_the_intervention_queue_puts_breaches_first(api: Api) -> None:
    def escalated(line: str, at: str) -> str:
        api.clock(at)
        cid = api.open(line=line, type_="refund_only", reason="quality", amount="10.00").json()["id"]
        api.post(f"/api/v1/cases/{cid}/refuse", "seller:s1", {"reason": "not_as_claimed"})
        api.post(f"/api/v1/cases/{cid}/escalate", "buyer:b1")
        return str(cid)

    first = escalated("l1", "2026-03-05T10:00:00+08:00")  # a Thursday: SLA Monday 10:00
    second = escalated("l2", "2026-03-09T09:00:00+08:00")  # Monday: SLA Wednesday 09:00
    api.clock("2026-03-09T11:00:00+08:00")
    queue = api.get("/api/v1/interventions", "agent:a1").json()["data"]
    assert [(q["case_id"], q["breached"]) for q in queue] == [(first, True), (second, False)]
    assert queue[0]["sla_due"] == "2026-03-09T10:00:00+08:00"
    r = api.post(f"/api/v1/cases/{first}/rule", "agent:a1", {"outcome": "refund", "fault": "seller"})
    assert r.json()["status"] == "refunding" and r.json()["ruling"]["agent_id"] == "a1"


def test_times_are_shown_in_the_zone_asked_for(api: Api) -> None:
    cid = api.open().json()["id"]
    assert api.get(f"/api/v1/cases/{cid}?tz=UTC", "buyer:b1").json()["deadline"] == "2026-03-06T01:00:00+00:00"
    r = api.get(f"/api/v1/cases/{cid}", "buyer:b1", **{"Time-Zone": "Europe/Berlin"})
    assert r.json()["deadline"] == "2026-03-06T02:00:00+01:00"


def test_orders_advance_but_never_go_back(api: Api) -> None:
    r = api.post("/api/v1/orders", "integration:oms", {**ORDER, "completed_at": "2026-03-05T10:00:00+08:00"})
    assert r.status_code == 200
    assert_problem(api.post("/api/v1/orders", "integration:oms", ORDER), 422, "validation_failed")
    assert_problem(api.post("/api/v1/orders", "integration:oms", {**ORDER, "id": "o3", "store": "nope"}), 422,
                   "validation_failed")
    assert api.get("/api/v1/orders/o1", "buyer:b1").json()["completed_at"] == "2026-03-05T10:00:00+08:00"
    assert_problem(api.get("/api/v1/orders/o1", "buyer:b2"), 404, "not_found")


def test_a_failure_mid_write_leaves_no_half_written_case(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: SqlCases, event: Any) -> None:
        raise RuntimeError("disk on fire after the case row was written")

    monkeypatch.setattr(SqlCases, "append", explode)
    r = api.open()
    assert_problem(r, 500, "internal_error")
    assert count_cases(api) == 0
    monkeypatch.undo()
    assert api.open().status_code == 201


def test_test_clock_endpoints_do_not_exist_without_test_clocks(sqlite_db: Database) -> None:
    api = make_api(sqlite_db, clock="real")
    assert_problem(api.get("/api/v1/test-clock", "admin"), 404, "not_found")
    assert_problem(api.post("/api/v1/test-clock", "admin", {"now": "2030-01-01T00:00:00+08:00"}), 404, "not_found")


def test_healthz(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}


def test_a_store_policy_with_a_void_clause_is_refused_and_a_generous_one_applies(api: Api) -> None:
    void = {"clauses": [{"id": "no-returns", "kind": "exclude_categories", "text": "衣服不退",
                         "rule": "no_reason_7d", "categories": ["apparel"]}]}
    r = api.client.put("/api/v1/stores/s1/policy", json=void, headers=api.h("seller:s1"))
    p = assert_problem(r, 422, "policy_void_clause")
    assert p["findings"][0]["verdict"] == "void" and "第二十五条" in p["detail_zh"]
    assert_problem(api.client.put("/api/v1/stores/s1/policy", json=void, headers=api.h("seller:s2")), 404,
                   "not_found")
    assert_problem(api.client.put("/api/v1/stores/s1/policy", json=void, headers=api.h("buyer:b1")), 403,
                   "forbidden")
    bad = {"clauses": [{"id": "x", "kind": "magic", "text": "t"}]}
    assert_problem(api.client.put("/api/v1/stores/s1/policy", json=bad, headers=api.h("seller:s1")), 422,
                   "validation_failed")
    generous = {"clauses": [{"id": "thirty-days", "kind": "extend_window", "text": "30 天无理由退货",
                             "rule": "no_reason_7d", "length": "30d"}]}
    r = api.client.put("/api/v1/stores/s1/policy", json=generous, headers=api.h("seller:s1"))
    assert r.status_code == 200 and r.json()["findings"][0]["verdict"] == "applies"
    assert api.get("/api/v1/stores/s1/policy", "agent:a1").json()["clauses"][0]["length"] == "30d"
    api.clock("2026-03-20T09:00:00+08:00")  # past the 7 days, inside the store's 30
    opts = api.get("/api/v1/orders/o1/lines/l1/eligibility", "buyer:b1").json()["options"]
    mine = next(o for o in opts if (o["type"], o["reason"]) == ("return_refund", "no_reason"))
    assert mine["allowed"] and mine["rule"] == "store:thirty-days" and mine["deadline"] == "2026-04-03T00:00:00+08:00"
    assert api.open().status_code == 201


def test_policy_lint_is_a_dry_run(api: Api) -> None:
    body = {"clauses": [{"id": "after", "kind": "nothing_after_delivery", "text": "签收后概不受理"}]}
    r = api.post("/api/v1/policy/lint", "seller:s1", body)
    assert r.status_code == 200 and r.json()["findings"][0]["verdict"] == "void"
    assert api.get("/api/v1/stores/s1/policy", "seller:s1").json()["clauses"] == []


def test_an_agent_reopens_a_line_and_the_buyer_may_claim_again(api: Api) -> None:
    api.setup_order({**ORDER, "id": "o2", "completed_at": "2026-03-04T08:00:00+08:00"})
    api.clock("2026-03-20T09:00:00+08:00")  # 15 days after completion have passed
    assert_problem(api.open(order="o2", reason="quality"), 422, "window_expired")
    assert_problem(api.post("/api/v1/orders/o2/lines/l1/reopen", "buyer:b1", {"days": 3}), 403, "forbidden")
    assert_problem(api.post("/api/v1/orders/o2/lines/l1/reopen", "agent:a1", {"days": 0}), 422, "validation_failed")
    r = api.post("/api/v1/orders/o2/lines/l1/reopen", "agent:a1", {"days": 3, "note": "快递延误,核实属实"})
    assert r.status_code == 201 and r.json()["until"] == "2026-03-23T09:00:00+08:00"
    assert_problem(api.open(order="o2"), 422, "window_expired")  # no-reason stays closed
    assert api.open(order="o2", reason="quality").json()["eligibility_rule"] == "reopened"
    history = api.get("/api/v1/orders/o2/lines/l1/reopenings", "buyer:b1").json()["data"]
    assert history[0]["granted_by"] == {"role": "agent", "id": "a1"} and history[0]["note"] == "快递延误,核实属实"


def test_if_match_is_honoured_on_messages_and_uploads_too(api: Api) -> None:
    case = api.open().json()
    stale = api.post(f"/api/v1/cases/{case['id']}/messages", "buyer:b1", {"text": "hi"}, **{"If-Match": '"9"'})
    assert_problem(stale, 412, "version_conflict")
    ok = api.post(f"/api/v1/cases/{case['id']}/messages", "buyer:b1", {"text": "hi"}, **{"If-Match": '"1"'})
    assert ok.status_code == 201
    r = api.client.post(f"/api/v1/cases/{case['id']}/evidence", files={"file": ("a.txt", b"note", "text/plain")},
                        data={"kind": "chat_log"}, headers=api.h("buyer:b1", **{"If-Match": '"1"'}))
    assert_problem(r, 412, "version_conflict")
    assert api.get(f"/api/v1/cases/{case['id']}", "buyer:b1").json()["version"] == 2
