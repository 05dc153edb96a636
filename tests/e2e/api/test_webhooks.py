"""Webhooks (issue 15, points 2-4): endpoints kept by an operator and by a store's owner, event
objects listed for pollers, deliveries signed, logged, retried and replayed, and no address
inside the network reached. The test clock stands at 2026-03-04 09:00 (+08:00)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from aftersales.adapters.webhooks import HttpSender
from aftersales.services.webhooks import requests as w
from tests.e2e.api.helpers import assert_problem
from tests.e2e.conftest import ORDER, Api
from tests.receiver import Receiver

HOOKS = "/api/v1/webhook-endpoints"
OPERATOR, OWNER = "operator:ops", "seller:s1"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _open_network(api: Api) -> None:
    """This test's system may send to loopback (AFTERSALES_WEBHOOK_ALLOW_PRIVATE=1)."""
    deps = api.system.dispatch.deps
    api.system.dispatch.deps = dataclasses.replace(deps, sender=HttpSender(allow_private=True, total_timeout=2))


def _endpoint(api: Api, receiver: Receiver, who: str = OPERATOR, **body: Any) -> dict[str, Any]:
    r = api.post(HOOKS, who, {"url": receiver.url, **body})
    assert r.status_code == 201, r.text
    made = r.json()
    receiver.secrets.append(made["secret"])
    return made


def _deliver(api: Api) -> None:
    while api.run_worker_once():
        pass


def test_an_address_inside_the_network_is_refused(api: Api) -> None:
    for url in ("http://127.0.0.1/hooks", "http://10.0.0.1/hooks", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]:8080/hooks", "http://localhost/hooks", "http://[::ffff:127.0.0.1]/hooks",
                "https://100.100.100.200/", "http://0.0.0.0/"):
        problem = assert_problem(api.post(HOOKS, OPERATOR, {"url": url}), 422, "webhook_url_refused")
        assert "public" in problem["detail"] and "公网" in problem["detail_zh"], url
    for url in ("ftp://example.com/x", "https://user:pw@example.com/", "not a url"):
        assert_problem(api.post(HOOKS, OPERATOR, {"url": url}), 422, "webhook_url_refused")
    assert api.get(HOOKS, OPERATOR).json()["data"] == []


def test_the_address_is_checked_again_when_sending() -> None:
    """A name public at registration and private when sending (DNS rebinding) is not reached."""
    answers = {"hooks.example.com": ["93.184.216.34"]}
    sender = HttpSender(resolver=lambda host, port: answers[host], total_timeout=2)
    sender.check("https://hooks.example.com/in")  # public: taken
    answers["hooks.example.com"] = ["169.254.169.254"]
    got = sender.send("http://hooks.example.com/in", "evt_1", b"{}", ["whsec_" + "A" * 32], datetime.now(UTC))
    assert got.status is None and not got.ok
    assert got.error is not None and "169.254.169.254" in got.error and "not a public address" in got.error


def test_endpoints_are_the_operators_and_each_store_owners_own(api: Api, receiver: Receiver) -> None:
    _open_network(api)
    api.setup_order()
    api.setup_order({**ORDER, "id": "o2", "store": "s2"}, store="s2")
    platform = _endpoint(api, receiver)
    assert platform["secret"].startswith("whsec_") and platform["store"] is None and platform["events"] is None
    own = _endpoint(api, receiver, OWNER, events=["case.opened", "case.agreed"])
    assert own["store"] == "s1" and own["events"] == ["case.agreed", "case.opened"]
    # Listed without their secrets; a store sees its own only.
    listed = api.get(HOOKS, OPERATOR).json()["data"]
    assert {e["id"] for e in listed} == {platform["id"], own["id"]} and all("secret" not in e for e in listed)
    assert [e["id"] for e in api.get(HOOKS, OWNER).json()["data"]] == [own["id"]]
    assert_problem(api.get(f"{HOOKS}/{platform['id']}", OWNER), 404, "not_found")
    assert_problem(api.get(f"{HOOKS}/{own['id']}", "seller:s2"), 404, "not_found")
    assert_problem(api.get(HOOKS, "buyer:b1"), 403, "forbidden")
    assert_problem(api.post(HOOKS, OWNER, {"url": receiver.url, "store": "s2"}), 404, "not_found")
    assert_problem(api.post(HOOKS, OWNER, {"url": receiver.url, "events": ["case.exploded"]}), 422,
                   "validation_failed")
    # Changed, switched off and on, deleted.
    r = api.client.patch(f"{HOOKS}/{own['id']}", json={"events": None, "enabled": False}, headers=api.h(OWNER))
    assert r.status_code == 200, r.text
    assert r.json()["events"] is None and r.json()["enabled"] is False and r.json()["disabled_reason"] == "owner"
    r = api.client.patch(f"{HOOKS}/{own['id']}", json={"enabled": True}, headers=api.h(OWNER))
    assert r.json()["enabled"] is True and r.json()["disabled_reason"] is None
    assert api.client.delete(f"{HOOKS}/{own['id']}", headers=api.h(OWNER)).status_code == 204
    assert_problem(api.get(f"{HOOKS}/{own['id']}", OWNER), 404, "not_found")


def test_events_are_listed_for_pollers_a_store_its_own(api: Api) -> None:
    api.setup_order()
    api.setup_order({**ORDER, "id": "o2", "store": "s2"}, store="s2")
    case = api.open().json()
    other = api.open(order="o2").json()
    r = api.post(f"/api/v1/cases/{case['id']}/agree", OWNER, {}, **{"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    events = api.get("/api/v1/events", OPERATOR).json()
    assert [(e["type"], e["data"]["case"]["id"]) for e in events["data"]] == [
        ("case.opened", case["id"]), ("case.opened", other["id"]), ("case.agreed", case["id"])]
    agreed = events["data"][2]
    assert agreed["id"].startswith("evt_") and agreed["api_version"] == "v1"
    assert agreed["data"]["case"]["status"] == r.json()["status"]
    assert agreed["data"]["event"]["actor"]["role"] == "seller"
    # The case an event carries is the case the API answered, field for field (less what the viewer may do).
    answered = {k: v for k, v in r.json().items() if k != "allowed_actions"}
    assert agreed["data"]["case"] == answered
    assert agreed["created_at"] == "2026-03-04T09:00:00+08:00"
    mine = api.get("/api/v1/events", OWNER).json()["data"]
    assert [e["data"]["case"]["id"] for e in mine] == [case["id"], case["id"]]
    after = api.get(f"/api/v1/events?after={events['data'][0]['id']}&limit=1", OPERATOR).json()
    assert [e["id"] for e in after["data"]] == [events["data"][1]["id"]] and after["has_more"] is True
    assert after["next_after"] == events["data"][1]["id"]
    typed = api.get("/api/v1/events?type=case.agreed", OPERATOR).json()["data"]
    assert [e["type"] for e in typed] == ["case.agreed"]
    of_case = api.get(f"/api/v1/events?case={other['id']}", OPERATOR).json()["data"]
    assert [e["data"]["case"]["id"] for e in of_case] == [other["id"]]
    assert_problem(api.get("/api/v1/events?after=evt_nope", OPERATOR), 422, "validation_failed")
    assert_problem(api.get(f"/api/v1/events?after={events['data'][1]['id']}", OWNER), 422, "validation_failed")
    assert_problem(api.get("/api/v1/events", "buyer:b1"), 403, "forbidden")


def test_a_delivery_is_signed_logged_retried_and_replayed(api: Api, receiver: Receiver) -> None:
    _open_network(api)
    api.setup_order()
    made = _endpoint(api, receiver)
    receiver.fail = 1.0  # every request fails until told otherwise
    case = api.open().json()
    _deliver(api)
    log = api.get(f"{HOOKS}/{made['id']}/deliveries", OPERATOR).json()["data"]
    assert len(log) == 1 and log[0]["state"] == "pending" and log[0]["event_type"] == "case.opened"
    first = log[0]["tries"][0]
    assert first["status"] is None or first["status"] == 500
    assert first["ok"] is False and first["answer"] == "failed on purpose" and first["duration_ms"] >= 0
    assert log[0]["next_attempt_at"] is not None
    # Received, signed: verified by the standardwebhooks package with the secret shown once.
    got = receiver.got[0]
    assert got.verified_with == (0,) and got.event_id == got.body["id"] and got.body["data"]["case"]["id"] == case["id"]
    Webhook(made["secret"]).verify(got.raw, got.headers)
    # Replayed now instead of at its next time, and delivered.
    receiver.fail = 0.0
    r = api.post(f"{HOOKS}/{made['id']}/replay", OPERATOR, {"delivery": log[0]["id"]})
    assert r.status_code == 200 and r.json() == {"replayed": 1}, r.text
    _deliver(api)
    log = api.get(f"{HOOKS}/{made['id']}/deliveries", OPERATOR).json()["data"]
    assert log[0]["state"] == "delivered" and [t["ok"] for t in log[0]["tries"]] == [False, True]
    assert log[0]["tries"][1]["status"] == 200 and log[0]["tries"][1]["answer"] == "ok"
    assert [r.event_id for r in receiver.got] == [got.event_id, got.event_id]  # one event id across retries
    # A test event goes to this endpoint only; a rotation signs with both secrets for a day.
    assert api.post(f"{HOOKS}/{made['id']}/test", OPERATOR).status_code == 202
    rotated = api.post(f"{HOOKS}/{made['id']}/rotate-secret", OPERATOR)
    assert rotated.status_code == 200 and rotated.json()["secret"] != made["secret"]
    assert rotated.json()["previous_secret_valid_until"] is not None
    receiver.secrets.append(rotated.json()["secret"])
    _deliver(api)
    test = receiver.got[-1]
    assert test.type == "webhook.test" and test.verified_with == (0, 1)
    assert len(test.headers["webhook-signature"].split(" ")) == 2
    assert api.get("/api/v1/events?type=webhook.test", OPERATOR).json()["data"] == []
    # A rotation asked again with the same key is not answered with the secret again.
    key = {"Idempotency-Key": "rot-1"}
    assert api.post(f"{HOOKS}/{made['id']}/rotate-secret", OPERATOR, **key).status_code == 200
    assert_problem(api.post(f"{HOOKS}/{made['id']}/rotate-secret", OPERATOR, **key), 409, "token_not_replayable")


def test_a_failed_delivery_is_replayed_with_every_failed_one_since(api: Api, receiver: Receiver) -> None:
    _open_network(api)
    api.setup_order()
    made = _endpoint(api, receiver)
    api.open()
    api.open(line="l2", amount="59.00")
    receiver.fail = 1.0
    _deliver(api)
    receiver.fail = 0.0
    with api.system.db.engine.begin() as conn:  # three days of failing, given up
        conn.exec_driver_sql("UPDATE webhook_deliveries SET state = 'failed'")
    r = api.post(f"{HOOKS}/{made['id']}/replay", OPERATOR, {"since": "2026-01-01T00:00:00+08:00"})
    assert r.json() == {"replayed": 2}
    _deliver(api)
    assert [r.answered for r in receiver.got] == ["failed", "failed", "ok", "ok"]
    assert sorted(r.type for r in receiver.got) == ["case.opened"] * 4
    assert_problem(api.post(f"{HOOKS}/{made['id']}/replay", OPERATOR, {}), 422, "validation_failed")


def test_three_days_of_failing_give_a_delivery_up_and_five_switch_the_endpoint_off(api: Api,
                                                                                   receiver: Receiver) -> None:
    _open_network(api)
    api.setup_order()
    made = _endpoint(api, receiver)
    receiver.fail = 1.0
    api.open()
    _deliver(api)
    endpoint = api.get(f"{HOOKS}/{made['id']}", OPERATOR).json()
    assert endpoint["enabled"] is True and endpoint["failing_since"] is not None
    with api.system.db.engine.begin() as conn:  # as if it had been failing for days
        conn.exec_driver_sql("UPDATE webhook_deliveries SET first_at = '2020-01-01 00:00:00+00:00', "
                             "next_at = '2020-01-01 00:00:00+00:00'")
        conn.exec_driver_sql("UPDATE webhook_endpoints SET failing_since = '2020-01-01 00:00:00+00:00'")
    _deliver(api)
    log = api.get(f"{HOOKS}/{made['id']}/deliveries", OPERATOR).json()["data"]
    assert log[0]["state"] == "failed" and log[0]["next_attempt_at"] is None
    endpoint = api.get(f"{HOOKS}/{made['id']}", OPERATOR).json()
    assert endpoint["enabled"] is False and endpoint["disabled_reason"] == "failing"
    # Switched on again by a person: failing no more until it fails again.
    r = api.client.patch(f"{HOOKS}/{made['id']}", json={"enabled": True}, headers=api.h(OPERATOR))
    assert r.json()["enabled"] is True and r.json()["failing_since"] is None


def test_events_older_than_the_keeping_period_are_forgotten_unless_still_waiting(api: Api,
                                                                                  receiver: Receiver) -> None:
    _open_network(api)
    api.setup_order()
    _endpoint(api, receiver)
    api.open()
    _deliver(api)  # the first is delivered
    receiver.fail = 1.0
    api.open(line="l2", amount="59.00")
    _deliver(api)  # the second waits for its retry
    with api.system.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE outbox SET recorded_at = '2020-01-01 00:00:00+00:00'")
    purged = api.system.dispatch(w.PurgeEvents(before=datetime.now(UTC) - timedelta(days=35)))
    assert purged == 1
    left = api.get("/api/v1/events", OPERATOR).json()["data"]
    assert [e["data"]["case"]["line_id"] for e in left] == ["l2"]
