"""The platform's review on the pages: an agent takes up a dispute from the queue, asks the
seller for evidence (the parties see the round and its deadline), keeps private notes that
only the platform's staff read, and a second agent cannot act on a dispute the first holds."""

from __future__ import annotations

import re
from typing import Any

from tests import files
from tests.e2e.conftest import Api
from tests.e2e.web.conftest import add_user, buyer, landed, staff


def _escalated(api: Api) -> str:
    b = buyer(api)
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00", "description": "开线"})
    assert r.status_code == 303, r.text
    case_id = str(landed(r).rsplit("/", 1)[1])
    page = f"/cases/{case_id}"
    s = staff(api, "s1-owner")
    assert s.submit(page, f"{page}/act/refuse", {"confirmed": "1", "reason": "not_as_claimed"}).status_code == 303
    assert b.submit(page, f"{page}/act/escalate").status_code == 303
    return case_id


def test_an_agent_takes_up_a_dispute_asks_for_evidence_and_keeps_notes(people: Api) -> None:
    case_id = _escalated(people)
    page = f"/cases/{case_id}"
    add_user(people, "agent-zhao", "agent")
    wang, zhao = staff(people, "agent-wang"), staff(people, "agent-zhao")
    assert case_id in wang.get("/queue").text
    assert wang.submit(page, f"{page}/act/intervene").status_code == 303
    assert "处理客服:agent-wang" in wang.get(page).text
    r = wang.submit(page, f"{page}/act/request_evidence", {"parties": "seller", "note": "请提供出厂质检照片"})
    assert r.status_code == 303, r.text
    seller, phone = staff(people, "s1-owner").get(page).text, buyer(people).get(page).text
    for html in (seller, phone):
        assert "平台要求补充凭证" in html and "请提供出厂质检照片" in html
    assert "请在此之前在下方补充凭证" in seller and "请在此之前在下方补充凭证" not in phone
    assert "平台客服要求卖家补充凭证:请提供出厂质检照片。" in phone  # told in the thread too

    assert wang.submit(page, f"{page}/messages", {"text": "卖家近期同类纠纷 3 起", "private": "1"}).status_code == 303
    assert "卖家近期同类纠纷 3 起" in zhao.get(page).text and "内部备注" in zhao.get(page).text
    for party in (staff(people, "s1-owner"), buyer(people)):
        assert "卖家近期同类纠纷 3 起" not in party.get(page).text
        assert "内部备注:仅平台人员可见" not in party.get(page).text
    # A private note from a party is refused, not posted in the open.
    b = buyer(people)
    assert b.submit(page, f"{page}/messages", {"text": "悄悄话", "private": "1"}).status_code == 403
    assert "悄悄话" not in staff(people, "s1-owner").get(page).text

    # The second agent may read but not act on a dispute the first holds.
    refused = zhao.submit(page, f"{page}/act/rule", {"confirmed": "1", "outcome": "reject"})
    assert refused.status_code == 403 and "该纠纷由客服 agent-wang 处理" in refused.text
    assert wang.submit(page, f"{page}/act/end_evidence_round").status_code == 303
    assert 'id="pause"' not in wang.get(page).text


def test_the_review_is_nobody_elses(people: Api) -> None:
    case_id = _escalated(people)
    people.post("/api/v1/stores", "integration:oms", {"id": "s2", "return_address": "上海"})
    add_user(people, "s2-owner", "owner", "s2")
    for stranger in (buyer(people, "b2"), staff(people, "s2-owner")):
        assert stranger.get(f"/cases/{case_id}").status_code == 404
        assert stranger.get("/queue").status_code in (403, 404)


def test_both_parties_pause_the_review_to_negotiate_from_their_pages(people: Api) -> None:
    case_id = _escalated(people)
    page = f"/cases/{case_id}"
    b, s = buyer(people), staff(people, "s1-owner")
    assert "申请中止处理" in b.get(page).text
    assert b.submit(page, f"{page}/act/suspend", {"kind": "negotiation"}).status_code == 303
    assert "买家申请暂停平台处理、双方自行协商,待对方同意。" in s.get(page).text
    assert s.submit(page, f"{page}/act/suspend", {"kind": "negotiation"}).status_code == 303
    html = b.get(page).text
    assert "中止处理:双方自行协商" in html and "恢复平台处理" in html
    assert b.submit(page, f"{page}/act/resume", {"note": "协商不成"}).status_code == 303
    assert 'id="pause"' not in b.get(page).text and "买家恢复了平台处理。" in b.get(page).text


def test_the_queue_page_filters_and_is_the_platforms_only(people: Api) -> None:
    case_id = _escalated(people)
    wang = staff(people, "agent-wang")
    assert case_id in wang.get("/queue?assignee=none").text
    assert case_id not in wang.get("/queue?assignee=mine").text
    assert case_id not in wang.get("/queue?kind=appeal").text and "重新开启申请" in wang.get("/queue").text
    page = f"/cases/{case_id}"
    wang.submit(page, f"{page}/act/intervene")
    html = wang.get("/queue?assignee=mine").text
    assert case_id in html and "agent-wang" in html
    for party in (buyer(people), staff(people, "s1-owner")):
        assert party.get("/queue").status_code in (403, 404)


def test_the_case_page_says_which_evidence_an_escalation_needs(people: Api) -> None:
    b = buyer(people)
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:counterfeit", "amount": "199.00", "description": "假货"})
    page = landed(r)
    staff(people, "s1-owner").submit(page, f"{page}/act/refuse", {"confirmed": "1", "reason": "not_as_claimed"})
    assert "假货维权需提供真假对比图、品牌方或厂家出具的鉴定凭证" in b.get(page).text
    refused = b.submit(page, f"{page}/act/escalate")
    assert refused.status_code == 422
    assert "需提供以下凭证之一:真假对比图、品牌方或厂家的鉴定凭证、行政处罚决定书、聊天记录" in refused.text
    attached = b.client.post(f"{page}/evidence", data={"csrf": b.csrf(b.get(page).text), "kind": "authentication"},
                             files={"file": ("鉴定.pdf", files.pdf(), "application/pdf")}, follow_redirects=False)
    assert attached.status_code == 303, attached.text
    assert b.submit(page, f"{page}/act/escalate").status_code == 303


def test_photos_added_several_at_once_show_as_thumbnails_to_the_parties_only(people: Api) -> None:
    b = buyer(people)
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00", "description": "起球"})
    page = landed(r)
    photos = [("file", (f"p{i}.png", files.png(64, 48, color=(i * 40, 90, 90)), "image/png")) for i in range(3)]
    posted = b.client.post(f"{page}/evidence", data={"csrf": b.csrf(b.get(page).text), "kind": "photo"},
                           files=photos, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    html = staff(people, "s1-owner").get(page).text
    thumbs = sorted(set(re.findall(r'src="(/evidence/ev_\w+/thumb)"', html)))  # in the thread and the files
    assert len(thumbs) == 3
    assert staff(people, "s1-owner").get(thumbs[0]).headers["content-type"] == "image/jpeg"
    assert buyer(people, "b2").get(thumbs[0]).status_code == 404


def test_the_history_says_who_did_what_in_the_past_tense_and_files_say_who_sent_them(people: Api) -> None:
    case_id = _escalated(people)
    page = f"/cases/{case_id}"
    wang = staff(people, "agent-wang")
    assert wang.submit(page, f"{page}/act/intervene").status_code == 303
    zh = wang.get(page).text
    assert re.search(r"平台客服 agent-wang: <strong>已受理纠纷</strong>", zh)  # the agent, by name, what they did
    en = wang.get(f"{page}?lang=en").text
    assert "<strong>Took up the dispute</strong>" in en and "<strong>Refused</strong>" in en  # not button verbs
    b = buyer(people)
    r = b.client.post(f"{page}/evidence", data={"csrf": b.csrf(b.get(page).text), "kind": "photo"},
                      files={"file": ("photo.png", files.png(32, 32), "image/png")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    listed = wang.get(f"{page}?lang=zh-CN").text
    assert "照片 · 买家 b1 · 2026-03-04 09:00" in listed  # its kind, who sent it, when


def _offered(html: str) -> set[str]:
    """The actions a case page offers: its action forms (not messages, files, assignment)."""
    return set(re.findall(r'class="action action-[a-z_]+" data-action="([a-z_]+)"', html))


def test_the_api_and_the_pages_offer_the_same_actions_to_each_party(people: Api) -> None:
    b = buyer(people)
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00", "description": "开线"})
    case_id = landed(r).rsplit("/", 1)[1]
    page = f"/cases/{case_id}"
    add_user(people, "agent-zhao", "agent")
    seller, wang, zhao = staff(people, "s1-owner"), staff(people, "agent-wang"), staff(people, "agent-zhao")

    def same(browser: Any, who: str) -> set[str]:
        api = set(people.get(f"/api/v1/cases/{case_id}", who).json()["allowed_actions"])
        assert _offered(browser.get(page).text) == api, who
        return api

    assert "agree" in same(seller, "seller:s1") and "withdraw" in same(b, "buyer:b1")
    assert seller.submit(page, f"{page}/act/refuse", {"confirmed": "1", "reason": "not_as_claimed"}).status_code == 303
    assert "escalate" in same(b, "buyer:b1")
    assert b.submit(page, f"{page}/act/escalate").status_code == 303
    assert "intervene" in same(wang, "agent:agent-wang") and "intervene" in same(zhao, "agent:agent-zhao")
    assert wang.submit(page, f"{page}/act/intervene").status_code == 303
    assert same(zhao, "agent:agent-zhao") == set()  # another agent handles it: nothing offered, in both faces
    handled = same(wang, "agent:agent-wang")
    assert "rule" in handled and "intervene" not in handled
