"""Whole journeys in a real browser: a buyer on a phone, the store's team and an agent at desks."""

from __future__ import annotations

import http.server
import re
import threading
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests import files
from tests.browser.conftest import DESK, PHONE, Server, action_form, buyer_page, open_page, settled, staff_page

pytestmark = pytest.mark.browser
IRREVERSIBLE = ("withdraw", "decline_offer", "refuse", "refuse_receipt", "reject_replacement", "rule")


def apply(page: Page, order_id: str, choice: str, amount: str | None = None) -> str:
    """Three choices, as on a phone: the line, what is wanted (a card), why (a reason)."""
    page.locator(f'a[href="/orders/{order_id}/lines/l1"]').click()
    page.locator(f"a.kind-card[data-kind={choice.split(':')[0]}]").click()
    page.locator(f"input[name=choice][value='{choice}']").check()
    if amount:
        page.get_by_label("金额(元)").fill(amount)
    page.get_by_label("问题描述").fill("尺码不合适")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/cases/\w+(\?done=\w+)?$"))
    return page.url.split("?")[0].rsplit("/", 1)[1]


def act(page: Page, action: str, **fields: str) -> None:
    form = action_form(page, action)
    for label, value in fields.items():
        control = form.get_by_label(label)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]:not([formaction])").click()
    page.wait_for_load_state()
    if action in IRREVERSIBLE:  # asked first: the question names the action, then it is done
        question = page.locator(f"form[data-confirm][data-action={action}]")
        expect(question).to_be_visible()
        question.locator("button[type=submit]").click()
        expect(page.locator(".done[role=status]")).to_be_visible()


def reload_until(page: Page, status: str) -> None:
    """Reload until the case shows ``status``: the worker acts on its own, a moment later."""
    for _ in range(100):
        page.reload()
        if page.locator(".status").inner_text() == status:
            return
        page.wait_for_timeout(200)
    expect(page.locator(".status")).to_have_text(status)


def test_a_buyer_returns_from_a_phone_and_sees_the_refund(browser: Any, server: Server, pages: list[Page]) -> None:
    server.order("o-ret")
    buyer = buyer_page(browser, server, pages)
    case_id = apply(buyer, "o-ret", "return_refund:no_reason", "199.00")
    expect(buyer.locator(".status")).to_have_text("待卖家处理")
    expect(buyer.locator("time.countdown").first).to_contain_text("还剩")
    seller = staff_page(browser, server, pages, "s1-owner")
    # The row leads with the product; the case id is the short one beside it.
    row = seller.locator(f"tr[data-case='{case_id}']")
    expect(row.locator(".short-id")).to_have_text(case_id[-8:])
    row.get_by_role("link", name="羊毛衫").click()
    act(seller, "agree")
    expect(seller.locator(".status")).to_have_text("待买家退货")
    buyer.reload()
    act(buyer, "ship_return", 物流公司="顺丰", 运单号="SF1234567")
    expect(buyer.locator(".status")).to_have_text("待卖家收货")
    seller.reload()
    act(seller, "confirm_receipt")
    # The in-process worker pays the refund; the buyer sees it on their phone.
    reload_until(buyer, "已完成")
    expect(buyer.locator(".summary")).to_contain_text("已退款: ¥199.00")
    assert buyer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than a phone


def refused_then_escalated(browser: Any, server: Server, pages: list[Page], order: str) -> tuple[str, Page, Page]:
    """A quality return the store refuses and the buyer escalates: (case, buyer's page, seller's page)."""
    server.order(order)
    buyer = buyer_page(browser, server, pages)
    case_id = apply(buyer, order, "return_refund:quality", "199.00")
    seller = staff_page(browser, server, pages, "s1-owner")
    seller.goto(f"{server.url}/cases/{case_id}")
    act(seller, "refuse", 原因="not_as_claimed", 备注="商品无质量问题")
    expect(seller.locator(".status")).to_have_text("卖家已拒绝")
    buyer.reload()
    act(buyer, "escalate", 备注="有质量问题,见照片")
    expect(buyer.locator(".status")).to_have_text("平台处理中")
    return case_id, buyer, seller


def test_a_refusal_escalated_and_ruled_by_an_agent(browser: Any, server: Server, pages: list[Page]) -> None:
    case_id, buyer, _ = refused_then_escalated(browser, server, pages, "o-dis")
    agent = staff_page(browser, server, pages, "agent-wang")
    row = agent.locator(f"tr[data-case='{case_id}']")
    expect(row).to_be_visible()
    row.get_by_role("link", name="羊毛衫").click()
    act(agent, "intervene")  # the one button of a dispute nobody has yet: take it up; ruling follows
    expect(agent.locator("section.actions > form.action-rule")).to_be_visible()
    settled(agent)  # the preview's trigger is bound once htmx settles
    form = agent.locator("form.action-rule")
    form.get_by_label("金额(元)").fill("199.00")
    form.get_by_label("过错方").select_option("seller")  # htmx asks what this ruling would do …
    expect(agent.locator("#preview-box")).to_contain_text("按裁决:谁过错谁承担运费")  # … before it is given
    act(agent, "rule", 裁决结果="refund")
    expect(agent.locator("#details")).to_contain_text("裁决退款")
    buyer.reload()
    expect(buyer.locator(".timeline")).to_contain_text("裁决")


def test_a_counter_offer_accepted_from_the_phone(browser: Any, server: Server, pages: list[Page]) -> None:
    server.order("o-offer")
    buyer = buyer_page(browser, server, pages)
    case_id = apply(buyer, "o-offer", "return_refund:quality", "199.00")
    seller = staff_page(browser, server, pages, "s1-owner")
    seller.goto(f"{server.url}/cases/{case_id}")
    act(seller, "counter_offer", 改为="refund_only", **{"退款金额(元)": "60.00", "备注": "补偿 60 元,不用退货"})
    expect(seller.locator("#offer")).to_contain_text("仅退款 · ¥60.00")
    expect(seller.locator("form.action-accept_offer")).to_have_count(0)  # the buyer's to answer
    buyer.reload()
    expect(buyer.locator("#offer")).to_contain_text("补偿 60 元,不用退货")
    act(buyer, "accept_offer")
    reload_until(buyer, "已完成")
    expect(buyer.locator(".summary")).to_contain_text("已退款: ¥60.00")
    expect(buyer.locator("#messages")).to_contain_text("买家接受了卖家的协商方案:仅退款 ¥60.00。")
    assert buyer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_agent_asks_the_seller_for_evidence(browser: Any, server: Server, pages: list[Page]) -> None:
    case_id, buyer, seller = refused_then_escalated(browser, server, pages, "o-round")
    agent = staff_page(browser, server, pages, "agent-wang")
    agent.goto(f"{server.url}/cases/{case_id}")
    act(agent, "intervene")
    expect(agent.locator(".summary")).to_contain_text("处理客服:agent-wang")
    act(agent, "request_evidence", 备注="请提供出厂质检报告")
    expect(agent.locator("#pause")).to_contain_text("请提供出厂质检报告")
    seller.reload()
    expect(seller.locator("#pause")).to_contain_text("请在此之前在下方补充凭证")
    expect(seller.locator("#pause time.countdown")).to_contain_text("还剩")
    agent.locator("#messages textarea").fill("卖家近期同类纠纷较多")
    agent.locator("#messages").get_by_label("内部备注:仅平台人员可见").check()
    agent.locator("#messages").get_by_role("button", name="发送").click()
    expect(agent.locator("#messages .msg-note")).to_contain_text("卖家近期同类纠纷较多")
    buyer.reload()
    expect(buyer.locator("#messages")).not_to_contain_text("卖家近期同类纠纷较多")
    expect(buyer.locator("#messages")).to_contain_text("平台客服要求卖家补充凭证")


def test_both_parties_pause_the_review_to_negotiate(browser: Any, server: Server, pages: list[Page]) -> None:
    case_id, buyer, seller = refused_then_escalated(browser, server, pages, "o-pause")
    act(buyer, "suspend", 中止原因="negotiation")
    expect(buyer.locator("#pause")).to_contain_text("待对方同意")  # the form has gone through
    seller.goto(f"{server.url}/cases/{case_id}")
    expect(seller.locator("#pause")).to_contain_text("待对方同意")
    act(seller, "suspend", 中止原因="negotiation")
    expect(seller.locator("#pause")).to_contain_text("中止处理:双方自行协商")
    expect(seller.locator("#pause time.countdown")).to_contain_text(re.compile(r"还剩 (30 天|29 天 23 小时)"))
    buyer.reload()
    act(buyer, "resume", 备注="协商不成")
    expect(buyer.locator("#pause")).to_have_count(0)
    expect(buyer.locator("#messages")).to_contain_text("买家恢复了平台处理。")


def test_a_ruling_appealed_and_decided_by_another_agent(browser: Any, server: Server, pages: list[Page]) -> None:
    case_id, buyer, _ = refused_then_escalated(browser, server, pages, "o-appeal")
    wang = staff_page(browser, server, pages, "agent-wang")
    wang.goto(f"{server.url}/cases/{case_id}")
    act(wang, "intervene")
    wang.locator("form.action-rule").get_by_label("金额(元)").fill("50.00")
    act(wang, "rule", 裁决结果="refund")
    reload_until(buyer, "已完成")
    act(buyer, "appeal", 备注="开线严重,应全额退款")
    buyer.wait_for_url(re.compile(r"/cases/\w+(\?done=\w+)?$"))
    expect(buyer.locator("h1")).to_contain_text("申诉")
    expect(buyer.locator(".summary")).to_contain_text("¥149.00")
    appeal_url = buyer.url.split("?")[0]
    zhao = staff_page(browser, server, pages, "agent-zhao")  # lands on the queue
    zhao.get_by_label("类别").select_option("appeal")
    zhao.get_by_role("button", name="筛选").click()
    zhao.locator(f'a[href="{appeal_url.removeprefix(server.url)}"]').click()
    expect(zhao.locator("h1")).to_contain_text("申诉")
    act(zhao, "rule", 裁决结果="refund")
    reload_until(buyer, "已完成")
    expect(buyer.locator(".summary")).to_contain_text("已退款: ¥149.00")


def test_a_buyer_past_the_window_asks_for_a_review(browser: Any, server: Server, pages: list[Page]) -> None:
    server.api("POST", "/api/v1/orders", {
        "id": "o-late", "store": "s1", "buyer": "b1", "paid_at": "2025-10-01T10:00:00+08:00",
        "shipped_at": "2025-10-01T18:00:00+08:00", "delivered_at": "2025-10-03T12:00:00+08:00",
        "completed_at": "2025-10-05T12:00:00+08:00",
        "lines": [{"id": "l1", "title": "名牌手提包", "category": "bags", "paid": "2999.00"}]}, who="integration:oms")
    buyer = buyer_page(browser, server, pages)
    buyer.goto(f"{server.url}/orders/o-late/lines/l1")
    form = buyer.locator("form[action$='reopen_request']")
    form.get_by_label("问题描述").fill("专柜鉴定为假货")
    form.get_by_label("凭证类型").select_option("authentication")
    form.get_by_label("凭证文件").set_input_files(
        files=[{"name": "鉴定.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}])
    form.get_by_role("button", name="申请审核").click()
    buyer.wait_for_url(re.compile(r"/cases/\w+(\?done=\w+)?$"))
    expect(buyer.locator("h1")).to_contain_text("重新开启申请")
    agent = staff_page(browser, server, pages, "agent-wang")
    agent.goto(buyer.url)
    act(agent, "reopen_grant", 备注="鉴定有效")
    expect(agent.locator(".status")).to_have_text("已完成")
    buyer.goto(f"{server.url}/orders/o-late/lines/l1")
    buyer.locator("a.kind-card[data-kind=return_refund]").click()  # the window is open again
    expect(buyer.get_by_role("button", name="提交申请")).to_be_visible()


def test_photos_added_several_at_once_show_as_thumbnails(browser: Any, server: Server, pages: list[Page]) -> None:
    server.order("o-photos")
    buyer = buyer_page(browser, server, pages)
    apply(buyer, "o-photos", "return_refund:no_reason", "199.00")
    form = buyer.locator("#evidence form")
    form.get_by_label("添加文件(最多 9 个)").set_input_files(files=[
        {"name": f"p{i}.png", "mimeType": "image/png", "buffer": files.png(64, 48, color=(i * 60, 80, 80))}
        for i in range(3)])
    form.get_by_role("button", name="上传").click()
    expect(buyer.locator("#evidence img[src$='/thumb']")).to_have_count(3)
    first = buyer.locator("#evidence img").first
    first.scroll_into_view_if_needed()  # loaded lazily: only once it is on screen
    # The thumbnail arrives and decodes in the browser (waited for, not sampled: a busy machine is slower).
    buyer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle())


def test_a_deadline_counts_down_and_then_acts(browser: Any, server: Server, pages: list[Page]) -> None:
    server.order("o-time")
    buyer = buyer_page(browser, server, pages)
    apply(buyer, "o-time", "return_refund:no_reason", "199.00")
    countdown = buyer.locator(".summary time.countdown")
    expect(countdown).to_contain_text("还剩")
    expect(buyer.locator(".summary")).to_contain_text("超时未处理,系统将自动同意")
    buyer.locator(".summary details summary").click()
    expect(buyer.locator(".summary details p").first).to_contain_text("依据")
    deadline = countdown.get_attribute("datetime")
    assert deadline
    server.clock(deadline)  # the moment the seller's time runs out
    reload_until(buyer, "待买家退货")
    expect(buyer.locator(".timeline")).to_contain_text("系统")


def test_the_language_switch_is_remembered(browser: Any, server: Server, pages: list[Page]) -> None:
    buyer = buyer_page(browser, server, pages)
    expect(buyer.locator("h1").last).to_have_text("我的订单")
    buyer.get_by_role("link", name="English").click()
    expect(buyer.locator("h1").last).to_have_text("My orders")
    buyer.goto(server.url + "/orders")
    expect(buyer.locator("h1").last).to_have_text("My orders")
    buyer.get_by_role("link", name="中文").click()
    expect(buyer.locator("h1").last).to_have_text("我的订单")


def test_a_message_with_markup_is_shown_as_text(browser: Any, server: Server, pages: list[Page]) -> None:
    server.order("o-xss")
    buyer = buyer_page(browser, server, pages)
    case_id = apply(buyer, "o-xss", "return_refund:no_reason", "199.00")
    text = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>粗体</b>'
    buyer.get_by_label("留言").fill(text)
    buyer.get_by_role("button", name="发送").click()
    expect(buyer.locator(".msg p").last).to_have_text(text)
    seller = staff_page(browser, server, pages, "s1-owner")
    seller.goto(f"{server.url}/cases/{case_id}")
    expect(seller.locator(".msg p").last).to_have_text(text)
    assert buyer.evaluate("window.__pwned") is None and seller.evaluate("window.__pwned") is None


def test_another_buyer_and_another_store_get_not_found(browser: Any, server: Server, pages: list[Page]) -> None:
    server.order("o-priv")
    buyer = buyer_page(browser, server, pages)
    case_id = apply(buyer, "o-priv", "return_refund:no_reason", "199.00")
    other_buyer = buyer_page(browser, server, pages, "b2")
    other_store = staff_page(browser, server, pages, "s2-owner")
    for page in (other_buyer, other_store):
        response = page.goto(f"{server.url}/cases/{case_id}")
        assert response is not None and response.status == 404
        expect(page.locator("h1")).to_have_text("未找到")
        response = page.goto(f"{server.url}/orders/o-priv/lines/l1")
        assert response is not None and response.status == 404
    expect(other_store.locator("main")).not_to_contain_text(case_id)


def test_the_operator_sees_charts_drawn_from_the_cases(browser: Any, server: Server, pages: list[Page]) -> None:
    ops = staff_page(browser, server, pages, "ops")
    expect(ops).to_have_url(re.compile(r"/ops$"))
    expect(ops.locator(".chart canvas").first).to_be_visible()  # ECharts, served from the package
    expect(ops.locator("table.compact").first).to_contain_text("待卖家处理")


@pytest.mark.parametrize("who", ["buyer", "seller", "agent", "operator"])
def test_main_pages_have_no_serious_accessibility_violation(browser: Any, server: Server, pages: list[Page],
                                                             who: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    server.order(f"o-a11y-{who}")
    buyer = buyer_page(browser, server, pages)
    case_id = apply(buyer, f"o-a11y-{who}", "return_refund:quality", "199.00")
    if who == "buyer":
        page, urls = buyer, ["/orders", f"/orders/o-a11y-{who}/lines/l1",
                             f"/orders/o-a11y-{who}/lines/l1?type=return_refund", f"/cases/{case_id}", "/waiting"]
    elif who == "seller":
        server.api("POST", "/api/v1/phrases", {"text": "亲,请提供问题部位的照片 (a11y)"}, who="seller:s1")
        page, urls = staff_page(browser, server, pages, "s1-owner"), [
            "/workbench", f"/workbench?q={case_id[-8:]}", f"/cases/{case_id}", "/policy", "/team", "/waiting",
            "/phrases", "/webhooks"]
    elif who == "agent":
        server.api("POST", "/api/v1/phrases", {"text": "平台已介入 (a11y)", "scope": "platform"}, who="operator:ops")
        page, urls = staff_page(browser, server, pages, "agent-wang"), ["/queue", f"/cases/{case_id}", "/waiting",
                                                                         "/phrases"]
    else:
        made = server.api("POST", "/api/v1/webhook-endpoints", {"url": "https://erp.example.com/a11y"},
                          who="operator:ops")
        page, urls = staff_page(browser, server, pages, "ops"), ["/ops", "/rules", "/waiting", "/phrases",
                                                                 "/webhooks", f"/webhooks/{made['id']}"]
    urls.append("/login") if who == "buyer" else None
    axe = Axe()
    for url in urls:
        page.goto(server.url + url)
        for lang in ("zh-CN", "en"):
            page.goto(f"{server.url}{url}{'&' if '?' in url else '?'}lang={lang}")
            found = axe.run(page).response["violations"]
            bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in found
                   if v["impact"] in ("serious", "critical")]
            assert not bad, f"{url} ({lang}): {bad}"


def _csp_violations(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def test_another_site_cannot_frame_the_sign_in_page(browser: Any, server: Server, pages: list[Page]) -> None:
    # Another origin that frames our sign-in page, as a clickjacking site would: a real server on
    # another port (a page Playwright made up counts as public, and Chromium keeps public pages
    # from reaching local ones whatever our headers say).
    body = f'<h1>elsewhere</h1><iframe id="f" src="{server.url}/login"></iframe>'.encode()

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        page = open_page(browser, DESK)
        pages.append(page)
        violations = _csp_violations(page)
        page.goto(f"http://127.0.0.1:{site.server_address[1]}/")  # waits for the frame's load too
        expect(page.locator("h1")).to_have_text("elsewhere")
        expect(page.frame_locator("#f").get_by_label("用户名")).to_have_count(0)
        assert any("frame-ancestors" in v for v in violations), violations
    finally:
        site.shutdown()
        site.server_close()
    # The same page, on its own, renders its form.
    page.goto(server.url + "/login")
    expect(page.get_by_label("用户名")).to_be_visible()


def test_the_pages_own_scripts_run_under_the_strict_policy(browser: Any, server: Server, pages: list[Page]) -> None:
    ops = staff_page(browser, server, pages, "ops")
    violations = _csp_violations(ops)
    ops.reload()
    policy = ops.evaluate("fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    expect(ops.locator(".chart canvas").first).to_be_visible()  # charts.js and ECharts ran
    ops.get_by_role("link", name="规则").first.click()  # htmx's boosted navigation
    expect(ops).to_have_url(re.compile(r"/rules$"))
    ops.goto(server.url + "/docs")
    expect(ops.locator(".swagger-ui .info .title")).to_contain_text("Aftersales API")  # swagger-init.js ran
    server.order("o-csp")
    buyer = buyer_page(browser, server, pages)
    violations += _csp_violations(buyer)
    apply(buyer, "o-csp", "return_refund:no_reason", "199.00")
    expect(buyer.locator(".summary time.countdown")).to_contain_text("还剩")  # countdown.js ran
    assert violations == []
