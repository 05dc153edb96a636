"""`make screenshots`: every main page in zh-CN and en, on a phone and a desk, from the demo's
data, saved under docs/screenshots/ as <page>-<lang>-<device>.png.

Seeds a fresh demo database in a temporary folder, serves it, signs in as each person the way
they would (staff with their generated password, buyers with a login link), and photographs.
Needs Debian's Chromium (AFTERSALES_CHROMIUM, default /usr/bin/chromium)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from aftersales.entrypoints import demo

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = os.environ.get("AFTERSALES_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DEVICES = {"phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2},
           "desk": {"viewport": {"width": 1280, "height": 860}}}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _find(info: demo.DemoInfo, needle: str) -> str:
    for cid, _, text in info.cases:
        if needle in text:
            return cid
    raise LookupError(needle)


def _link(buyer: str) -> str:
    """A fresh one-time link, as the marketplace's app would ask for one."""
    from aftersales.bootstrap import bootstrap
    from aftersales.domain.model import Actor, Role
    from aftersales.services import commands as c

    system = bootstrap()
    try:
        issued = system.dispatch(c.IssueLoginLink(actor=Actor(Role.OPERATOR, "shots"), buyer=buyer))
        return f"/login/link/{issued.token}"
    finally:
        system.close()


def _sign_in(page: Page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: not url.endswith("/login"))


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="aftersales-shots-"))
    url = f"sqlite:///{folder / 'demo.db'}"
    env = {**os.environ, "AFTERSALES_DATABASE_URL": url, "AFTERSALES_LOG_LEVEL": "WARNING"}
    os.environ["AFTERSALES_DATABASE_URL"] = url
    from aftersales.bootstrap import upgrade_database

    upgrade_database(url)
    info = demo.seed(url)
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "aftersales.entrypoints.cli", "serve", "--port", str(port),
                               "--no-migrate"], env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()  # noqa: S310 (our own http URL)
                break
            except OSError:
                time.sleep(0.2)
        returned, refused, escalated = (_find(info, "alice returns"), _find(info, "refused bob"),
                                        _find(info, "escalated"))
        people = {
            "buyer": (None, [("orders", "/orders"), ("line-options", "/orders/D1007/lines/1?type=return_refund"),
                             ("buyer-case", f"/cases/{returned}")]),
            "seller": ("hz-owner", [("workbench", "/workbench"), ("seller-case", f"/cases/{refused}"),
                                    ("team", "/team"), ("policy", "/policy"), ("phrases", "/phrases")]),
            "agent": ("agent-li", [("queue", "/queue"), ("agent-review", f"/cases/{escalated}")]),
            "operator": ("ops", [("operations", "/ops"), ("rules", "/rules")]),
        }
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for device, options in DEVICES.items():
                for lang in ("zh-CN", "en"):
                    # The browser's own words (a file input's button) follow its locale too.
                    context = browser.new_context(locale=lang, **options)  # type: ignore[arg-type]
                    page = context.new_page()
                    page.goto(f"{base}/login?lang={lang}")
                    page.screenshot(path=str(OUT / f"login-{lang}-{device}.png"))
                    for name, shots in people.values():
                        context.clear_cookies()
                        if name is None:
                            page.goto(base + _link("alice"))
                        else:
                            _sign_in(page, base, name, info.passwords[name])
                        for shot, path in shots:
                            page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
                            page.wait_for_load_state("networkidle")  # charts, countdowns
                            page.screenshot(path=str(OUT / f"{shot}-{lang}-{device}.png"), full_page=True)
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
