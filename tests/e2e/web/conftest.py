"""Pages driven over HTTP without a browser: each party is a client with its own cookies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.model import Actor, Role
from aftersales.services import commands as c
from tests.e2e.conftest import Api

PASSWORD = "correct horse battery"


@dataclass
class Browser:
    """One person's session: a client of the same app with a cookie jar of its own."""

    client: TestClient

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def csrf(self, html: str) -> str:
        found = re.search(r'name="csrf" value="([^"]*)"', html)
        assert found, "the page has no form token"
        return found.group(1)

    def submit(self, page: str, action: str, data: dict[str, str] | None = None, **kw: Any) -> Any:
        """Post a form of ``page`` (the token read from the page, as a browser sends it)."""
        html = self.get(page).text
        return self.client.post(action, data={"csrf": self.csrf(html), **(data or {})}, follow_redirects=False, **kw)


def landed(r: Any) -> str:
    """The path a form's answer sends the browser to, without what it says was done (?done=…)."""
    return str(urlsplit(r.headers["location"]).path)


def add_user(api: Api, name: str, role: str, store: str | None = None) -> None:
    api.system.dispatch(c.AddUser(actor=Actor(Role.OPERATOR, "test"), name=name, role=role, store_id=store,
                                  password=PASSWORD))


def staff(api: Api, name: str) -> Browser:
    b = Browser(TestClient(api.client.app, raise_server_exceptions=False))
    r = b.submit("/login", "/login", {"name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return b


def buyer(api: Api, buyer_id: str = "b1") -> Browser:
    r = api.post("/api/v1/login-links", "integration:oms", {"buyer": buyer_id})
    assert r.status_code == 201, r.text
    b = Browser(TestClient(api.client.app, raise_server_exceptions=False))
    r = b.get(r.json()["url"], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/orders", r.text
    return b


@pytest.fixture
def people(api: Api) -> Api:
    add_user(api, "s1-owner", "owner", "s1")
    add_user(api, "agent-wang", "agent")
    return api
