"""Order facts coming in one at a time (issue 15, point 5): taken once by their id, tolerant of
order, refused where they contradict what is known, each moving the deadlines that depend on
the goods' state. The test clock stands at 2026-03-04 09:00 (+08:00)."""

from __future__ import annotations

from typing import Any

from tests.e2e.api.helpers import assert_problem
from tests.e2e.conftest import ORDER, Api

UNSHIPPED = {**ORDER, "id": "o-new", "paid_at": "2026-03-04T08:00:00+08:00", "shipped_at": None,
             "delivered_at": None}


def _event(api: Api, body: dict[str, Any], order: str = "o-new", who: str = "integration:oms") -> Any:
    return api.post(f"/api/v1/orders/{order}/events", who, body)


def test_a_shipment_after_the_request_gives_the_seller_the_in_transit_time(api: Api) -> None:
    api.setup_order(UNSHIPPED)
    opened = api.open(order="o-new", type_="refund_only", reason="changed_mind")
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert case["deadline_rule"] == "seller_reply_unshipped"
    assert case["deadline"] == "2026-03-05T09:00:00+08:00"  # 24 h from the request
    r = _event(api, {"type": "shipped", "at": "2026-03-04T08:30:00+08:00", "id": "evt-1"})
    assert r.status_code == 201, r.text
    assert r.json()["applied"] is True and r.json()["moved_cases"] == [case["id"]]
    assert r.json()["order"]["shipped_at"] == "2026-03-04T08:30:00+08:00"
    now = api.get(f"/api/v1/cases/{case['id']}", "buyer:b1").json()
    assert now["deadline_rule"] == "seller_reply_in_transit"
    assert now["deadline"] == "2026-03-05T21:00:00+08:00"  # 36 h from the request, as if known then
    events = api.get(f"/api/v1/cases/{case['id']}/events", "buyer:b1").json()["data"]
    assert events[-1]["action"] == "deadline_moved" and events[-1]["data"]["order_event"] == "shipped"
    said = api.get(f"/api/v1/cases/{case['id']}/messages", "buyer:b1").json()["data"]
    assert said[-1]["text_zh"] == "订单已发货,处理时限随之按新的规则计算。"
    # The same event again, by its id: answered, not applied again.
    again = _event(api, {"type": "shipped", "at": "2026-03-04T08:30:00+08:00", "id": "evt-1"})
    assert again.status_code == 200 and again.json()["applied"] is False and again.json()["moved_cases"] == []
    other = _event(api, {"type": "delivered", "at": "2026-03-04T08:40:00+08:00", "id": "evt-1"})
    assert_problem(other, 422, "idempotency_conflict")
    # Delivered: the seller's 48 hours, still from the request.
    _event(api, {"type": "delivered", "at": "2026-03-04T08:45:00+08:00", "id": "evt-2"})
    now = api.get(f"/api/v1/cases/{case['id']}", "buyer:b1").json()
    assert now["deadline_rule"] == "seller_reply" and now["deadline"] == "2026-03-06T09:00:00+08:00"


def test_facts_late_and_out_of_order_are_taken_and_contradictions_refused(api: Api) -> None:
    api.setup_order(UNSHIPPED)
    assert _event(api, {"type": "completed", "at": "2026-03-04T08:50:00+08:00"}).status_code == 201
    late = _event(api, {"type": "delivered", "at": "2026-03-04T08:40:00+08:00"})  # before completion: fine
    assert late.status_code == 201 and late.json()["order"]["completed_at"] == "2026-03-04T08:50:00+08:00"
    assert _event(api, {"type": "delivered", "at": "2026-03-04T08:40:00+08:00"}).status_code == 200  # repeat
    moved = assert_problem(_event(api, {"type": "delivered", "at": "2026-03-04T08:41:00+08:00"}), 409,
                           "order_event_conflict")
    assert moved["known"]["delivered"].startswith("2026-03-04T00:40:00")
    assert_problem(_event(api, {"type": "shipped", "at": "2026-03-04T08:45:00+08:00"}), 409,
                   "order_event_conflict")  # after it was delivered
    assert_problem(_event(api, {"type": "shipped", "at": "2026-03-04T07:00:00+08:00"}), 409,
                   "order_event_conflict")  # before it was paid
    assert_problem(_event(api, {"type": "cancelled", "at": "2026-03-04T08:55:00+08:00"}), 409,
                   "order_event_conflict")  # it shipped
    order = api.get("/api/v1/orders/o-new", "integration:oms").json()
    assert order["shipped_at"] is None and order["delivered_at"].startswith("2026-03-04T08:40")  # nothing else written


def test_a_cancelled_order_takes_no_after_sales_and_no_later_shipment(api: Api) -> None:
    api.setup_order(UNSHIPPED)
    r = _event(api, {"type": "cancelled", "at": "2026-03-04T08:30:00+08:00", "id": "c-1"})
    assert r.status_code == 201 and r.json()["order"]["cancelled_at"] == "2026-03-04T08:30:00+08:00"
    options = api.get("/api/v1/orders/o-new/lines/l1/eligibility", "buyer:b1").json()["options"]
    assert options and all(not o["allowed"] and o["rule"] == "order_cancelled" for o in options)
    assert_problem(api.open(order="o-new", type_="refund_only", reason="changed_mind"), 422, "not_eligible")
    assert_problem(_event(api, {"type": "shipped", "at": "2026-03-04T08:40:00+08:00"}), 409, "order_event_conflict")
    again = api.post("/api/v1/orders", "integration:oms", UNSHIPPED)  # a whole order posted again keeps it
    assert again.status_code == 200 and api.get("/api/v1/orders/o-new", "integration:oms").json()["cancelled_at"]
    shipped = {**UNSHIPPED, "shipped_at": "2026-03-04T08:40:00+08:00"}
    assert_problem(api.post("/api/v1/orders", "integration:oms", shipped), 409, "order_event_conflict")


def test_only_the_order_system_sends_facts_and_bad_ones_say_why(api: Api) -> None:
    api.setup_order(UNSHIPPED)
    assert_problem(_event(api, {"type": "shipped", "at": "2026-03-04T08:30:00+08:00"}, who="buyer:b1"), 403,
                   "forbidden")
    assert_problem(_event(api, {"type": "shipped", "at": "2026-03-04T08:30:00+08:00"}, order="nope"), 404,
                   "not_found")
    assert_problem(_event(api, {"type": "lost", "at": "2026-03-04T08:30:00+08:00"}), 422, "validation_failed")
    assert_problem(_event(api, {"type": "shipped", "at": "2026-03-04 08:30"}), 422, "validation_failed")


def test_a_whole_order_posted_with_its_shipment_moves_the_deadline_too(api: Api) -> None:
    api.setup_order(UNSHIPPED)
    case = api.open(order="o-new", type_="refund_only", reason="changed_mind").json()
    r = api.post("/api/v1/orders", "integration:oms", {**UNSHIPPED, "shipped_at": "2026-03-04T08:30:00+08:00"})
    assert r.status_code == 200, r.text
    now = api.get(f"/api/v1/cases/{case['id']}", "buyer:b1").json()
    assert now["deadline_rule"] == "seller_reply_in_transit"
