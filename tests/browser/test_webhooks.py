"""The webhooks pages (issue 15, acceptance 5): a store's owner adds an endpoint and sees its
secret once, watches deliveries arrive in the log, a failing receiver's tries with its answer,
sends a delivery again, rotates the secret and deletes the endpoint, each answered on the page
with scripts on and off; another store's endpoint is not found; an operator sees every store's."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCRIPTS, Server, settled, staff_page
from tests.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _add(page: Page, server: Server, url: str, types: tuple[str, ...] = ()) -> None:
    page.goto(server.url + "/webhooks")
    settled(page)
    form = page.locator("form[data-action=add_endpoint]")
    form.get_by_label("地址(https://…)").fill(url)
    if types:
        form.locator("summary").click()
        for t in types:
            form.locator(f"input[name=events][value='{t}']").check()
    form.get_by_role("button", name="添加地址").click()


def _reload_until(page: Page, text: str, timeout: float = 15) -> None:
    """The log as a person sees it: reloaded until the delivery shows (the worker sends within seconds)."""
    end = time.monotonic() + timeout
    while text not in page.locator("table.deliveries").inner_text() if page.locator("table.deliveries").count() \
            else True:
        if time.monotonic() > end:
            raise AssertionError(f"{text!r} never showed in the delivery log")
        time.sleep(0.3)
        page.reload()


@SCRIPTS
def test_an_owner_adds_an_endpoint_sees_the_secret_once_and_its_deliveries(
        browser: Any, server: Server, pages: list[Page], receiver: Receiver, js: bool) -> None:
    owner = staff_page(browser, server, pages, "s1-owner", js=js)
    owner.get_by_role("link", name="Webhook").click()
    expect(owner.get_by_role("heading", name="Webhook", exact=True)).to_be_visible()
    _add(owner, server, receiver.url, ("case.opened", "case.agreed"))
    secret_box = owner.locator("section.secret")
    expect(secret_box).to_contain_text("请立即复制:密钥只显示这一次")
    secret = owner.locator("[data-secret]").inner_text().strip()
    assert secret.startswith("whsec_")
    receiver.secrets.append(secret)
    expect(owner.locator("dl.facts")).to_contain_text("case.agreed")
    endpoint_url = owner.url if "/webhooks/" in owner.url else None
    # The page that made it is the only one that shows it.
    owner.get_by_role("link", name="← Webhook").click()
    settled(owner)
    row = owner.locator("tr[data-endpoint]").filter(has_text=receiver.url)
    expect(row).to_contain_text("已启用")
    row.get_by_role("link").click()
    settled(owner)
    expect(owner.locator("[data-secret]")).to_have_count(0)
    assert endpoint_url is None or owner.url.startswith(endpoint_url.split("?")[0])
    # A request the store receives: delivered, verified with the secret shown, in the log.
    case_id = server.case(f"o-wh-{js}")
    _reload_until(owner, "已送达")
    expect(owner.locator("table.deliveries")).to_contain_text("case.opened")
    expect(owner.locator("table.deliveries")).to_contain_text(case_id)
    got = [r for r in receiver.got if r.type == "case.opened" and r.body["data"]["case"]["id"] == case_id]
    assert got and got[0].verified_with == (0,)


@SCRIPTS
def test_a_refused_address_is_said_on_the_page(browser: Any, server: Server, pages: list[Page], js: bool) -> None:
    owner = staff_page(browser, server, pages, "s1-owner", js=js)
    _add(owner, server, "ftp://erp.example.com/in")
    expect(owner.get_by_role("alert")).to_contain_text("地址须以 https://")
    expect(owner.locator("form[data-action=add_endpoint] input[name=url]")).to_have_value("ftp://erp.example.com/in")


def test_a_failing_receiver_shows_its_answer_and_is_sent_again(
        browser: Any, server: Server, pages: list[Page], receiver: Receiver) -> None:
    receiver.status = 503
    owner = staff_page(browser, server, pages, "s2-owner")
    _add(owner, server, receiver.url)
    receiver.secrets.append(owner.locator("[data-secret]").inner_text().strip())
    expect(owner).to_have_url(re.compile(r"/webhooks/we"))  # scripts on: the address bar names the endpoint
    detail = owner.url
    server.order("o-wh-fail", store="s2")
    server.api("POST", "/api/v1/cases", {"order_id": "o-wh-fail", "line_id": "l1", "type": "return_refund",
                                         "reason": "no_reason", "amount": "199.00"}, who="buyer:b1")
    _reload_until(owner, "503")
    expect(owner.locator("dd").first).to_contain_text("推送失败")  # the endpoint is failing, and says so
    log = owner.locator("table.deliveries tr[data-delivery]").first
    log.locator("details summary").click()
    expect(log.locator("pre.answer").first).to_contain_text("ok")
    receiver.status = 200
    log.get_by_role("button", name="重发").click()
    expect(owner.get_by_role("status")).to_contain_text("已重发 1 条推送")
    _reload_until(owner, "已送达")
    assert owner.url.split("?")[0] == detail.split("?")[0]


@SCRIPTS
def test_rotating_and_deleting_ask_first(browser: Any, server: Server, pages: list[Page], receiver: Receiver,
                                         js: bool) -> None:
    owner = staff_page(browser, server, pages, "s1-owner", js=js)
    _add(owner, server, receiver.url + f"?rotate={js}")
    first = owner.locator("[data-secret]").inner_text().strip()
    owner.locator("form[data-action=rotate_secret] button").click()
    expect(owner.get_by_role("heading", name="确定要这样做吗?")).to_be_visible()
    expect(owner.locator("main")).to_contain_text("24 小时")
    owner.get_by_role("button", name=re.compile("更换签名密钥")).click()
    second = owner.locator("[data-secret]").inner_text().strip()
    assert second.startswith("whsec_") and second != first
    expect(owner.locator("section.secret")).to_contain_text("旧密钥仍会与新密钥一同签名")
    owner.locator("form[data-action=delete_endpoint] button").click()
    owner.get_by_role("button", name=re.compile("删除 Webhook 地址")).click()
    expect(owner.get_by_role("status")).to_contain_text("已删除")
    expect(owner.locator("tr[data-endpoint]").filter(has_text=f"rotate={js}")).to_have_count(0)


def test_another_store_finds_nothing_and_the_operator_sees_every_store(
        browser: Any, server: Server, pages: list[Page]) -> None:
    made = server.api("POST", "/api/v1/webhook-endpoints", {"url": "https://erp.example.com/s1-only"},
                      who="seller:s1")
    other = staff_page(browser, server, pages, "s2-owner")
    response = other.goto(f"{server.url}/webhooks/{made['id']}")
    assert response is not None and response.status == 404
    expect(other.locator("main")).not_to_contain_text("s1-only")
    ops = staff_page(browser, server, pages, "ops")
    ops.goto(server.url + "/webhooks")
    row = ops.locator("tr[data-endpoint]").filter(has_text="s1-only")
    expect(row).to_contain_text("s1")
    expect(ops.locator("form[data-action=add_endpoint]").get_by_label(re.compile("仅此店铺的售后单"))).to_be_visible()
