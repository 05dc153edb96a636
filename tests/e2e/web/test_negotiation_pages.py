"""The negotiation on the pages: the store offers other terms from the case page, the buyer
reads the offer on their phone and answers it, and the thread tells both what happened."""

from __future__ import annotations

from tests.e2e.conftest import Api
from tests.e2e.web.conftest import buyer, landed, staff


def _open_quality_return(api: Api) -> str:
    b = buyer(api)
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00", "description": "起球"})
    assert r.status_code == 303, r.text
    return str(landed(r).rsplit("/", 1)[1])


def test_an_offer_made_on_the_workbench_and_accepted_on_the_phone(people: Api) -> None:
    case_id = _open_quality_return(people)
    page = f"/cases/{case_id}"
    s, b = staff(people, "s1-owner"), buyer(people)
    assert "提出协商方案" in s.get(page).text and "接受方案" not in s.get(page).text
    # The request itself is not an offer: refused on the page, in the viewer's language.
    same = s.submit(page, f"{page}/act/counter_offer", {"type": "return_refund", "amount": "199.00"})
    assert same.status_code == 422 and "方案与买家的申请相同" in same.text
    r = s.submit(page, f"{page}/act/counter_offer", {"type": "refund_only", "amount": "50.00", "note": "补偿 50 元"})
    assert r.status_code == 303, r.text
    phone = b.get(page).text
    assert "卖家的协商方案" in phone and "仅退款 · ¥50.00" in phone and "“补偿 50 元”" in phone
    assert "接受方案" in phone and "拒绝方案" in phone
    assert "卖家的协商方案" in s.get(page).text and "接受方案" not in s.get(page).text
    assert b.submit(page, f"{page}/act/accept_offer").status_code == 303
    people.run_worker_once()
    after = b.get(page).text
    assert "已完成" in after and "¥50.00" in after and 'id="offer"' not in after
    # One thread: the parties' words and the system's account of each change.
    assert "卖家提出协商方案:仅退款 ¥50.00。" in after
    assert "买家接受了卖家的协商方案:仅退款 ¥50.00。当前:退款中。" in after
    english = b.get(f"{page}?lang=en").text
    assert "The seller offered other terms: refund only ¥50.00." in english


def test_a_declined_offer_leaves_the_request_as_it_was(people: Api) -> None:
    case_id = _open_quality_return(people)
    page = f"/cases/{case_id}"
    s, b = staff(people, "s1-owner"), buyer(people)
    s.submit(page, f"{page}/act/counter_offer", {"type": "exchange"})
    assert "换货" in b.get(page).text
    assert b.submit(page, f"{page}/act/decline_offer", {"confirmed": "1"}).status_code == 303
    html = b.get(page).text
    assert 'id="offer"' not in html and "买家拒绝了卖家的协商方案。" in html and "待卖家处理" in html
    # Nobody else answers it: another buyer does not even see the case.
    assert buyer(people, "b2").get(page).status_code == 404
