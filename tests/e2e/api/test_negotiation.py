"""The negotiation over HTTP: counter-offers and their answers, and one thread of messages
where the system tells each change, seen by the two parties and the platform only."""

from __future__ import annotations

from tests.e2e.api.helpers import assert_problem
from tests.e2e.conftest import ORDER, Api


def test_an_offer_made_accepted_and_told_in_the_thread(api: Api) -> None:
    api.clock("2026-03-04T10:00:00+08:00")
    cid = api.open(type_="return_refund", reason="quality", amount="199.00").json()["id"]
    r = api.post(f"/api/v1/cases/{cid}/counter_offer", "seller:s1",
                 {"type": "refund_only", "amount": "60.00", "note": "补偿 60 元,不用退货"})
    assert r.status_code == 200, r.text
    case = r.json()
    assert case["status"] == "awaiting_seller" and case["offer"]["type"] == "refund_only"
    assert case["offer"]["amount"] == "60.00" and case["offer"]["note"] == "补偿 60 元,不用退货"
    assert case["offer"]["at"] == "2026-03-04T10:00:00+08:00"
    buyer_view = api.get(f"/api/v1/cases/{cid}", "buyer:b1").json()
    assert {"accept_offer", "decline_offer"} <= set(buyer_view["allowed_actions"])
    assert_problem(api.post(f"/api/v1/cases/{cid}/accept_offer", "seller:s1"), 403, "forbidden")
    assert_problem(api.post(f"/api/v1/cases/{cid}/counter_offer", "seller:s1", {"amount": "1.00", "bogus": 1}),
                   422, "validation_failed")
    r = api.post(f"/api/v1/cases/{cid}/accept_offer", "buyer:b1", {}, **{"If-Match": f'"{case["version"]}"'})
    assert r.status_code == 200, r.text
    assert (r.json()["type"], r.json()["amount"], r.json()["offer"]) == ("refund_only", "60.00", None)

    thread = api.get(f"/api/v1/cases/{cid}/messages", "seller:s1").json()["data"]
    system = [(m["kind"], m["author"]["role"], m["text_zh"]) for m in thread if m["kind"] == "system"]
    assert system[:3] == [
        ("system", "system", "买家申请退货退款 ¥199.00。当前:等待卖家处理。"),
        ("system", "system", "卖家提出协商方案:仅退款 ¥60.00。"),
        ("system", "system", "买家接受了卖家的协商方案:仅退款 ¥60.00。当前:退款中。"),
    ]
    assert thread[1]["text"] == "The seller offered other terms: refund only ¥60.00."


def test_offers_and_the_thread_are_nobody_elses(api: Api) -> None:
    """Two buyers, two stores: each sees their own case's offer and thread, nobody else's."""
    api.clock("2026-03-04T10:00:00+08:00")
    api.setup_order({**ORDER, "id": "o2", "store": "s2", "buyer": "b2"}, store="s2")
    mine = api.open(type_="return_refund", reason="quality", amount="199.00").json()["id"]
    api.post(f"/api/v1/cases/{mine}/counter_offer", "seller:s1", {"amount": "100.00"})
    api.post(f"/api/v1/cases/{mine}/messages", "buyer:b1", {"text": "可以再多一点吗"})
    for stranger in ("buyer:b2", "seller:s2"):
        assert_problem(api.get(f"/api/v1/cases/{mine}/messages", stranger), 404, "not_found")
        assert_problem(api.post(f"/api/v1/cases/{mine}/decline_offer", stranger), 404, "not_found")
        assert_problem(api.post(f"/api/v1/cases/{mine}/counter_offer", stranger, {"amount": "1.00"}), 404,
                       "not_found")
    for party in ("buyer:b1", "seller:s1", "agent:a1", "agent:a2"):
        texts = [m["text"] for m in api.get(f"/api/v1/cases/{mine}/messages", party).json()["data"]]
        assert "可以再多一点吗" in texts, party
    r = api.post(f"/api/v1/cases/{mine}/decline_offer", "buyer:b1")
    assert r.status_code == 200 and r.json()["offer"] is None and r.json()["status"] == "awaiting_seller"
    assert_problem(api.post(f"/api/v1/cases/{mine}/decline_offer", "buyer:b1"), 409, "illegal_transition")


def test_the_review_over_http_notes_for_the_platform_and_one_agent_at_a_time(api: Api) -> None:
    api.clock("2026-03-05T10:00:00+08:00")
    cid = api.open(type_="return_refund", reason="quality", amount="199.00").json()["id"]
    api.post(f"/api/v1/cases/{cid}/refuse", "seller:s1", {"reason": "not_as_claimed"})
    api.post(f"/api/v1/cases/{cid}/escalate", "buyer:b1")
    r = api.post(f"/api/v1/cases/{cid}/intervene", "agent:a1")
    assert r.status_code == 200 and r.json()["agent"] == "a1", r.text
    assert_problem(api.post(f"/api/v1/cases/{cid}/request_evidence", "agent:a2", {"parties": ["seller"]}), 403,
                   "forbidden")
    assert_problem(api.post(f"/api/v1/cases/{cid}/request_evidence", "agent:a1", {"parties": []}), 422,
                   "validation_failed")
    r = api.post(f"/api/v1/cases/{cid}/request_evidence", "agent:a1", {"parties": ["seller"], "note": "质检报告"})
    assert r.status_code == 200, r.text
    case = r.json()
    assert case["pause"]["kind"] == "evidence" and case["pause"]["until"] == "2026-03-07T10:00:00+08:00"
    # 48 business hours were left (Thursday from 10:00, Friday, Monday to 10:00); the round ends on a
    # Saturday, so they count from Monday 00:00 and run out as Tuesday ends.
    assert case["deadline_action"] == "end_evidence_round" and case["sla_due"] == "2026-03-11T00:00:00+08:00"

    r = api.post(f"/api/v1/cases/{cid}/messages", "agent:a1", {"text": "先看卖家的质检报告", "private": True})
    assert r.status_code == 201 and r.json()["kind"] == "note", r.text
    for who, sees in (("buyer:b1", False), ("seller:s1", False), ("agent:a1", True), ("agent:a2", True)):
        texts = [m["text"] for m in api.get(f"/api/v1/cases/{cid}/messages", who).json()["data"]]
        assert ("先看卖家的质检报告" in texts) is sees, who
    events = [e["action"] for e in api.get(f"/api/v1/cases/{cid}/events", "buyer:b1").json()["data"]]
    assert "message" not in events  # the note left no trace the parties could read
    assert_problem(api.post(f"/api/v1/cases/{cid}/messages", "seller:s1", {"text": "x", "private": True}), 403,
                   "forbidden")
    api.clock("2026-03-07T10:00:00+08:00")
    api.run_worker_once()
    after = api.get(f"/api/v1/cases/{cid}", "buyer:b1").json()
    assert after["pause"] is None and after["status"] == "platform_review" and after["deadline"] is None


def test_a_claim_without_the_evidence_it_needs_is_refused_with_what_is_missing(api: Api) -> None:
    api.clock("2026-03-04T10:00:00+08:00")
    cid = api.open(type_="return_refund", reason="counterfeit", amount="199.00").json()["id"]
    api.post(f"/api/v1/cases/{cid}/refuse", "seller:s1", {"reason": "not_as_claimed"})
    body = assert_problem(api.post(f"/api/v1/cases/{cid}/escalate", "buyer:b1"), 422, "evidence_required")
    assert "authentication" in body["detail"] and "鉴定凭证" in body["detail_zh"]
    assert body["any_of"] == ["comparison_photo", "authentication", "penalty_decision", "chat_log"]
    assert api.get(f"/api/v1/cases/{cid}", "buyer:b1").json()["status"] == "seller_refused"  # nothing written
