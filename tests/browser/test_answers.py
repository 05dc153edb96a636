"""Every form answers the person, with scripts on (htmx swaps the answer in) and off (a plain
page): a refusal says why beside the form that was sent, keeping what was typed; a success says
what was done and what comes next; an irreversible step asks first."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCRIPTS, Server, action_form, buyer_page, staff_page

pytestmark = pytest.mark.browser
SEED_POLICY = Path(__file__).parent.parent / "fixtures" / "store-policy-clothing.toml"



@SCRIPTS
def test_an_amount_above_what_was_paid_is_refused_beside_the_form(browser: Any, server: Server, pages: list[Page],
                                                                  js: bool) -> None:
    order = f"o-amount-{js}"
    server.order(order)
    page = buyer_page(browser, server, pages, js=js)
    page.goto(f"{server.url}/orders/{order}/lines/l1")
    page.locator("a.kind-card[data-kind=return_refund]").click()
    form = page.locator("form[data-action=open]")
    expect(form.get_by_label("金额(元)")).to_have_value("199.00")  # what may be refunded, prefilled
    form.get_by_label("七天无理由").check()
    form.get_by_label("金额(元)").fill("999.00")
    form.get_by_label("问题描述").fill("不合身")
    form.get_by_role("button", name="提交申请").click()
    form = page.locator("form[data-action=open]")
    expect(form.locator("[role=alert]")).to_contain_text("超过该商品实付 199.00")
    # What was typed is still there, to correct rather than retype.
    expect(form.get_by_label("金额(元)")).to_have_value("999.00")
    expect(form.get_by_label("问题描述")).to_have_value("不合身")
    expect(form.get_by_label("七天无理由")).to_be_checked()
    form.get_by_label("金额(元)").fill("199.00")
    form.get_by_role("button", name="提交申请").click()
    done = page.locator(".done[role=status]")
    expect(done).to_contain_text("申请已提交")
    expect(done).to_contain_text("接下来:等待卖家处理,截止")


@SCRIPTS
def test_a_void_policy_clause_is_refused_with_the_law_it_breaks(browser: Any, server: Server, pages: list[Page],
                                                                js: bool) -> None:
    owner = staff_page(browser, server, pages, "s1-owner", js=js)
    owner.goto(server.url + "/policy")
    seed = SEED_POLICY.read_text(encoding="utf-8").replace('store = "seed-clothing"', 'store = "s1"')
    owner.locator("textarea[name=policy]").fill(seed)
    owner.get_by_role("button", name="保存").click()
    expect(owner.locator("[role=alert]")).to_contain_text("减损了买家的权利")
    expect(owner.locator("textarea[name=policy]")).to_have_value(re.compile("2a-quality-exchange-only"))


@SCRIPTS
def test_a_page_left_open_in_another_tab_says_the_case_changed(browser: Any, server: Server, pages: list[Page],
                                                               js: bool) -> None:
    case_id = server.case(f"o-stale-{js}")
    first = staff_page(browser, server, pages, "s1-owner", js=js)
    first.goto(f"{server.url}/cases/{case_id}")
    second = first.context.new_page()
    second.goto(f"{server.url}/cases/{case_id}")
    action_form(first, "agree").locator("button[type=submit]").click()
    expect(first.locator(".done[role=status]")).to_contain_text("已完成:同意")
    expect(first.locator(".done[role=status]")).to_contain_text("等待买家处理")
    action_form(second, "agree").locator("button[type=submit]").click()
    expect(second.locator("[role=alert]")).to_contain_text("在您打开页面后有了变化")
    expect(second.locator(".status")).to_have_text("待买家退货")  # the case as it is now


@SCRIPTS
def test_an_escalation_without_the_evidence_the_rules_ask_for(browser: Any, server: Server, pages: list[Page],
                                                              js: bool) -> None:
    case_id = server.case(f"o-fake-{js}", reason="counterfeit", type_="refund_only")
    server.api("POST", f"/api/v1/cases/{case_id}/refuse", {"reason": "not_as_claimed"}, who="seller:s1")
    page = buyer_page(browser, server, pages, js=js)
    page.goto(f"{server.url}/cases/{case_id}")
    form = action_form(page, "escalate")
    form.get_by_label("备注").fill("疑似假货")
    form.locator("button[type=submit]").click()
    form = action_form(page, "escalate")
    expect(form.locator("[role=alert]")).to_contain_text("需提供以下凭证之一")
    expect(form.get_by_label("备注")).to_have_value("疑似假货")
    expect(page.locator(".status")).to_have_text("卖家已拒绝")


@SCRIPTS
def test_withdrawing_asks_first_and_going_back_changes_nothing(browser: Any, server: Server, pages: list[Page],
                                                               js: bool) -> None:
    case_id = server.case(f"o-withdraw-{js}")
    page = buyer_page(browser, server, pages, js=js)
    page.goto(f"{server.url}/cases/{case_id}")
    action_form(page, "withdraw").locator("button[type=submit]").click()
    question = page.locator("form[data-confirm][data-action=withdraw]")
    expect(question).to_contain_text("确定:撤销申请")
    expect(page.locator("main")).to_contain_text("不能再继续")
    page.get_by_role("link", name="不,返回售后单").click()
    expect(page.locator(".status")).to_have_text("待卖家处理")
    action_form(page, "withdraw").locator("button[type=submit]").click()
    page.locator("form[data-confirm][data-action=withdraw] button[type=submit]").click()
    expect(page.locator(".done[role=status]")).to_contain_text("售后单当前状态:已关闭")


@SCRIPTS
def test_an_appeal_after_its_window_is_refused_on_the_page_that_offered_it(
        browser: Any, server: Server, pages: list[Page], js: bool) -> None:
    # Last in the file: it moves the module's clock on by the appeal window.
    case_id = server.case(f"o-late-appeal-{js}", reason="quality")
    server.api("POST", f"/api/v1/cases/{case_id}/refuse", {"reason": "not_as_claimed"}, who="seller:s1")
    server.api("POST", f"/api/v1/cases/{case_id}/escalate", {}, who="buyer:b1")
    server.api("POST", f"/api/v1/cases/{case_id}/intervene", {}, who="agent:agent-wang")
    server.api("POST", f"/api/v1/cases/{case_id}/rule", {"outcome": "refund", "amount": "50.00"},
               who="agent:agent-wang")
    page = buyer_page(browser, server, pages, js=js)
    for _ in range(100):  # the worker pays the refund and ends the case a moment later
        page.goto(f"{server.url}/cases/{case_id}")
        if page.locator("form[data-action=appeal]").count():
            break
        page.wait_for_timeout(200)
    now = datetime.fromisoformat(server.api("GET", "/api/v1/test-clock")["now"])
    server.clock((now + timedelta(days=8)).isoformat())
    form = action_form(page, "appeal")
    form.get_by_label("备注").fill("仍有损坏")
    form.locator("button[type=submit]").click()
    expect(page.locator("[role=alert]")).to_contain_text("裁决须在售后单结束后")


@SCRIPTS
def test_an_agent_whose_page_predates_another_agents_claim_is_told_who_has_it(
        browser: Any, server: Server, pages: list[Page], js: bool) -> None:
    case_id = server.case(f"o-claimed-{js}", reason="quality")
    server.api("POST", f"/api/v1/cases/{case_id}/refuse", {"reason": "not_as_claimed"}, who="seller:s1")
    server.api("POST", f"/api/v1/cases/{case_id}/escalate", who="buyer:b1")
    wang = staff_page(browser, server, pages, "agent-wang", js=js)
    wang.goto(f"{server.url}/cases/{case_id}")
    server.api("POST", f"/api/v1/cases/{case_id}/intervene", who="agent:agent-zhao")  # in the meantime
    action_form(wang, "intervene").locator("button[type=submit]").click()
    expect(wang.locator("[role=alert]")).to_contain_text("该纠纷由客服 agent-zhao 处理")
    expect(wang.locator("form[data-action]").filter(has_text="受理纠纷")).to_have_count(0)  # offered nothing now


@SCRIPTS
def test_an_owner_saves_a_policy_built_from_templates(browser: Any, server: Server, pages: list[Page],
                                                      js: bool) -> None:
    store = f"tpl{int(js)}"  # a store of its own each time: its policy starts empty
    server.api("POST", "/api/v1/stores", {"id": store, "return_address": "上海市"}, who="integration:oms")
    server.user(f"{store}-owner", "owner", store)
    owner = staff_page(browser, server, pages, f"{store}-owner", js=js)
    owner.goto(server.url + "/policy")
    longer = owner.locator("form[data-action=template-longer_window]")
    longer.get_by_label("签收后天数").fill("15")
    longer.get_by_role("button", name="添加并检查").click()
    expect(owner.locator(".done[role=status]")).to_contain_text("已添加,尚未保存")
    added = owner.locator("li.clause.added")
    expect(added).to_contain_text("longer-window-1")
    expect(added.locator(".verdict")).not_to_have_count(0)  # how it stands, beside it
    owner.locator("form[data-action=template-free_size_exchange]").get_by_role("button", name="添加并检查").click()
    expect(owner.locator("li.clause[data-clause=free-size-exchange-1]")).to_be_visible()
    expect(owner.locator("li.clause[data-clause=longer-window-1]")).to_be_visible()  # the first one kept
    if js:  # checked as the owner types, without pressing Check
        editor = owner.locator("form[data-action=policy] textarea")
        editor.press("Control+End")
        editor.press_sequentially('\n[[clauses]]\nid = "typed-1"\nkind = "require_before_return"\n'
                                  'text = "请先拍照"\nreasons = ["quality"]\nrequires = ["photo"]\n', delay=5)
        expect(owner.locator("li.clause[data-clause=typed-1] .verdict")).not_to_have_count(0)
        editor.fill(editor.input_value().split("\n[[clauses]]\nid = \"typed-1\"")[0])
        expect(owner.locator("li.clause[data-clause=typed-1]")).to_have_count(0)
    owner.locator("form[data-action=policy]").get_by_role("button", name="保存").click()
    expect(owner.locator("[role=status]")).to_contain_text("已保存")
    saved = server.api("GET", f"/api/v1/stores/{store}/policy", who=f"seller:{store}")
    assert [c["id"] for c in saved["clauses"]] == ["longer-window-1", "free-size-exchange-1"]
