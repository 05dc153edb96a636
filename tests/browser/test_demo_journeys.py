"""The README's journeys walked on the demo's own data (`make demo` seeds the same), buyers on a
phone and staff at a desk, each in both languages (issue 14, acceptance 3): alice's return from
the line page in at most five taps with the amount prefilled and the store agreeing to it in
bulk; bob accepting the store's offer on its card; a refusal escalated, an evidence round, a
ruling and its appeal decided by the second agent; bob's closed line reopened after review; the
owner adding a member of staff and saving a policy built from templates.

Forms and fields are found by their names (`data-action`, `name`), the words on the page by the
language the journey runs in."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests import files
from tests.browser.conftest import DESK, PHONE, _port, action_form, open_page, settled

pytestmark = pytest.mark.browser
IRREVERSIBLE = ("withdraw", "decline_offer", "refuse", "rule")


@dataclass
class Demo:
    url: str
    info: Any
    lang: str

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh-CN" else en

    def case(self, *words: str) -> str:
        """The demo case whose note has all of ``words``, as `make demo` lists them."""
        return next(cid for cid, _status, text in self.info.cases if all(w in text for w in words))

    def link(self, buyer: str) -> str:
        """A fresh one-time link, as the marketplace's app asks for one."""
        req = urllib.request.Request(f"{self.url}/api/v1/login-links", method="POST",  # noqa: S310 (own server)
                                     data=json.dumps({"buyer": buyer}).encode(),
                                     headers={"Authorization": f"Bearer {self.info.tokens['integration:demo-oms']}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
            return str(self.url + json.loads(r.read())["url"])


@pytest.fixture(scope="module", params=["zh-CN", "en"], ids=["zh", "en"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         chromium_path: str) -> Iterator[Demo]:
    """The demo, seeded afresh for each language (a journey changes the cases it walks)."""
    from aftersales.bootstrap import upgrade_database
    from aftersales.entrypoints import demo as seeding

    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    env = {**os.environ, "AFTERSALES_DATABASE_URL": url, "AFTERSALES_LOG_LEVEL": "WARNING"}
    upgrade_database(url)
    info = seeding.seed(url)
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "aftersales.entrypoints.cli", "serve", "--port", str(port),
                             "--no-migrate"], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()  # noqa: S310 (the test's own server)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the demo server did not start") from None
            time.sleep(0.2)
    try:
        yield Demo(base, info, request.param)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _buyer(browser: Any, demo: Demo, pages: list[Page], name: str) -> Page:
    page = open_page(browser, PHONE, is_mobile=True, has_touch=True, locale=demo.lang)
    pages.append(page)
    page.goto(demo.link(name))
    expect(page).to_have_url(re.compile(r"/orders$"))
    return page


def _staff(browser: Any, demo: Demo, pages: list[Page], name: str) -> Page:
    page = open_page(browser, DESK, locale=demo.lang)
    pages.append(page)
    page.goto(f"{demo.url}/login")
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=password]").fill(demo.info.passwords[name])
    page.locator("form[data-action=login] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(workbench|queue|ops)$"))
    return page


def _act(page: Page, action: str, **fields: str) -> None:
    """Fill ``action``'s form by its fields' names and send it, answering "are you sure?" when asked."""
    form = action_form(page, action)
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]:not([formaction])").click()
    page.wait_for_load_state()
    if action in IRREVERSIBLE:
        question = page.locator(f"form[data-confirm][data-action={action}]")
        expect(question).to_be_visible()
        question.locator("button[type=submit]").click()
    expect(page.locator(".done[role=status]")).to_be_visible()


def _status(page: Page, status: str) -> None:
    """Reload until the case is in ``status``: the worker acts on its own, a moment later."""
    for _ in range(100):
        if page.locator(f".summary .status-{status}").count():
            return
        page.wait_for_timeout(200)
        page.reload()
    expect(page.locator(f".summary .status-{status}")).to_be_visible()


def test_alices_return_is_five_taps_with_the_amount_prefilled_then_the_store_agrees_in_bulk(
        browser: Any, demo: Demo, pages: list[Page]) -> None:
    alice = _buyer(browser, demo, pages, "alice")
    taps = 0

    def tap(locator: Any) -> None:
        nonlocal taps
        taps += 1
        locator.click()

    tap(alice.locator('a[href="/orders/D1007/lines/1"]'))  # 申请售后 on the wool coat
    tap(alice.locator("a.kind-card[data-kind=return_refund]"))
    form = alice.locator("form[data-action=open]")
    expect(form.locator("input[name=amount]")).to_have_value("399.00")  # what may be refunded, already there
    tap(form.locator("input[name=choice][value='return_refund:no_reason']"))
    tap(form.locator("button[type=submit]"))
    expect(alice.locator(".done[role=status]")).to_contain_text(demo.t("申请已提交", "Your request is submitted"))
    assert taps <= 5
    case_id = alice.url.split("?")[0].rsplit("/", 1)[1]

    owner = _staff(browser, demo, pages, "hz-owner")
    owner.goto(f"{demo.url}/workbench?tab=awaiting_seller")
    row = owner.locator(f"tr[data-case='{case_id}']")
    expect(row.locator("a.title")).to_contain_text("wool coat")
    row.locator("input[type=checkbox]").check()
    owner.locator("form[data-action=bulk] select[name=bulk]").select_option("agree")
    owner.locator("form[data-action=bulk] button[type=submit]").click()
    said = owner.locator("[data-result=bulk]")
    expect(said).to_contain_text(demo.t("1 件中已完成 1 件。", "Done for 1 of 1."))
    expect(said.locator(f"li.ok a[href='/cases/{case_id}']")).to_be_visible()
    alice.goto(f"{demo.url}/cases/{case_id}")
    expect(alice.locator("ol.stepper li[aria-current=step]")).to_have_text(demo.t("寄回商品", "Goods sent back"))


def test_bob_accepts_the_stores_offer_on_its_card(browser: Any, demo: Demo, pages: list[Page]) -> None:
    bob = _buyer(browser, demo, pages, "bob")
    bob.goto(f"{demo.url}/cases/{demo.case('offered', 'bob')}")
    card = bob.locator("#offer")
    expect(card).to_contain_text("¥100.00")
    card.locator("form[data-action=accept_offer] button[type=submit]").click()
    expect(bob.locator(".done[role=status]")).to_be_visible()
    _status(bob, "completed")
    expect(bob.locator("#offer")).to_have_count(0)
    expect(bob.locator(".summary")).to_contain_text("¥100.00")


def test_a_refusal_escalated_an_evidence_round_a_ruling_and_its_appeal_to_the_second_agent(
        browser: Any, demo: Demo, pages: list[Page]) -> None:
    alice = _buyer(browser, demo, pages, "alice")
    alice.goto(f"{demo.url}/orders/D1006/lines/1")  # the custom T-shirt: its print came off in the wash
    alice.locator("a.kind-card[data-kind=return_refund]").click()
    form = alice.locator("form[data-action=open]")
    form.locator("input[name=choice][value='return_refund:quality']").check()
    form.locator("textarea[name=description]").fill(demo.t("洗一次就掉色", "the print came off in one wash"))
    form.locator("button[type=submit]").click()
    expect(alice.locator(".done[role=status]")).to_be_visible()
    shirt = alice.url.split("?")[0].rsplit("/", 1)[1]

    staff = _staff(browser, demo, pages, "hz-staff")
    staff.goto(f"{demo.url}/cases/{shirt}")
    refuse = action_form(staff, "refuse")
    refuse.locator("input[name=note]").fill(demo.t("洗涤方式不当:", "washed too hot:"))
    refuse.locator("select[name=phrase]").select_option(index=2)  # one of the store's quick phrases
    expect(refuse.locator("input[name=note]")).to_have_value(re.compile("吊牌已拆或商品已洗涤"))
    _act(staff, "refuse", reason="not_as_claimed")
    _status(staff, "seller_refused")
    expect(staff.locator("#details")).to_contain_text("吊牌已拆或商品已洗涤")  # the phrase, sent once

    alice.reload()
    _act(alice, "escalate", note=demo.t("按说明冷水洗的,见照片", "washed cold as the label says, see the photo"))
    _status(alice, "platform_review")

    li = _staff(browser, demo, pages, "agent-li")  # lands on the intervention queue
    li.locator(f"tr[data-case='{shirt}'] a.title").click()
    _act(li, "intervene")
    form = action_form(li, "request_evidence")
    form.locator("input[name=parties][value=buyer]").check()
    form.locator("input[name=parties][value=seller]").uncheck()
    _act(li, "request_evidence", note=demo.t("请拍洗后的照片", "a photo after washing, please"))
    expect(li.locator("#pause")).to_contain_text(demo.t("请拍洗后的照片", "a photo after washing, please"))

    alice.reload()
    expect(alice.locator("#pause time.countdown")).to_be_visible()  # what is asked of her, and until when
    upload = alice.locator("form[data-action=evidence]")
    upload.locator("select[name=kind]").select_option("photo")
    upload.locator("input[name=file]").set_input_files(
        files=[{"name": "washed.png", "mimeType": "image/png", "buffer": files.png(64, 48)}])
    upload.locator("button[type=submit]").click()
    expect(alice.locator("#evidence img[src$='/thumb']")).to_have_count(1)

    li.reload()
    expect(li.locator("#evidence")).to_contain_text("alice")  # who sent it
    settled(li)
    rule = action_form(li, "rule")
    rule.locator("input[name=amount]").fill("30.00")
    rule.locator("select[name=fault]").select_option("seller")
    expect(li.locator("#preview-box")).not_to_be_empty()  # what the ruling would do, before it is given
    _act(li, "rule", outcome="refund")
    _status(alice, "completed")
    expect(alice.locator(".summary")).to_contain_text("¥30.00")

    _act(alice, "appeal", note=demo.t("质量问题,应全额退款", "a defect: refund it all"))
    alice.wait_for_url(re.compile(r"/cases/\w+(\?done=\w+)?$"))
    appeal = alice.url.split("?")[0].removeprefix(demo.url)
    assert appeal != f"/cases/{shirt}"

    li.goto(demo.url + appeal)  # the agent who ruled is offered nothing on its appeal
    expect(li.locator("form[data-action=rule]")).to_have_count(0)
    expect(li.locator("form[data-action=intervene]")).to_have_count(0)
    zhao = _staff(browser, demo, pages, "agent-zhao")
    zhao.locator("select[name=kind]").select_option("appeal")
    zhao.locator("form.filters button[type=submit]").click()
    zhao.locator(f'a[href="{appeal}"]').first.click()
    zhao.wait_for_url(demo.url + appeal)
    settled(zhao)
    _act(zhao, "rule", outcome="refund")
    alice.goto(demo.url + appeal)
    _status(alice, "completed")
    expect(alice.locator(".summary")).to_contain_text("¥58.00")  # the rest of the ¥88.00 she paid


def test_bobs_closed_line_is_reopened_after_review(browser: Any, demo: Demo, pages: list[Page]) -> None:
    bob = _buyer(browser, demo, pages, "bob")
    bob.goto(f"{demo.url}/orders/D1005/lines/1")
    expect(bob.locator("a.kind-card[data-kind=return_refund]")).to_have_count(0)  # every window closed
    form = bob.locator("form[data-action=reopen_request]")
    form.locator("select[name=choice]").select_option("return_refund:counterfeit")
    form.locator("textarea[name=description]").fill(demo.t("专柜鉴定为仿品", "the brand's counter says it is fake"))
    form.locator("select[name=kind]").select_option("authentication")
    form.locator("input[name=proof]").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}])
    form.locator("button[type=submit]").click()
    bob.wait_for_url(re.compile(r"/cases/\w+(\?done=\w+)?$"))
    expect(bob.locator(".done[role=status]")).to_be_visible()
    request = bob.url.split("?")[0].removeprefix(demo.url)

    li = _staff(browser, demo, pages, "agent-li")
    li.goto(demo.url + request)
    expect(li.locator("#evidence")).to_contain_text("report.pdf")
    _act(li, "reopen_grant", note=demo.t("鉴定报告有效", "the report holds"))
    bob.goto(f"{demo.url}/orders/D1005/lines/1")
    bob.locator("a.kind-card[data-kind=return_refund]").click()  # the window is open again
    expect(bob.locator("form[data-action=open] button[type=submit]")).to_be_visible()


def test_the_owner_adds_staff_and_saves_a_policy_built_from_templates(browser: Any, demo: Demo,
                                                                      pages: list[Page]) -> None:
    owner = _staff(browser, demo, pages, "hz-owner")
    owner.goto(f"{demo.url}/team")
    add = owner.locator("form[data-action=add_member]")
    add.locator("input[name=name]").fill("hz-new")
    add.locator("select[name=role]").select_option("after_sales")
    add.locator("input[name=password]").fill("a long new password")
    add.locator("button[type=submit]").click()
    expect(owner.locator(".done[role=status]")).to_contain_text(demo.t("hz-new 已加入团队", "hz-new is on the team"))
    expect(owner.locator("main table.grid")).to_contain_text("hz-new")

    owner.goto(f"{demo.url}/policy")
    longer = owner.locator("form[data-action=template-longer_window]")
    longer.locator("input[name=days]").fill("15")
    longer.locator("button[type=submit]").click()
    owner.locator("form[data-action=template-free_return_shipping] button[type=submit]").click()
    expect(owner.locator("li.clause[data-clause=longer-window-1]")).to_be_visible()
    expect(owner.locator("li.clause[data-clause=free-return-shipping-1]")).to_be_visible()
    owner.locator("form[data-action=policy] button[value=save]").click()
    expect(owner.locator("[role=status]")).to_contain_text(demo.t("已保存", "Saved"))

    newcomer = open_page(browser, DESK, locale=demo.lang)  # the new member signs in with what the owner set
    pages.append(newcomer)
    newcomer.goto(f"{demo.url}/login")
    newcomer.locator("input[name=name]").fill("hz-new")
    newcomer.locator("input[name=password]").fill("a long new password")
    newcomer.locator("form[data-action=login] button[type=submit]").click()
    newcomer.wait_for_url(re.compile(r"/workbench$"))
