"""The README's journeys walked on the demo's own data (`make demo` seeds the same), buyers on a
phone, staff at a desk (issue 14, acceptance 3): alice's return from the line page in at most five
taps with the amount prefilled (in Chinese), bob accepting the store's offer on its card, and the
store agreeing to alice's request from the workbench in bulk (in English)."""

from __future__ import annotations

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

from tests.browser.conftest import DESK, PHONE, _port, open_page

pytestmark = pytest.mark.browser


@dataclass
class Demo:
    url: str
    info: Any


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Demo]:
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
        yield Demo(base, info)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _buyer(browser: Any, demo: Demo, pages: list[Page], name: str) -> Page:
    page = open_page(browser, PHONE, is_mobile=True, has_touch=True)
    pages.append(page)
    page.goto(demo.url + demo.info.links[name])
    expect(page).to_have_url(re.compile(r"/orders$"))
    return page


def _staff(browser: Any, demo: Demo, pages: list[Page], name: str, lang: str) -> Page:
    page = open_page(browser, DESK, locale=lang)
    pages.append(page)
    page.goto(f"{demo.url}/login?lang={lang}")
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=password]").fill(demo.info.passwords[name])
    page.locator("form[data-action=login] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(workbench|queue|ops)$"))
    return page


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
    expect(form.get_by_label("金额(元)")).to_have_value("399.00")  # what may be refunded, already there
    tap(form.get_by_label("七天无理由"))
    tap(form.get_by_role("button", name="提交申请"))
    expect(alice.locator(".done[role=status]")).to_contain_text("申请已提交")
    assert taps <= 5
    case_id = alice.url.split("?")[0].rsplit("/", 1)[1]

    owner = _staff(browser, demo, pages, "hz-owner", "en")
    owner.goto(f"{demo.url}/workbench?tab=awaiting_seller&lang=en")
    row = owner.locator(f"tr[data-case='{case_id}']")
    expect(row.locator("a.title")).to_contain_text("wool coat")
    row.locator("input[type=checkbox]").check()
    owner.get_by_label("With the cases ticked").select_option("agree")
    owner.locator("form[data-action=bulk] button[type=submit]").click()
    said = owner.locator("[data-result=bulk]")
    expect(said).to_contain_text("Done for 1 of 1.")
    expect(said.locator(f"li.ok a[href='/cases/{case_id}']")).to_be_visible()
    alice.goto(f"{demo.url}/cases/{case_id}")
    expect(alice.locator("ol.stepper li[aria-current=step]")).to_have_text("寄回商品")


def test_bob_accepts_the_stores_offer_on_its_card(browser: Any, demo: Demo, pages: list[Page]) -> None:
    bob = _buyer(browser, demo, pages, "bob")
    offered = next(cid for cid, _status, text in demo.info.cases if "offered" in text and "bob" in text)
    bob.goto(f"{demo.url}/cases/{offered}")
    card = bob.locator("#offer")
    expect(card).to_contain_text("¥100.00")
    card.locator("form[data-action=accept_offer] button[type=submit]").click()
    expect(bob.locator(".done[role=status]")).to_contain_text("已完成")
    expect(bob.locator("#offer")).to_have_count(0)
