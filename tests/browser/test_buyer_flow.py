"""The buyer's case page as people know it from their phone, with scripts on and off: a stepper
with the current step, one primary action and the rest behind "More", and a file picker in the
page's language that says whether a file is chosen (issue 14, points 4 and 10)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCRIPTS, Server, buyer_page

pytestmark = pytest.mark.browser


def _agreed(server: Server, order: str) -> str:
    case_id = server.case(order)
    server.api("POST", f"/api/v1/cases/{case_id}/agree", who="seller:s1")
    return case_id


@SCRIPTS
def test_the_stepper_shows_where_the_return_stands_and_one_action_leads(browser: Any, server: Server,
                                                                        pages: list[Page], js: bool) -> None:
    case_id = _agreed(server, f"o-step-{js}")
    page = buyer_page(browser, server, pages, js=js)
    page.goto(f"{server.url}/cases/{case_id}")
    steps = page.locator("ol.stepper li")
    expect(steps).to_have_text(["发起申请", "商家处理", "寄回商品", "商家收货", "退款到账"])
    expect(page.locator("ol.stepper li[aria-current=step]")).to_have_text("寄回商品")
    expect(page.locator("ol.stepper li.step-done")).to_have_count(2)
    # One button leads (send the goods back); withdrawing waits behind "More actions".
    actions = page.locator("section.actions")
    expect(actions.locator("> form button[type=submit]")).to_have_text(["填写退货物流"])
    withdraw = actions.locator("details.more form[data-action=withdraw]")
    expect(withdraw).to_be_hidden()
    actions.locator("details.more summary").click()
    expect(withdraw).to_be_visible()


@SCRIPTS
def test_the_file_picker_speaks_the_page_language(browser: Any, server: Server, pages: list[Page], js: bool) -> None:
    case_id = _agreed(server, f"o-file-{js}")
    page = buyer_page(browser, server, pages, js=js)
    page.goto(f"{server.url}/cases/{case_id}?lang=en")
    picker = page.locator("form[data-action=evidence] .file-pick")
    expect(picker.locator(".file-button")).to_contain_text("Add files (up to 9)")
    expect(picker.locator(".file-none")).to_be_visible()
    expect(picker.locator(".file-none")).to_have_text("No file chosen yet")
    picker.get_by_label("Add files (up to 9)").set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"}])
    expect(picker.locator(".file-none")).to_be_hidden()
    if js:
        expect(picker.locator(".file-names")).to_have_text("photo.png")
    else:
        expect(picker.locator(".file-some")).to_have_text("File chosen")


@SCRIPTS
def test_an_image_opens_large_and_zooms_and_a_pdf_opens_in_the_browser(browser: Any, server: Server,
                                                                       pages: list[Page], js: bool) -> None:
    from tests import files

    case_id = _agreed(server, f"o-view-{js}")
    page = buyer_page(browser, server, pages, js=js)
    page.goto(f"{server.url}/cases/{case_id}")
    for kind, name, mime, content in (("photo", "scuff.png", "image/png", files.png(640, 480, color=(90, 60, 60))),
                                      ("inspection_report", "report.pdf", "application/pdf", files.pdf())):
        form = page.locator("form[data-action=evidence]")
        form.get_by_label("凭证类型").select_option(kind)
        form.get_by_label("添加文件(最多 9 个)").set_input_files(files=[{"name": name, "mimeType": mime,
                                                                      "buffer": content}])
        form.get_by_role("button", name="上传").click()
        expect(page.locator(f"#evidence img[alt='{name}'], #evidence a:text('{name}')")).to_have_count(1)
    thumb = page.locator("#evidence a.evidence-image")
    expect(thumb).to_have_count(1)
    pdf = page.locator("#evidence a", has_text="report.pdf")
    answer = page.request.get(server.url + str(pdf.get_attribute("href")))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline")
    thumb.click()
    if js:
        viewer = page.locator("dialog.viewer")
        expect(viewer).to_be_visible()
        big = viewer.locator("img")
        page.wait_for_function("img => img.complete && img.naturalWidth === 640", arg=big.element_handle())
        big.click()
        expect(big).to_have_class("zoomed")
        page.keyboard.press("Escape")
        expect(viewer).to_be_hidden()
    else:
        expect(page).to_have_url(re.compile(r"/evidence/ev_\w+$"))  # the image itself, the browser's zoom
