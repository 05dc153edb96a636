"""What waits for me (issue 14, point 7) and what is new since I last looked (point 5): read
state is kept per person, so the store's member and the buyer each see their own."""

from __future__ import annotations

import re

from tests.e2e.conftest import Api
from tests.e2e.web.conftest import add_user, buyer, landed, staff


def _why(html: str, case_id: str) -> set[str]:
    item = re.search(rf'<li data-case="{case_id}">.*?</li>', html, re.S)
    return set(re.findall(r'data-why="(\w+)"', item.group(0))) if item else set()


def test_a_message_waits_for_the_other_party_until_they_look_and_is_marked_new_once(people: Api) -> None:
    b = buyer(people)
    r = b.submit("/orders/o1/lines/l1?type=return_refund", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00", "description": "起球"})
    page = landed(r)
    case_id = page.rsplit("/", 1)[1]
    s = staff(people, "s1-owner")
    assert "messages" not in _why(s.get("/waiting").text, case_id)
    s.get(page)  # the store looks
    people.clock("2026-03-04T09:05:00+08:00")  # the test clock stands still unless moved
    assert b.submit(page, f"{page}/messages", {"text": "请问多久处理?"}).status_code == 303
    assert _why(s.get("/waiting").text, case_id) >= {"messages"}
    assert s.get("/waiting/count").text == "1"
    assert b.get("/waiting/count").text == ""  # the buyer's own message waits for nobody on their side
    looked = s.get(page).text
    assert re.search(r'<li class="msg msg-buyer msg-new"><span class="muted"><span class="new-tag">新</span>', looked)
    assert "msg-new" not in s.get(page).text  # seen now: no longer new
    assert "messages" not in _why(s.get("/waiting").text, case_id)
    # Each member of the team has their own read state.
    add_user(people, "s1-li", "after_sales", "s1")
    assert "messages" in _why(staff(people, "s1-li").get("/waiting").text, case_id)


def test_an_offer_evidence_asked_and_a_turn_ending_soon_wait_for_the_right_party(people: Api) -> None:
    b = buyer(people)
    r = b.submit("/orders/o1/lines/l1?type=return_refund", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00"})
    page = landed(r)
    case_id = page.rsplit("/", 1)[1]
    s = staff(people, "s1-owner")
    assert s.submit(page, f"{page}/act/counter_offer", {"amount": "50.00"}).status_code == 303
    assert "offer" in _why(b.get("/waiting").text, case_id)
    assert "offer" not in _why(s.get("/waiting").text, case_id)
    people.clock("2026-03-05T10:00:00+08:00")  # the store's 48 h to answer end within a day
    assert "deadline" in _why(s.get("/waiting?lang=zh-CN").text, case_id)
    assert "一天内需处理" in s.get("/waiting").text
    assert "deadline" not in _why(b.get("/waiting").text, case_id)  # not the buyer's turn
    assert s.submit(page, f"{page}/act/refuse", {"confirmed": "1", "reason": "not_as_claimed"}).status_code == 303
    assert b.submit(page, f"{page}/act/escalate").status_code == 303
    wang = staff(people, "agent-wang")
    assert wang.submit(page, f"{page}/act/intervene").status_code == 303
    assert wang.submit(page, f"{page}/act/request_evidence", {"parties": "seller"}).status_code == 303
    assert "evidence" in _why(s.get("/waiting").text, case_id)
    assert "evidence" not in _why(b.get("/waiting").text, case_id)
    add_user(people, "s1-view", "viewer", "s1")
    assert 'href="/waiting"' not in staff(people, "s1-view").get("/workbench").text
