"""The negotiation is one conversation (issue 14, P5): the parties' words, the files they add
(as thumbnails where they came), the seller's offer as a card to answer in place and the
system's lines, oldest first, the composer at the foot; each names who wrote it, the member of
the store's team included, and what is new since the reader last looked is marked."""

from __future__ import annotations

import re

from tests import files
from tests.e2e.conftest import Api
from tests.e2e.web.conftest import Browser, add_user, buyer, landed, staff


def _thread(html: str) -> str:
    return html[html.index('<section id="messages"'):html.index('<section id="evidence"')]


def _items(html: str) -> list[str]:
    return re.findall(r'<li class="msg[^"]*">.*?</li>', _thread(html), flags=re.S)


def _photo(b: Browser, page: str) -> None:
    r = b.client.post(f"{page}/evidence", data={"csrf": b.csrf(b.get(page).text), "kind": "photo"},
                      files={"file": ("pilling.png", files.png(64, 48), "image/png")}, follow_redirects=False)
    assert r.status_code == 303, r.text


def test_one_thread_in_order_naming_the_staff_member_with_files_and_the_offer_in_place(people: Api) -> None:
    add_user(people, "s1-li", "after_sales", "s1")
    b, li = buyer(people), staff(people, "s1-li")
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00", "description": "起球"})
    page = landed(r)
    people.clock("2026-03-04T09:01:00+08:00")
    assert b.submit(page, f"{page}/messages", {"text": "穿一次就起球了"}).status_code == 303
    people.clock("2026-03-04T09:02:00+08:00")
    _photo(b, page)
    people.clock("2026-03-04T09:03:00+08:00")
    assert li.submit(page, f"{page}/messages", {"text": "请问洗涤方式?"}).status_code == 303
    people.clock("2026-03-04T09:04:00+08:00")
    assert li.submit(page, f"{page}/act/counter_offer",
                     {"type": "refund_only", "amount": "50.00", "note": "补偿 50 元"}).status_code == 303

    html = b.get(page).text
    items = _items(html)
    words = ["穿一次就起球了", "pilling.png", "请问洗涤方式?", "卖家提出协商方案", 'id="offer"']
    at = [next(i for i, item in enumerate(items) if w in item) for w in words]
    assert at == sorted(at), "the conversation is oldest first, files and the offer where they came"
    file_item = items[at[1]]
    assert "msg-file" in file_item and re.search(r'<img src="/evidence/ev_\w+/thumb"', file_item)
    assert "买家 b1" in file_item  # who sent it
    assert "卖家 · s1 (s1-li)" in items[at[2]]  # the store, and which of its team wrote
    offer = items[at[4]]
    assert 'data-action="accept_offer"' in offer and 'data-action="decline_offer"' in offer  # answered in place
    assert 'href="#offer"' in html[:html.index('<section id="messages"')]  # pointed to from the top
    thread = _thread(html)
    assert thread.index("</ol>") < thread.index('data-action="message"')  # the composer at the foot
    said = people.get(f"/api/v1/cases/{page.rsplit('/', 1)[1]}/messages", "buyer:b1").json()["data"]
    assert {"role": "seller", "id": "s1", "staff": "s1-li"} in [m["author"] for m in said]


def test_what_came_since_the_reader_last_looked_is_marked_new(people: Api) -> None:
    b, owner = buyer(people), staff(people, "s1-owner")
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00", "description": "起球"})
    page = landed(r)
    assert b.submit(page, f"{page}/messages", {"text": "穿一次就起球了"}).status_code == 303
    people.clock("2026-03-04T09:01:00+08:00")
    owner.get(page)  # the store looks
    people.clock("2026-03-04T09:02:00+08:00")
    assert "msg-new" not in _thread(b.get(page).text)  # nothing from the store yet
    people.clock("2026-03-04T09:03:00+08:00")
    assert owner.submit(page, f"{page}/messages", {"text": "请发照片"}).status_code == 303
    _photo(owner, page)
    fresh = [item for item in _items(b.get(page).text) if "msg-new" in item.split(">", 1)[0]]
    assert len(fresh) == 2 and "请发照片" in fresh[0] and "pilling.png" in fresh[1]
    assert not [item for item in _items(b.get(page).text) if "msg-new" in item.split(">", 1)[0]]  # seen now
    assert not [item for item in _items(owner.get(page).text) if "msg-new" in item.split(">", 1)[0]
                and "穿一次就起球了" in item]  # the store had seen the buyer's words
