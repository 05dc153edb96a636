"""The agents' queue: soonest due first, keyset-paged on the due time stored at escalation."""

from __future__ import annotations

from tests.e2e.api.helpers import assert_problem
from tests.e2e.conftest import ORDER, Api


def escalate(api: Api, order: str, at: str) -> str:
    api.clock(at)
    cid = api.open(order=order, type_="refund_only", reason="quality", amount="10.00").json()["id"]
    api.post(f"/api/v1/cases/{cid}/refuse", "seller:s1", {"reason": "not_as_claimed"})
    assert api.post(f"/api/v1/cases/{cid}/escalate", "buyer:b1").json()["status"] == "platform_review"
    return str(cid)


def test_pages_stay_whole_when_a_case_leaves_the_queue_between_them(api: Api) -> None:
    for n in range(2, 5):
        api.setup_order({**ORDER, "id": f"o{n}"})
    a = escalate(api, "o2", "2026-03-05T10:00:00+08:00")
    b = escalate(api, "o3", "2026-03-05T11:00:00+08:00")
    c = escalate(api, "o4", "2026-03-05T12:00:00+08:00")
    first = api.get("/api/v1/interventions?limit=1", "agent:a1").json()
    assert [x["case_id"] for x in first["data"]] == [a] and first["has_more"]
    # An agent rules on the first case: it leaves the queue before the next page is asked for.
    assert api.post(f"/api/v1/cases/{a}/rule", "agent:a1", {"outcome": "reject"}).status_code == 200
    second = api.get(f"/api/v1/interventions?limit=1&cursor={first['next_cursor']}", "agent:a1").json()
    assert [x["case_id"] for x in second["data"]] == [b], "a page skipped a case (an offset, not a key)"
    third = api.get(f"/api/v1/interventions?limit=1&cursor={second['next_cursor']}", "agent:a1").json()
    assert [x["case_id"] for x in third["data"]] == [c] and not third["has_more"] and third["next_cursor"] is None
    assert second["data"][0]["sla_due"] == "2026-03-09T11:00:00+08:00"  # Thursday 11:00 + 2 business days


def test_the_queue_orders_by_the_due_time_in_the_database(api: Api) -> None:
    api.setup_order({**ORDER, "id": "o2"})
    late = escalate(api, "o1", "2026-03-06T18:00:00+08:00")  # a Friday evening: due Tuesday 18:00
    early = escalate(api, "o2", "2026-03-06T18:30:00+08:00")  # half an hour later: due Tuesday 18:30
    api.clock("2026-03-10T18:10:00+08:00")
    queue = api.get("/api/v1/interventions", "agent:a1").json()["data"]
    assert [(q["case_id"], q["breached"]) for q in queue] == [(late, True), (early, False)]
    assert all(q["attention"] is None for q in queue)


def test_the_queue_is_filtered_in_the_database_and_kept_to_agents(api: Api) -> None:
    api.setup_order({**ORDER, "id": "o2", "store": "s2", "buyer": "b2"}, store="s2")
    api.clock("2026-03-05T10:00:00+08:00")
    mine = escalate(api, "o1", "2026-03-05T10:00:00+08:00")
    theirs = api.open(order="o2", type_="refund_only", reason="quality", amount="10.00", who="buyer:b2").json()["id"]
    api.post(f"/api/v1/cases/{theirs}/intervene", "agent:a2")
    api.clock("2026-03-10T10:00:00+08:00")  # the first is overdue, the second (taken up Thursday) too
    def ids(query: str, who: str = "agent:a1") -> list[str]:
        r = api.get(f"/api/v1/interventions?{query}", who)
        assert r.status_code == 200, r.text
        return [x["case_id"] for x in r.json()["data"]]

    assert ids("") == [mine, theirs]
    assert ids("store=s2") == [theirs] and ids("assignee=a2") == [theirs] and ids("assignee=none") == [mine]
    assert ids("breached=true") == [mine, theirs] and ids("breached=false") == []
    assert ids("kind=appeal") == [] and ids("kind=dispute&status=platform_review") == [mine, theirs]
    item = api.get("/api/v1/interventions?store=s2", "agent:a1").json()["data"][0]
    assert item["agent"] == "a2" and item["kind"] == "dispute" and item["paused"] is None
    assert_problem(api.get("/api/v1/interventions?kind=other", "agent:a1"), 422, "validation_failed")
    for stranger in ("buyer:b1", "seller:s1", "seller:s2"):
        assert_problem(api.get("/api/v1/interventions", stranger), 403, "forbidden")
