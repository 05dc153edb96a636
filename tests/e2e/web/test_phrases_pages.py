"""Quick phrases on the pages (issue 14, P6): the store's owner keeps them, the team picks them
beside the message box and a refusal's note; without scripts the phrase picked is added after
what was typed; the platform's operator keeps the agents' own."""

from __future__ import annotations

import re

from tests.e2e.conftest import Api
from tests.e2e.web.conftest import add_user, buyer, landed, staff


def _open_quality_return(api: Api) -> str:
    r = buyer(api).submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                          {"choice": "return_refund:quality", "amount": "199.00", "description": "起球"})
    assert r.status_code == 303, r.text
    return landed(r)


def test_the_owner_keeps_the_phrases_and_the_team_inserts_them(people: Api) -> None:
    add_user(people, "s1-li", "after_sales", "s1")
    add_user(people, "s1-look", "viewer", "s1")
    owner, li = staff(people, "s1-owner"), staff(people, "s1-li")
    r = owner.submit("/phrases", "/phrases", {"text": "亲,请提供商品问题部位的照片"})
    assert r.status_code == 303
    added = owner.get(r.headers["location"]).text
    assert "已添加。接下来" in added and "亲,请提供商品问题部位的照片" in added
    refused = owner.submit("/phrases", "/phrases", {"text": "亲,请提供商品问题部位的照片"})
    assert refused.status_code == 422 and 'id="problem-add_phrase"' in refused.text
    assert "该快捷短语已存在" in refused.text and "亲,请提供商品问题部位的照片</textarea>" in refused.text  # kept
    assert 'data-action="add_phrase"' not in li.get("/phrases").text  # the team reads; the owner keeps
    assert staff(people, "s1-look").get("/phrases").status_code == 403

    page = _open_quality_return(people)
    html = li.get(page).text
    assert html.count('select name="phrase"') == 2  # beside the message box and the refusal's note
    assert 'data-phrase-for="text"' in html and 'data-phrase-for="note"' in html
    assert 'select name="phrase"' not in buyer(people).get(page).text  # a buyer has none
    sent = li.submit(page, f"{page}/messages", {"text": "您好,", "phrase": "亲,请提供商品问题部位的照片"})
    assert sent.status_code == 303
    said = people.get(f"/api/v1/cases/{page.rsplit('/', 1)[1]}/messages", "seller:s1").json()["data"]
    assert said[-1]["text"] == "您好, 亲,请提供商品问题部位的照片"
    r = li.submit(page, f"{page}/act/refuse", {"confirmed": "1", "reason": "not_as_claimed",
                                               "phrase": "亲,请提供商品问题部位的照片"})
    assert r.status_code == 303, r.text
    case = people.get(f"/api/v1/cases/{page.rsplit('/', 1)[1]}", "seller:s1").json()
    assert case["refusal"]["note"] == "亲,请提供商品问题部位的照片"


def test_removing_a_phrase_asks_first_and_another_stores_is_not_found(people: Api) -> None:
    owner = staff(people, "s1-owner")
    owner.submit("/phrases", "/phrases", {"text": "已安排顺丰上门取件"})
    phrase_id = re.search(r'action="/phrases/(\d+)/delete"', owner.get("/phrases").text)
    assert phrase_id
    path = f"/phrases/{phrase_id.group(1)}/delete"
    asked = owner.submit("/phrases", path)
    assert asked.status_code == 200 and "确定要这样做吗" in asked.text and 'name="confirmed"' in asked.text
    assert "已安排顺丰上门取件" in owner.get("/phrases").text  # nothing removed before the answer
    people.post("/api/v1/stores", "integration:oms", {"id": "s2", "return_address": "上海市"})
    add_user(people, "s2-owner", "owner", "s2")
    assert staff(people, "s2-owner").submit("/phrases", path, {"confirmed": "1"}).status_code == 404
    done = owner.submit("/phrases", path, {"confirmed": "1"})
    assert done.status_code == 303
    assert "已删除" in owner.get(done.headers["location"]).text
    assert "已安排顺丰上门取件" not in owner.get("/phrases").text


def test_the_operator_keeps_the_agents_phrases(people: Api) -> None:
    add_user(people, "ops", "operator")
    ops, agent = staff(people, "ops"), staff(people, "agent-wang")
    assert ops.submit("/phrases", "/phrases", {"text": "平台已介入,请双方在 48 小时内提供凭证"}).status_code == 303
    assert "平台已介入" in agent.get("/phrases").text
    assert 'data-action="add_phrase"' not in agent.get("/phrases").text
    page = _open_quality_return(people)
    assert "平台已介入,请双方在 48 小时内提供凭证" in agent.get(page).text
    assert "平台已介入" not in staff(people, "s1-owner").get(page).text  # the platform's are its staff's
