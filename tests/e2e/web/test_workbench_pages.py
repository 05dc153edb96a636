"""The store's workbench as its team works it: rows led by the product and the buyer, tabs with
their counts, a search over order numbers, buyers, case ids and tracking numbers, and bulk
actions that say per case what was done and what was refused (issue 14, point 6)."""

from __future__ import annotations

import re

from tests.e2e.conftest import ORDER, Api
from tests.e2e.web.conftest import add_user, staff


def _cases(api: Api) -> dict[str, str]:
    """Three requests of buyer b1 and one of b2: two waiting for an answer (o1's two lines), one
    whose return is on its way (o2), one already refused (o3)."""
    api.setup_order({**ORDER, "id": "o2", "lines": [{**ORDER["lines"][0], "title": "真丝衬衫"}]})
    api.setup_order({**ORDER, "id": "o3", "buyer": "b2", "lines": [{**ORDER["lines"][0], "title": "皮鞋"}]})
    ids = {}
    for key, order, line, who in (("wool", "o1", "l1", "buyer:b1"), ("scarf", "o1", "l2", "buyer:b1"),
                                  ("silk", "o2", "l1", "buyer:b1"), ("shoes", "o3", "l1", "buyer:b2")):
        r = api.open(line=line, order=order, who=who, amount="59.00" if key == "scarf" else "199.00",
                     reason="quality" if key == "shoes" else "no_reason")
        assert r.status_code == 201, r.text
        ids[key] = r.json()["id"]
    assert api.post(f"/api/v1/cases/{ids['silk']}/agree", "seller:s1").status_code == 200
    r = api.post(f"/api/v1/cases/{ids['silk']}/ship_return", "buyer:b1", {"carrier": "SF", "tracking_no": "SF7788"})
    assert r.status_code == 200, r.text
    assert api.post(f"/api/v1/cases/{ids['shoes']}/refuse", "seller:s1", {"reason": "not_as_claimed"}).status_code \
        == 200
    return ids


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr[^>]*data-case="([^"]+)"', html)


def test_rows_lead_with_the_product_and_the_buyer_and_tabs_count_what_waits(people: Api) -> None:
    ids = _cases(people)
    s = staff(people, "s1-owner")
    html = s.get("/workbench?lang=zh-CN").text
    assert set(_rows(html)) == {ids["wool"], ids["scarf"], ids["silk"]}  # the refused one waits for the buyer
    assert f'<a href="/cases/{ids["wool"]}" class="title">羊毛衫</a>' in html
    assert "买家 b1 · 订单 o1" in html
    short = ids["wool"][-8:]
    assert f'<code class="short-id" title="{ids["wool"]}">{short}</code>' in html  # short, never the label
    tabs = dict(re.findall(r'data-tab="([a-z_]+)"[^>]*>([^<]+) <span class="count">', html))
    counts = dict(re.findall(r'data-tab="([a-z_]+)"[^>]*>[^<]+ <span class="count">(\d+)</span>', html))
    assert tabs["all"] == "全部待办" and tabs["awaiting_seller"] == "待处理" and tabs["awaiting_receipt"] == "待收货"
    assert counts == {"all": "3", "awaiting_seller": "2", "awaiting_receipt": "1", "awaiting_replacement": "0",
                      "overdue": "0"}
    assert set(_rows(s.get("/workbench?tab=awaiting_receipt").text)) == {ids["silk"]}
    people.clock("2026-03-20T09:00:00+08:00")  # every answer is late now
    late = s.get("/workbench?tab=overdue&lang=en").text
    assert set(_rows(late)) == {ids["wool"], ids["scarf"], ids["silk"]}
    assert re.search(r'data-tab="overdue" aria-current="page" class="late">Overdue <span class="count">3</span>', late)


def test_search_finds_a_case_by_order_buyer_short_id_or_tracking_number_in_any_status(people: Api) -> None:
    ids = _cases(people)
    s = staff(people, "s1-owner")

    def found(text: str) -> set[str]:
        return set(_rows(s.get("/workbench", params={"q": text}).text))

    assert found("o1") == {ids["wool"], ids["scarf"]}
    assert found("b2") == {ids["shoes"]}  # refused, waiting for the buyer: found all the same
    assert found(ids["scarf"][-8:]) == {ids["scarf"]}
    assert found(ids["scarf"]) == {ids["scarf"]}
    assert found("SF7788") == {ids["silk"]}
    assert found("SF") == set()  # a carrier's name is not a tracking number
    people.setup_order({**ORDER, "id": "x1", "store": "s2"}, store="s2")
    add_user(people, "s2-owner", "owner", "s2")
    assert set(_rows(staff(people, "s2-owner").get("/workbench", params={"q": "o1"}).text)) == set()


def test_bulk_agree_says_per_case_what_was_done_and_what_was_refused(people: Api) -> None:
    ids = _cases(people)
    s = staff(people, "s1-owner")
    html = s.get("/workbench").text
    r = s.client.post("/workbench/bulk", data={"csrf": s.csrf(html), "bulk": "agree",
                                                "case": [ids["wool"], ids["scarf"], ids["silk"]]})
    assert r.status_code == 200, r.text
    said = r.text
    assert "3 件中已完成 2 件。" in said
    assert re.search(rf'<li class="ok"><a href="/cases/{ids["wool"]}">{ids["wool"][-8:]}</a>: ', said)
    assert re.search(rf'<li class="refused"><a href="/cases/{ids["silk"]}">{ids["silk"][-8:]}</a>: ', said)
    for key in ("wool", "scarf"):
        assert people.get(f"/api/v1/cases/{ids[key]}", "seller:s1").json()["status"] == "awaiting_return"
    assert people.get(f"/api/v1/cases/{ids['silk']}", "seller:s1").json()["status"] == "awaiting_receipt"


def test_bulk_assign_gives_the_cases_to_a_member_and_a_viewer_gets_no_bulk_form(people: Api) -> None:
    ids = _cases(people)
    add_user(people, "s1-li", "after_sales", "s1")
    add_user(people, "s1-view", "viewer", "s1")
    s = staff(people, "s1-owner")
    r = s.client.post("/workbench/bulk", data={"csrf": s.csrf(s.get("/workbench").text), "bulk": "assign",
                                                "assignee": "s1-li", "case": [ids["wool"], ids["scarf"]]})
    assert r.status_code == 200, r.text
    assert set(_rows(s.get("/workbench?assignee=s1-li").text)) == {ids["wool"], ids["scarf"]}
    viewer = staff(people, "s1-view")
    page = viewer.get("/workbench").text
    assert 'data-action="bulk"' not in page and 'name="case"' not in page
    r = viewer.client.post("/workbench/bulk", data={"csrf": viewer.csrf(page), "bulk": "agree", "case": [ids["wool"]]})
    assert r.status_code == 409 and "只读" in r.text  # refused, and said why
    nothing = s.client.post("/workbench/bulk", data={"csrf": s.csrf(s.get("/workbench").text), "bulk": "agree"})
    assert nothing.status_code == 422 and 'role="alert"' in nothing.text
