"""The pages over HTTP: signing in, a whole return walked through the forms, and who sees what."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from aftersales.services import commands as c
from tests.e2e.conftest import Api
from tests.e2e.web.conftest import PASSWORD, Browser, add_user, buyer, landed, staff


def _open_return(b: Browser) -> str:
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:no_reason", "amount": "199.00", "description": "不合身"})
    assert r.status_code == 303, r.text
    return landed(r).rsplit("/", 1)[1]


def test_a_return_walked_through_the_pages_ends_refunded(people: Api) -> None:
    b, s = buyer(people), staff(people, "s1-owner")
    orders = b.get("/orders").text
    assert "羊毛衫" in orders and "¥199.00" in orders
    options = b.get("/orders/o1/lines/l1").text
    assert "七天无理由" in options or "无理由" in options  # the rule's name, in plain words
    case_id = _open_return(b)
    assert case_id in s.get("/workbench").text
    page = f"/cases/{case_id}"
    assert "待卖家处理" in b.get(page).text and "还剩" in b.get(page).text
    assert s.submit(page, f"{page}/act/agree").status_code == 303
    assert b.submit(page, f"{page}/act/ship_return", {"carrier": "顺丰", "tracking_no": "SF123"}).status_code == 303
    assert s.submit(page, f"{page}/act/confirm_receipt").status_code == 303
    people.run_worker_once()
    final = b.get(page).text
    assert "已完成" in final and "已退款" in final and "¥199.00" in final
    # The history names who acted for the store, to the buyer as well.
    assert re.search(r"卖家 · s1 \(s1-owner\)[^<]*<strong>已同意", b.get(page).text)


def test_ten_wrong_passwords_lock_their_address_not_the_member_of_staff(
        people: Api, caplog: pytest.LogCaptureFixture) -> None:
    stranger = Browser(TestClient(people.client.app, raise_server_exceptions=False, client=("203.0.113.7", 40000)))
    for _ in range(10):
        r = stranger.submit("/login", "/login", {"name": "s1-owner", "password": "wrong password"})
        assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = stranger.submit("/login", "/login", {"name": "s1-owner", "password": PASSWORD})
    assert r.status_code == 429 and "您所在地址的登录失败次数过多" in r.text
    assert any("203.0.113.7" in rec.getMessage() and "locked" in rec.getMessage() for rec in caplog.records)
    # The owner, from the shop's own address, still signs in: slowly, as the name is under attack.
    owner = Browser(TestClient(people.client.app, raise_server_exceptions=False, client=("198.51.100.2", 40000)))
    started = time.monotonic()
    r = owner.submit("/login", "/login", {"name": "s1-owner", "password": PASSWORD})
    assert r.status_code == 303, r.text
    assert time.monotonic() - started >= 0.9
    add_user(people, "ops-li", "operator")
    ops = staff(people, "ops-li").get("/ops").text
    assert "203.0.113.7" in ops and "s1-owner" in ops and "登录失败" in ops


def test_a_form_without_its_token_is_refused(people: Api) -> None:
    b = buyer(people)
    r = b.client.post("/orders/o1/lines/l1/apply", data={"choice": "return_refund:no_reason"}, follow_redirects=False)
    assert r.status_code == 403
    assert not people.get("/api/v1/cases", "buyer:b1").json()["data"]


def test_a_login_link_opens_once(people: Api) -> None:
    r = people.post("/api/v1/login-links", "integration:oms", {"buyer": "b1"})
    url = r.json()["url"]
    first = Browser(people.client.__class__(people.client.app)).get(url, follow_redirects=False)
    assert first.status_code == 303
    again = Browser(people.client.__class__(people.client.app)).get(url, follow_redirects=False)
    assert again.status_code == 410 and "链接已失效" in again.text
    # A buyer cannot mint links for themselves.
    assert people.post("/api/v1/login-links", "buyer:b1", {"buyer": "b2"}).status_code == 403


def test_signing_out_everywhere_ends_every_session(people: Api) -> None:
    one, two = staff(people, "s1-owner"), staff(people, "s1-owner")
    assert one.get("/workbench").status_code == 200
    r = one.submit("/workbench", "/logout", {"everywhere": "1"})
    assert r.status_code == 303
    r = two.get("/workbench", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_another_buyer_and_another_store_see_nothing(people: Api) -> None:
    b = buyer(people)
    case_id = _open_return(b)
    people.post("/api/v1/stores", "integration:oms", {"id": "s2", "return_address": "上海"})
    add_user(people, "s2-owner", "owner", "s2")
    for other in (buyer(people, "b2"), staff(people, "s2-owner")):
        assert other.get(f"/cases/{case_id}").status_code == 404
        assert other.get("/orders/o1/lines/l1").status_code in (404,)
        r = other.client.post(f"/cases/{case_id}/act/agree", data={"csrf": other.csrf(other.get("/").text)},
                              follow_redirects=False)
        assert r.status_code == 404
    assert case_id not in staff(people, "s2-owner").get("/workbench").text


def test_a_message_holding_html_reads_as_text(people: Api) -> None:
    b = buyer(people)
    case_id = _open_return(b)
    page = f"/cases/{case_id}"
    b.submit(page, f"{page}/messages", {"text": '<script>alert(1)</script><b>bold</b>'})
    html = b.get(page).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_language_follows_the_switch_and_is_remembered(people: Api) -> None:
    b = buyer(people)
    assert "我的订单" in b.get("/orders").text
    english = b.get("/orders?lang=en")
    assert "My orders" in english.text and english.cookies.get("as_lang") == "en"
    assert "My orders" in b.get("/orders").text  # remembered
    fresh = buyer(people)
    assert "My orders" in fresh.get("/orders", headers={"Accept-Language": "en-US,en;q=0.9"}).text


def test_a_viewer_of_the_store_sees_but_cannot_act(people: Api) -> None:
    b = buyer(people)
    case_id = _open_return(b)
    add_user(people, "s1-viewer", "viewer", "s1")
    v = staff(people, "s1-viewer")
    page = v.get(f"/cases/{case_id}").text
    assert "/act/agree" not in page
    r = v.client.post(f"/cases/{case_id}/act/agree", data={"csrf": v.csrf(page)}, follow_redirects=False)
    assert r.status_code == 403


def test_signed_out_pages_lead_to_sign_in(people: Api) -> None:
    r = people.client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    login = people.client.get("/login")
    assert login.status_code == 200 and 'type="password"' in login.text
    assert "Sign in" in people.client.get("/login?lang=en").text
    r = people.client.get("/workbench", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_an_owner_adds_staff_to_their_own_store_only(people: Api) -> None:
    from aftersales.domain import errors
    from aftersales.domain.model import Actor, Role

    owner = Actor(Role.SELLER, "s1", staff="s1-owner", team_role="owner")
    people.system.dispatch(c.AddUser(actor=owner, name="s1-li", role="after_sales", store_id="s1", password=PASSWORD))
    for store, role, error in (("s2", "after_sales", errors.NotFound), ("s1", "owner", errors.Forbidden)):
        try:
            people.system.dispatch(c.AddUser(actor=owner, name=f"x-{store}-{role}", role=role, store_id=store,
                                             password=PASSWORD))
        except error:
            continue
        raise AssertionError(f"an owner added {role} to {store}")
    assert staff(people, "s1-li").get("/workbench").status_code == 200


def test_an_owner_builds_the_team_and_gives_a_case_to_a_member(people: Api) -> None:
    owner = staff(people, "s1-owner")
    r = owner.submit("/team", "/team", {"name": "s1-li", "role": "after_sales", "password": PASSWORD})
    assert r.status_code == 303
    assert "s1-li" in owner.get("/team").text and "售后客服" in owner.get("/team").text
    r = owner.submit("/team", "/team", {"name": "s1-boss", "role": "owner", "password": PASSWORD})
    assert r.status_code == 403  # an owner adds staff and viewers, not owners
    case_id = _open_return(buyer(people))
    r = owner.submit(f"/cases/{case_id}", f"/cases/{case_id}/assign", {"assignee": "s1-li"})
    assert r.status_code == 303
    li = staff(people, "s1-li")
    assert case_id in li.get("/workbench?assignee=s1-li").text
    assert case_id not in li.get("/workbench?assignee=").text
    assert re.search(r"分配处理人</strong> s1-li", li.get(f"/cases/{case_id}").text)
    assert li.get("/team").status_code == 403  # the team is the owner's to manage


def _escalated(people: Api) -> tuple[Browser, str]:
    b, s = buyer(people), staff(people, "s1-owner")
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply", {"choice": "return_refund:quality",
                                                                      "amount": "199.00"})
    case_id = landed(r).rsplit("/", 1)[1]
    page = f"/cases/{case_id}"
    assert s.submit(page, f"{page}/act/refuse", {"confirmed": "1", "reason": "not_as_claimed"}).status_code == 303
    assert b.submit(page, f"{page}/act/escalate", {"note": "有质量问题"}).status_code == 303
    return b, case_id


def test_an_agent_sees_a_rulings_freight_decision_before_giving_it(people: Api) -> None:
    _, case_id = _escalated(people)
    agent = staff(people, "agent-wang")
    assert case_id in agent.get("/queue").text
    before = people.get(f"/api/v1/cases/{case_id}", "agent:x").json()["version"]
    query = "outcome=return_then_refund&amount=199.00&fault=seller"
    fragment = agent.get(f"/cases/{case_id}/preview/rule?{query}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "按裁决:谁过错谁承担运费" in fragment.text and "待买家退货" in fragment.text
    assert re.search(r"退货运费</dt><dd>卖家", fragment.text)
    whole = agent.get(f"/cases/{case_id}/preview/rule?{query}")  # without scripts: the page, the form kept
    assert "<html" in whole.text and 'value="return_then_refund" selected' in whole.text
    assert people.get(f"/api/v1/cases/{case_id}", "agent:x").json()["version"] == before  # nothing written
    bad = agent.get(f"/cases/{case_id}/preview/rule?outcome=refund&amount=999.00", headers={"HX-Request": "true"})
    assert 'class="error"' in bad.text
    assert buyer(people).get(f"/cases/{case_id}/preview/rule?{query}").status_code == 403


def test_an_agent_reopens_a_lines_window_from_a_counterfeit_dispute_once(people: Api) -> None:
    from tests import files

    b, s = buyer(people), staff(people, "s1-owner")
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:counterfeit", "amount": "199.00", "description": "假货"})
    page = landed(r)
    assert s.submit(page, f"{page}/act/refuse", {"confirmed": "1", "reason": "not_as_claimed"}).status_code == 303
    b.client.post(f"{page}/evidence", data={"csrf": b.csrf(b.get(page).text), "kind": "authentication"},
                  files={"file": ("鉴定.pdf", files.pdf(), "application/pdf")})
    assert b.submit(page, f"{page}/act/escalate").status_code == 303
    agent = staff(people, "agent-wang")
    assert agent.submit(page, f"{page}/act/rule", {"confirmed": "1", "outcome": "reject"}).status_code == 303
    assert 'data-action="reopen"' in agent.get(page).text  # a suspected counterfeit: a second look is the seed's
    r = agent.submit(page, f"{page}/reopen", {"days": "15", "note": "疑似假货,已核实"})
    assert r.status_code == 303
    after = agent.get(page).text
    assert "已由 agent-wang 重新开放" in after and 'data-action="reopen"' not in after  # granted: not offered again
    assert "重新开放售后入口" not in b.get(page).text  # the buyer sees the case, not the agent's tools
    assert b.submit(page, f"{page}/reopen", {"days": "15"}).status_code == 403


def test_an_ordinary_dispute_offers_no_reopening(people: Api) -> None:
    _, case_id = _escalated(people)  # a quality claim on clothing: no second look in the seed
    assert 'data-action="reopen"' not in staff(people, "agent-wang").get(f"/cases/{case_id}").text


def test_the_operator_sees_cases_by_status_and_deadlines_that_acted(people: Api) -> None:
    case_id = _open_return(buyer(people))
    people.clock("2026-03-07T09:00:00+08:00")  # the seller stayed silent past the 48 h
    people.run_worker_once()
    assert people.get(f"/api/v1/cases/{case_id}", "agent:x").json()["status"] == "awaiting_return"
    add_user(people, "ops", "operator")
    ops = staff(people, "ops")
    page = ops.get("/ops").text
    data = json.loads(re.search(r'<script type="application/json" id="status-data">(.*?)</script>', page,
                                re.S).group(1))  # type: ignore[union-attr]
    assert dict(zip(data["labels"], data["values"], strict=True))["待买家退货"] == 1
    fired = json.loads(re.search(r'id="fired-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert sum(fired["values"]) == 1 and fired["labels"][-1] == "03-07"
    assert "近 14 天共 1 次" in page and "s1" in page
    for other in (staff(people, "s1-owner"), staff(people, "agent-wang")):
        assert other.get("/ops").status_code == 403


def test_the_rules_page_names_every_rule_with_its_source(people: Api) -> None:
    page = buyer(people).get("/rules").text
    for rule in people.system.pack.eligibility + people.system.pack.timeouts:
        assert f'id="rule-{rule.id}"' in page
    assert "no_reason_7d" in page and "七日无理由" in page


GENEROUS = '''store = "s1"

[[clauses]]
id = "fifteen-days"
kind = "extend_window"
text = "本店支持 15 天无理由退货"
rule = "no_reason_7d"
length = "15d"
'''


def test_the_policy_editor_shows_the_lint_and_refuses_a_void_clause(people: Api) -> None:
    from pathlib import Path

    owner = staff(people, "s1-owner")
    assert "暂无条款" in owner.get("/policy").text
    seed = Path("tests/fixtures/store-policy-clothing.toml").read_text(encoding="utf-8")
    seed = seed.replace('store = "seed-clothing"', 'store = "s1"')
    checked = owner.submit("/policy", "/policy", {"policy": seed, "do": "check"})
    assert checked.status_code == 200 and "无效" in checked.text and "2a-quality-exchange-only" in checked.text
    refused = owner.submit("/policy", "/policy", {"policy": seed, "do": "save"})
    assert refused.status_code == 422 and "减损了买家的权利" in refused.text
    assert people.get("/api/v1/stores/s1/policy", "integration:oms").json()["clauses"] in (None, [])
    saved = owner.submit("/policy", "/policy", {"policy": GENEROUS, "do": "save"})
    assert saved.status_code == 303
    page = owner.get("/policy").text
    assert "生效:给予买家更多" in page and "fifteen-days" in page
    broken = owner.submit("/policy", "/policy", {"policy": "store = [", "do": "check"})
    assert broken.status_code == 422 and "政策无法解析" in broken.text
    other = owner.submit("/policy", "/policy", {"policy": GENEROUS.replace('"s1"', '"s2"'), "do": "save"})
    assert other.status_code == 422  # a store edits its own policy only
    add_user(people, "s1-viewer", "viewer", "s1")
    viewer = staff(people, "s1-viewer")
    assert "readonly" in viewer.get("/policy").text
    assert viewer.submit("/policy", "/policy", {"policy": GENEROUS, "do": "save"}).status_code == 403


def test_only_the_owner_of_the_store_saves_its_policy(people: Api) -> None:
    add_user(people, "s1-li", "after_sales", "s1")
    li = staff(people, "s1-li")
    page = li.get("/policy").text
    assert "readonly" in page and "只有店主可以修改店铺售后政策" in page  # what the store promises is the owner's
    r = li.submit("/policy", "/policy", {"policy": GENEROUS, "do": "save"})
    assert r.status_code == 403 and "只有店主可以修改店铺售后政策" in r.text
    assert people.get("/api/v1/stores/s1/policy", "integration:oms").json()["clauses"] in (None, [])
    assert staff(people, "s1-owner").submit("/policy", "/policy", {"policy": GENEROUS, "do": "save"}).status_code == 303


def test_times_follow_the_viewers_zone_beijing_by_default(people: Api) -> None:
    b = buyer(people)
    case_id = _open_return(b)
    opened = people.get(f"/api/v1/cases/{case_id}", "agent:x").json()["opened_at"]  # +08:00 on the wire
    local = opened[:16].replace("T", " ")
    assert local in b.get(f"/cases/{case_id}").text
    berlin = b.get(f"/cases/{case_id}?tz=Europe/Berlin")
    assert local not in berlin.text and berlin.cookies.get("as_tz", "").strip('"') == "Europe/Berlin"
    assert local not in b.get(f"/cases/{case_id}").text  # remembered
    assert "+00:00" not in b.get(f"/cases/{case_id}?tz=Asia/Shanghai").text


def test_a_buyer_changes_the_request_while_the_seller_has_not_answered(people: Api) -> None:
    b = buyer(people)
    case_id = _open_return(b)
    page = f"/cases/{case_id}"
    r = b.submit(page, f"{page}/act/modify", {"type": "exchange", "reason": "size", "note": "换大一码"})
    assert r.status_code == 303, r.text
    assert re.search(r"<h1>换货 · [^<]*尺码", b.get(page).text)
    s = staff(people, "s1-owner")
    assert "<details><summary>依据的规则</summary>" in s.get("/workbench").text  # each deadline's rule, on demand


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "https://evil.example/", "/ok\r\nX: 1"])
def test_signing_in_never_sends_the_browser_to_another_site(people: Api, target: str) -> None:
    b = Browser(people.client)
    r = b.submit("/login", "/login", {"name": "s1-owner", "password": PASSWORD, "next": target})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_signing_in_goes_back_to_the_page_asked_for(people: Api) -> None:
    r = Browser(people.client).submit("/login", "/login", {"name": "s1-owner", "password": PASSWORD,
                                                           "next": "/workbench?status=awaiting_seller"})
    assert r.headers["location"] == "/workbench?status=awaiting_seller"


def test_a_page_takes_no_status_or_message_from_its_address(people: Api) -> None:
    owner = staff(people, "s1-owner")
    r = owner.get("/team?status=99&error=<b>forged</b>")
    assert r.status_code == 200 and "forged" not in r.text


def test_english_names_standing_alone_start_with_a_capital(people: Api) -> None:
    b = buyer(people)
    line = b.get("/orders/o1/lines/l1?lang=en").text
    assert "· Apparel</p>" in line  # the category, not the pack's raw "apparel"
    case_id = _open_return(b)
    heading = re.search(r"<h1>([^<]*)</h1>", b.get(f"/cases/{case_id}?lang=en").text)
    assert heading and heading.group(1).startswith("Return and refund")


def test_applying_takes_three_choices_and_preselects_nothing(people: Api) -> None:
    b = buyer(people)
    first = b.get("/orders/o1/lines/l1").text
    # What you want: one card per type, those open linking on, none chosen and no form yet.
    cards = re.findall(r'<a class="kind-card" href="/orders/o1/lines/l1\?type=(\w+)#apply"', first)
    assert "return_refund" in cards and "exchange" in cards
    assert 'data-action="open"' not in first and 'aria-current="true"' not in first
    # Why: the reasons of that type only, none ticked; the amount prefilled with what may be refunded.
    second = b.get("/orders/o1/lines/l1?type=return_refund").text
    reasons = re.findall(r'<input type="radio" name="choice" value="([\w:]+)" required\s*>', second)
    assert reasons and all(v.startswith("return_refund:") for v in reasons) and "return_refund:no_reason" in reasons
    assert "checked" not in second.split('data-action="open"')[1].split("</form>")[0]
    assert re.search(r'name="amount"[^>]*value="199.00"', second)
    assert 'name="amount"' not in b.get("/orders/o1/lines/l1?type=exchange").text  # nothing to refund
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply", {"choice": "", "amount": "199.00"})
    assert r.status_code == 422 and "请选择可申请的类型" in r.text  # the browser's `required` aside
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:no_reason", "amount": "19.9.9"})
    assert r.status_code == 422 and "金额形如 99.00" in r.text
    assert 'value="return_refund:no_reason" required checked' in r.text  # still chosen, to correct
    # The same limits as the API: a description of 4,000 characters is taken, one more is not.
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "exchange:size", "description": "长" * 4001})
    assert r.status_code == 422 and "description" in r.text
    # An exchange refunds nothing: an amount sent anyway is not held against it.
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "exchange:size", "amount": "199.00", "description": "长" * 4000})
    assert r.status_code == 303, r.text


def test_a_countdown_turns_amber_under_a_day_left(people: Api) -> None:
    b = buyer(people)
    case_id = _open_return(b)  # the seller has 48 h
    assert re.search(r'<time class="countdown"', b.get(f"/cases/{case_id}").text)
    people.clock("2026-03-05T10:00:00+08:00")  # 23 h left
    assert re.search(r'<time class="countdown soon"', b.get(f"/cases/{case_id}").text)
