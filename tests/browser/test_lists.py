"""The store's workbench worked as a 售后客服 works a queue, with scripts on and off: a tab with
its count, a search by the short id, and a bulk agree that says per case what was done and what
was refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCRIPTS, Server, settled, staff_page

pytestmark = pytest.mark.browser



@SCRIPTS
def test_bulk_agree_from_a_tab_reports_each_case(browser: Any, server: Server, pages: list[Page], js: bool) -> None:
    fresh = [server.case(f"o-bulk-{js}-{i}") for i in range(2)]
    moved = server.case(f"o-bulk-{js}-moved")
    page = staff_page(browser, server, pages, "s1-owner", js=js)
    page.goto(server.url + "/workbench?tab=awaiting_seller")
    expect(page.locator("nav.tabs [aria-current=page]")).to_contain_text("待处理")
    for case_id in (*fresh, moved):
        page.locator(f"tr[data-case='{case_id}'] input[type=checkbox]").check()
    server.api("POST", f"/api/v1/cases/{moved}/agree", who="seller:s1")  # agreed in another tab meanwhile
    page.get_by_label("对勾选的售后单").select_option("agree")
    page.locator("form[data-action=bulk] button[type=submit]").click()
    said = page.locator("[data-result=bulk]")
    expect(said).to_contain_text("3 件中已完成 2 件")
    for case_id in fresh:
        expect(said.locator(f"li.ok a[href='/cases/{case_id}']")).to_have_text(case_id[-8:])
    expect(said.locator("li.refused")).to_contain_text(moved[-8:])
    expect(page.locator(f"tr[data-case='{fresh[0]}']")).to_have_count(0)  # agreed: no longer waits here


@SCRIPTS
def test_a_case_is_found_by_its_short_id_and_opened_from_its_product(browser: Any, server: Server,
                                                                    pages: list[Page], js: bool) -> None:
    case_id = server.case(f"o-find-{js}")
    page = staff_page(browser, server, pages, "s1-owner", js=js)
    page.get_by_role("searchbox", name="搜索").fill(case_id[-8:])
    page.get_by_role("button", name="搜索").click()
    rows = page.locator("tr[data-case]")
    expect(rows).to_have_count(1)
    settled(page)  # htmx binds the new rows' links after it swaps them in
    copy = rows.locator("button.copy")
    if js:
        expect(copy).to_be_visible()  # a copy button where the browser can copy
    else:
        expect(copy).to_be_hidden()
    rows.get_by_role("link", name="羊毛衫").click()
    expect(page).to_have_url(f"{server.url}/cases/{case_id}")


def test_keyboard_shortcuts_walk_the_list_tick_open_and_are_listed_under_the_question_mark(
        browser: Any, server: Server, pages: list[Page]) -> None:
    ids = [server.case(f"o-keys-{i}") for i in range(2)]
    page = staff_page(browser, server, pages, "s1-owner")
    page.goto(server.url + "/workbench?tab=awaiting_seller")
    settled(page)
    order = page.locator("tr[data-case]").evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert set(ids) <= set(order)
    page.keyboard.press("j")
    expect(page.locator(f"tr[data-case='{order[0]}'] a.title")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator(f"tr[data-case='{order[1]}'] a.title")).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator(f"tr[data-case='{order[1]}'] input[type=checkbox]")).to_be_checked()
    page.keyboard.press("k")
    expect(page.locator(f"tr[data-case='{order[0]}'] a.title")).to_be_focused()
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name="搜索")).to_be_focused()
    page.keyboard.press("Escape")
    page.locator(f"tr[data-case='{order[0]}'] a.title").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server.url}/cases/{order[0]}")
    settled(page)
    page.keyboard.press("?")
    expect(page.locator("dialog#shortcuts")).to_be_visible()
    expect(page.locator("dialog#shortcuts")).to_contain_text("键盘快捷键")
    page.keyboard.press("Escape")
    expect(page.locator("dialog#shortcuts")).to_be_hidden()
    page.keyboard.press("r")
    expect(page.locator("form[data-action=message] textarea")).to_be_focused()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("e")
    expect(page.locator("section.actions > form[data-action=agree] input[name=note]")).to_be_focused()


@SCRIPTS
def test_the_header_counts_what_waits_and_the_page_lists_it(browser: Any, server: Server, pages: list[Page],
                                                           js: bool) -> None:
    case_id = server.case(f"o-wait-{js}")
    page = staff_page(browser, server, pages, "s1-owner", js=js)
    page.goto(f"{server.url}/cases/{case_id}")  # looked at before the buyer writes
    server.clock("2026-03-04T09:10:00+08:00" if js else "2026-03-04T09:20:00+08:00")
    server.api("POST", f"/api/v1/cases/{case_id}/messages", {"text": "在吗?"}, who="buyer:b1")
    page.goto(server.url + "/workbench")
    link = page.locator("header a.waiting")
    if js:
        expect(link.locator(".count")).to_have_text(re.compile(r"^[1-9]\d*$"))  # fetched once the page is up
    else:
        expect(link.locator(".count")).to_have_text("")  # no count without scripts; the page has it
    link.click()
    item = page.locator(f"li[data-case='{case_id}']")
    expect(item.locator("[data-why=messages]")).to_have_text("新留言")
    item.locator("a.title").click()
    expect(page.locator("li.msg-new")).to_contain_text("在吗?")


@SCRIPTS
def test_a_quick_phrase_is_inserted_where_the_cursor_is_and_sent_once(browser: Any, server: Server,
                                                                      pages: list[Page], js: bool) -> None:
    phrase = f"亲,请提供问题部位的照片 {int(js)}"
    server.api("POST", "/api/v1/phrases", {"text": phrase}, who="seller:s1")
    case_id = server.case(f"o-phrase-{js}", reason="quality")
    page = staff_page(browser, server, pages, "s1-owner", js=js)
    page.goto(f"{server.url}/cases/{case_id}")
    composer = page.locator("form[data-action=message]")
    composer.locator("textarea[name=text]").fill("您好,")
    composer.locator("select[name=phrase]").select_option(phrase)
    if js:  # in the box, where the words will be sent from, and the picker left empty
        expect(composer.locator("textarea[name=text]")).to_have_value(f"您好, {phrase}")
        expect(composer.locator("select[name=phrase]")).to_have_value("")
    composer.locator("button[type=submit]").click()
    sent = page.locator("#messages li.msg-seller").filter(has_text=phrase)
    expect(sent).to_have_count(1)
    expect(sent.locator("p")).to_have_text(f"您好, {phrase}")  # once, after what was typed
