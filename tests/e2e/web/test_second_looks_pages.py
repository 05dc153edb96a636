"""Second looks on the pages: a buyer appeals a ruling from the case and another agent decides
it; a buyer past the window asks for a review from the line's page and an agent grants it."""

from __future__ import annotations

from tests import files
from tests.e2e.conftest import ORDER, Api
from tests.e2e.web.conftest import add_user, buyer, landed, staff


def _ruled(api: Api) -> str:
    b, s, agent = buyer(api), staff(api, "s1-owner"), staff(api, "agent-wang")
    r = b.submit("/orders/o1/lines/l1", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:quality", "amount": "199.00", "description": "开线"})
    page = landed(r)
    assert s.submit(page, f"{page}/act/refuse", {"confirmed": "1", "reason": "not_as_claimed"}).status_code == 303
    assert b.submit(page, f"{page}/act/escalate").status_code == 303
    ruled = agent.submit(page, f"{page}/act/rule", {"confirmed": "1", "outcome": "refund", "amount": "50.00"})
    assert ruled.status_code == 303
    api.run_worker_once()
    return str(page.rsplit("/", 1)[1])


def test_a_buyer_appeals_and_another_agent_adds_the_rest(people: Api) -> None:
    first = _ruled(people)
    page = f"/cases/{first}"
    b = buyer(people)
    assert "申诉" in b.get(page).text and "剩余全部金额" in b.get(page).text
    r = b.submit(page, f"{page}/appeal", {"note": "开线严重,应全额退款"})
    assert r.status_code == 303, r.text
    appeal = landed(r)
    html = b.get(appeal).text
    assert "申诉: 退货退款" in html and f'href="/cases/{first}"' in html and "¥149.00" in html
    assert f'href="{appeal}"' in b.get(page).text  # the ruled case links to its appeal
    assert "申诉" not in "".join(x for x in b.get(page).text.split("action-") if x.startswith("appeal"))
    wang = staff(people, "agent-wang")
    refused = wang.submit(appeal, f"{appeal}/act/rule", {"confirmed": "1", "outcome": "refund"})
    assert refused.status_code == 403 and "申诉须由作出原裁决以外的客服处理" in refused.text
    add_user(people, "agent-zhao", "agent")
    zhao = staff(people, "agent-zhao")
    assert zhao.submit(appeal, f"{appeal}/act/rule", {"confirmed": "1", "outcome": "refund"}).status_code == 303
    people.run_worker_once()
    assert "已退款: <strong class=\"ok\">¥149.00</strong>" in b.get(appeal).text
    assert buyer(people, "b2").get(appeal).status_code == 404


def test_a_buyer_past_the_window_asks_for_a_review_and_it_is_granted(people: Api) -> None:
    people.setup_order({**ORDER, "id": "o9", "completed_at": "2026-03-05T10:00:00+08:00",
                        "lines": [{"id": "l1", "title": "名牌手提包", "category": "bags", "paid": "2999.00"}]})
    people.clock("2026-06-10T10:00:00+08:00")
    b = buyer(people)
    line = "/orders/o9/lines/l1"
    html = b.get(line).text
    assert "已过售后期?申请平台审核" in html
    no_file = b.submit(line, f"{line}/reopen_request", {"choice": "return_refund:counterfeit", "description": "假货"})
    assert no_file.status_code == 422 and "请上传凭证" in no_file.text
    r = b.client.post(f"{line}/reopen_request", data={"csrf": b.csrf(html), "choice": "return_refund:counterfeit",
                                                        "description": "专柜鉴定为假货", "kind": "authentication"},
                      files={"proof": ("鉴定.pdf", files.pdf(), "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    request = landed(r)
    assert "重新开启申请: 退货退款" in b.get(request).text
    agent = staff(people, "agent-wang")
    assert request.rsplit("/", 1)[1] in agent.get("/queue").text
    assert agent.submit(request, f"{request}/act/reopen_grant", {"note": "鉴定有效"}).status_code == 303
    assert "退货退款" in b.get(line).text and "提交申请" in b.get(f"{line}?type=return_refund").text  # open again
    assert "已过售后期?申请平台审核" not in b.get(line).text
