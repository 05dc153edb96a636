"""Quick phrases over the API: a store's for its team, the platform's for its agents; each kept
by its owner, read by those who insert them, another's not found."""

from __future__ import annotations

from tests.e2e.api.helpers import assert_problem
from tests.e2e.conftest import Api


def test_a_store_and_the_platform_keep_their_own_phrases(api: Api) -> None:
    api.setup_order()
    api.setup_order(store="s2")
    made = api.post("/api/v1/phrases", "seller:s1", {"text": "  亲,已为您   加急处理 "})
    assert made.status_code == 201, made.text
    assert made.json()["text"] == "亲,已为您 加急处理" and made.json()["store"] == "s1"  # spaces tidied
    platform = api.post("/api/v1/phrases", "operator:ops", {"text": "平台已介入,请双方提供凭证", "scope": "platform"})
    assert platform.status_code == 201 and platform.json()["store"] is None
    assert [p["text"] for p in api.get("/api/v1/phrases", "seller:s1").json()["data"]] == ["亲,已为您 加急处理"]
    assert api.get("/api/v1/phrases", "seller:s2").json()["data"] == []
    assert [p["text"] for p in api.get("/api/v1/phrases", "agent:li").json()["data"]] == ["平台已介入,请双方提供凭证"]
    assert api.get("/api/v1/phrases", "buyer:b1").json()["data"] == []
    phrase_id = made.json()["id"]
    assert_problem(api.client.delete(f"/api/v1/phrases/{phrase_id}", headers=api.h("seller:s2")), 404, "not_found")
    theirs = f"/api/v1/phrases/{platform.json()['id']}"
    assert_problem(api.client.delete(theirs, headers=api.h("agent:li")), 403, "forbidden")
    assert api.client.delete(f"/api/v1/phrases/{phrase_id}", headers=api.h("seller:s1")).status_code == 204
    assert api.get("/api/v1/phrases", "seller:s1").json()["data"] == []


def test_phrases_refused_say_why(api: Api) -> None:
    api.setup_order()
    assert_problem(api.post("/api/v1/phrases", "buyer:b1", {"text": "你好"}), 403, "forbidden")
    assert_problem(api.post("/api/v1/phrases", "agent:li", {"text": "你好", "scope": "platform"}), 403, "forbidden")
    assert_problem(api.post("/api/v1/phrases", "seller:s1", {"text": "你好", "scope": "platform"}), 403, "forbidden")
    assert_problem(api.post("/api/v1/phrases", "seller:s1", {"text": ""}), 422, "validation_failed")
    assert_problem(api.post("/api/v1/phrases", "seller:s1", {"text": "x" * 501}), 422, "validation_failed")
    assert api.post("/api/v1/phrases", "seller:s1", {"text": "你好"}).status_code == 201
    again = assert_problem(api.post("/api/v1/phrases", "seller:s1", {"text": "你好"}), 422, "validation_failed")
    assert "已存在" in str(again)
