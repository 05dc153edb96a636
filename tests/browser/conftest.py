"""Browser tests: a real `aftersales serve` on a temporary SQLite file, driven by Playwright in
Debian's Chromium (Playwright's own browser download is not used; DEVELOPERS.md has the flags).

Without Chromium the tests skip with a loud reason; `.ci/run` installs it and sets
AFTERSALES_REQUIRE_BROWSER=1, which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = os.environ.get("AFTERSALES_CHROMIUM", "/usr/bin/chromium")
REQUIRE = os.environ.get("AFTERSALES_REQUIRE_BROWSER") == "1"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-dev-shm-usage"]
ADMIN = "browser-test-admin"
PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
T0 = "2026-03-04T09:00:00+08:00"
_skipped: list[str] = []


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """The running server, and the order system's and operator's calls to its API."""

    url: str
    env: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, method: str, path: str, body: Any = None, who: str = "admin") -> Any:
        token = ADMIN if who == "admin" else self.token(who)
        req = urllib.request.Request(f"{self.url}{path}", method=method,  # noqa: S310 (the test's own server)
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
            return json.loads(r.read() or b"null")

    def token(self, who: str) -> str:
        if who not in self.tokens:
            role, subject = who.split(":")
            self.tokens[who] = self.api("POST", "/api/v1/tokens", {"role": role, "subject": subject})["token"]
        return self.tokens[who]

    def user(self, name: str, role: str, store: str | None = None) -> None:
        """`aftersales user add`, the password on standard input, as an operator would."""
        args = [sys.executable, "-m", "aftersales.entrypoints.cli", "user", "add", name, "--role", role]
        subprocess.run([*args, *(["--store", store] if store else [])], input=PASSWORD + "\n", text=True,
                       env=self.env, check=True, capture_output=True, timeout=60)

    def order(self, order_id: str, buyer: str = "b1", store: str = "s1", category: str = "apparel",
              paid: str = "199.00") -> None:
        self.api("POST", "/api/v1/orders", {
            "id": order_id, "store": store, "buyer": buyer, "paid_at": "2026-03-01T10:00:00+08:00",
            "shipped_at": "2026-03-01T18:00:00+08:00", "delivered_at": "2026-03-03T12:00:00+08:00",
            "completed_at": None, "shipping_fee": "0.00",
            "lines": [{"id": "l1", "title": "羊毛衫", "category": category, "quantity": 1, "paid": paid}]},
            who="integration:oms")

    def case(self, order_id: str, reason: str = "no_reason", type_: str = "return_refund") -> str:
        """The order pushed in, and buyer b1's request on its line opened over the API."""
        self.order(order_id)
        opened = self.api("POST", "/api/v1/cases", {"order_id": order_id, "line_id": "l1", "type": type_,
                                                    "reason": reason, "amount": "199.00"}, who="buyer:b1")
        return str(opened["id"])

    def login_link(self, buyer: str) -> str:
        return str(self.url + self.api("POST", "/api/v1/login-links", {"buyer": buyer}, who="integration:oms")["url"])

    def clock(self, now: str) -> None:
        self.api("POST", "/api/v1/test-clock", {"now": now})


# A test of a page run twice: with scripts on (htmx swaps the answers in) and off (plain pages).
SCRIPTS = pytest.mark.parametrize("js", [True, False], ids=["scripts-on", "scripts-off"])


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        msg = f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
        if REQUIRE:
            pytest.fail(msg + " (AFTERSALES_REQUIRE_BROWSER=1: CI must run them)")
        _skipped.append(msg)
        pytest.skip(msg)
    return CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    port = _port()
    env = {**os.environ, "AFTERSALES_DATABASE_URL": f"sqlite:///{folder / 'web.db'}", "AFTERSALES_CLOCK": "test",
           "AFTERSALES_ADMIN_TOKEN": ADMIN, "AFTERSALES_LOG_LEVEL": "WARNING",
           # Webhooks to the tests' own receiver on loopback, retried within a second, not minutes.
           "AFTERSALES_WEBHOOK_ALLOW_PRIVATE": "1", "AFTERSALES_WEBHOOK_RETRY_SCALE": "0.0002",
           "AFTERSALES_WEBHOOK_TIMEOUT": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "aftersales.entrypoints.cli", "serve", "--port", str(port)],
                            env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()  # noqa: S310
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.2)
    s = Server(url, env)
    s.clock(T0)
    s.api("POST", "/api/v1/stores", {"id": "s1", "return_address": "杭州市文一西路 969 号"}, who="integration:oms")
    s.api("POST", "/api/v1/stores", {"id": "s2", "return_address": "上海市"}, who="integration:oms")
    s.user("s1-owner", "owner", "s1")
    s.user("s2-owner", "owner", "s2")
    s.user("agent-wang", "agent")
    s.user("agent-zhao", "agent")
    s.user("ops", "operator")
    try:
        yield s
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=ARGS)
        yield b
        b.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_line(_skipped[0], red=True, bold=True)


def open_page(browser: Any, viewport: dict[str, int], **kw: Any) -> Any:
    """A page in a context of its own (its own cookies), zh-CN unless told otherwise."""
    context = browser.new_context(viewport=viewport, locale=kw.pop("locale", "zh-CN"), **kw)
    return context.new_page()


@pytest.fixture
def pages(browser: Any) -> Iterator[list[Any]]:
    """The pages a test opened, their contexts closed after it."""
    opened: list[Any] = []
    yield opened
    for p in opened:
        p.context.close()


def buyer_page(browser: Any, server: Server, pages: list[Any], buyer: str = "b1", js: bool = True) -> Any:
    """A buyer on a phone, signed in by the one-time link the marketplace's app would give."""
    from playwright.sync_api import expect

    page = open_page(browser, PHONE, is_mobile=True, has_touch=True, java_script_enabled=js)
    pages.append(page)
    page.goto(server.login_link(buyer))
    expect(page).to_have_url(re.compile(r"/orders$"))
    return page


def staff_page(browser: Any, server: Server, pages: list[Any], name: str, js: bool = True) -> Any:
    """A member of staff at a desk, signed in with the password on the sign-in form."""
    page = open_page(browser, DESK, java_script_enabled=js)
    pages.append(page)
    page.goto(server.url + "/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/(workbench|queue|ops)$"))
    return page


def settled(page: Any) -> None:
    """Wait until htmx has finished a boosted navigation: it shows the new content before it
    binds the content's own triggers (a settle of some 20 ms), which a person never beats but a
    test filling a form at once does."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def action_form(page: Any, action: str) -> Any:
    """The form of ``action`` on a case page, opening "More actions" first when it waits there
    (a person clicks it open the same way)."""
    form = page.locator(f"form[data-action={action}]")
    more = page.locator("details.more").filter(has=form)
    if more.count() and not more.evaluate("d => d.open"):
        more.locator("summary").click()
    return form
