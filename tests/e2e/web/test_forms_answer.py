"""The forms outside a case answer beside themselves too: signing in, adding a member of the
team, saving a policy; and revoking a token from the operations page asks first (issue 14,
point 1)."""

from __future__ import annotations

import re

from tests.e2e.conftest import Api
from tests.e2e.web.conftest import Browser, add_user, staff


def _beside(html: str, name: str) -> str:
    """The refusal inside the form named ``name`` (the page's summary links to it)."""
    form = re.search(rf'<form[^>]*data-action="{name}".*?</form>', html, re.S)
    assert form, f"no form {name}"
    said = re.search(rf'<p class="error" role="alert" id="problem-{name}">([^<]+)</p>', form.group(0))
    assert said, f"no refusal beside {name}"
    assert f'href="#problem-{name}"' in html  # the summary at the top points to it
    return said.group(1)


def test_a_wrong_password_is_said_beside_the_sign_in_form_keeping_the_name(people: Api) -> None:
    from fastapi.testclient import TestClient

    b = Browser(TestClient(people.client.app, raise_server_exceptions=False))
    r = b.submit("/login", "/login", {"name": "s1-owner", "password": "wrong password"})
    assert r.status_code == 401
    assert _beside(r.text, "login") == "用户名或密码错误"
    assert 'value="s1-owner"' in r.text


def test_a_member_who_cannot_be_added_is_refused_beside_the_form_keeping_name_and_role(people: Api) -> None:
    owner = staff(people, "s1-owner")
    r = owner.submit("/team", "/team", {"name": "s1-li", "role": "viewer", "password": "short"})
    assert r.status_code == 422
    assert _beside(r.text, "add_member")
    assert 'value="s1-li"' in r.text and '<option value="viewer" selected>' in r.text
    assert "short" not in r.text.split('data-action="add_member"')[1].split("</form>")[0]  # never the password


def test_a_policy_that_does_not_parse_is_refused_beside_the_editor_and_no_page_names_a_command(people: Api) -> None:
    owner = staff(people, "s1-owner")
    page = owner.get("/policy").text
    assert "aftersales " not in page and "policy lint" not in page
    r = owner.submit("/policy", "/policy", {"policy": "this is = not [toml", "do": "save"})
    assert r.status_code == 422
    assert _beside(r.text, "policy")
    assert "this is = not [toml" in r.text


def test_an_operator_revokes_a_token_from_the_page_after_being_asked(people: Api) -> None:
    add_user(people, "ops-li", "operator")
    ops = staff(people, "ops-li")
    people.get("/api/v1/cases?limit=1", "seller:s1")  # a token the store's system uses
    page = ops.get("/ops").text
    assert "aftersales token" not in page
    token_id = max(int(x) for x in re.findall(r'action="/ops/tokens/(\d+)/revoke"', page))
    asked = ops.submit("/ops", f"/ops/tokens/{token_id}/revoke")
    assert asked.status_code == 200 and 'data-confirm="1"' in asked.text and "撤销令牌" in asked.text
    assert people.get("/api/v1/cases?limit=1", "seller:s1").status_code == 200  # not yet
    done = ops.submit("/ops", f"/ops/tokens/{token_id}/revoke", {"confirmed": "1"})
    assert done.status_code == 303 and done.headers["location"] == f"/ops?revoked={token_id}#tokens"
    assert f"令牌 {token_id} 已撤销" in ops.get(f"/ops?revoked={token_id}").text
    assert people.get("/api/v1/cases?limit=1", "seller:s1").status_code == 401
    owner = staff(people, "s1-owner")
    assert owner.submit("/workbench", f"/ops/tokens/{token_id}/revoke").status_code == 403  # refused before asking


def test_a_file_over_the_limit_from_a_page_is_answered_with_a_page_not_json(people: Api) -> None:
    from tests.e2e.web.conftest import buyer, landed

    b = buyer(people)
    r = b.submit("/orders/o1/lines/l1?type=return_refund", "/orders/o1/lines/l1/apply",
                 {"choice": "return_refund:no_reason", "amount": "199.00"})
    page = landed(r)
    big = b"\xff" * (10 * 1024 * 1024 + 1)
    r = b.client.post(f"{page}/evidence", data={"csrf": b.csrf(b.get(page).text), "kind": "photo"},
                      files={"file": ("big.jpg", big, "image/jpeg")}, headers={"referer": f"http://testserver{page}"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "内容过大,无法提交" in r.text and "有文件超过 10 MB" in r.text and "没有保存任何内容" in r.text
    assert f'<a href="{page}">返回原页面</a>' in r.text
    api = people.client.post("/api/v1/evidence", files={"file": ("big.jpg", big, "image/jpeg")},
                             headers=people.h("buyer:b1"))
    assert api.status_code == 413 and api.headers["content-type"].startswith("application/problem+json")


def _editor(html: str) -> str:
    import html as markup

    found = re.search(r'<textarea name="policy"[^>]*>(.*?)</textarea>', html, re.S)
    assert found
    return markup.unescape(found.group(1))


def test_an_owner_builds_a_policy_from_templates_checked_as_added_then_saves_it(people: Api) -> None:
    owner = staff(people, "s1-owner")
    page = owner.get("/policy").text
    assert 'data-action="template-longer_window"' in page and 'data-action="template-free_size_exchange"' in page
    r = owner.submit("/policy", "/policy/template", {"template": "longer_window", "days": "15",
                                                      "policy": _editor(page)})
    assert r.status_code == 200 and "已添加,尚未保存" in r.text
    assert re.search(r'<li class="clause added" data-clause="longer-window-1">', r.text)
    r = owner.submit("/policy", "/policy/template", {"template": "free_size_exchange", "policy": _editor(r.text)})
    text = _editor(r.text)
    assert 'id = "longer-window-1"' in text and 'id = "free-size-exchange-1"' in text and 'length = "15d"' in text
    assert people.get("/api/v1/stores/s1/policy", "seller:s1").json().get("clauses", []) == []  # not saved yet
    r = owner.submit("/policy", "/policy", {"policy": text, "do": "save"})
    assert r.status_code == 303
    saved = people.get("/api/v1/stores/s1/policy", "seller:s1").json()
    assert [c["id"] for c in saved["clauses"]] == ["longer-window-1", "free-size-exchange-1"]


def test_a_template_with_a_wrong_field_is_refused_beside_it_and_the_policy_is_kept(people: Api) -> None:
    owner = staff(people, "s1-owner")
    page = owner.get("/policy").text
    r = owner.submit("/policy", "/policy/template", {"template": "longer_window", "days": "3",
                                                      "policy": _editor(page)})
    assert r.status_code == 422
    assert _beside(r.text, "template-longer_window") == "天数须为 8 到 365 之间的整数"
    assert _editor(r.text) == _editor(page)
    add_user(people, "s1-li", "after_sales", "s1")
    li = staff(people, "s1-li")
    assert 'data-action="template-' not in li.get("/policy").text  # only the owner changes it
    assert li.submit("/policy", "/policy/template", {"template": "free_size_exchange"}).status_code == 403
