"""The webhooks pages without a browser: another store's endpoint is not found (before any
question), and a page answered to a form switches language to the page the form was on, not to
the form's address (which takes no GET)."""

from __future__ import annotations

import re

from tests.e2e.conftest import Api
from tests.e2e.web.conftest import add_user, staff


def test_a_question_asked_first_switches_language_to_the_page_it_came_from(people: Api) -> None:
    people.setup_order()
    made = people.post("/api/v1/webhook-endpoints", "seller:s1", {"url": "https://erp.example.com/hooks"}).json()
    page = f"/webhooks/{made['id']}"
    owner = staff(people, "s1-owner")
    base = str(owner.client.base_url)
    asked = owner.submit(page, f"{page}/delete", headers={"Referer": base + page})
    assert asked.status_code == 200 and 'data-confirm="1"' in asked.text
    switch = re.search(r'href="([^"]+)\?lang=en"', asked.text)
    assert switch is not None and switch.group(1) == page
    assert owner.get(f"{switch.group(1)}?lang=en").status_code == 200
    # Without a Referer of ours: the home page, never the form's address.
    asked = owner.submit(page, f"{page}/delete", headers={"Referer": "https://elsewhere.example/x"})
    assert re.search(r'href="/\?lang=(en|zh-CN)"', asked.text), "the switch names the home page"
    people.setup_order(store="s2")
    add_user(people, "s2-owner", "owner", "s2")
    other = staff(people, "s2-owner")
    assert other.submit("/webhooks", f"{page}/delete").status_code == 404
    assert other.get(page).status_code == 404
