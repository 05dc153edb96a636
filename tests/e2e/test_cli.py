"""The `aftersales` command as a user runs it: scenarios, tokens, the demo, a live server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aftersales.entrypoints.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=120, check=False)


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 60  # issue 3: every row of DESIGN 3.4 and 3.5 and the refusal rules


def test_the_scenario_of_design_3_7_passes() -> None:
    r = cli("scenario", "run", str(ROOT / "tests/scenarios/design_3_7_seller_silence_auto_agrees.yaml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 of 1 scenario files passed" in r.stdout


def test_a_wrong_expectation_fails_readably_with_exit_1(tmp_path: Path) -> None:
    text = (ROOT / "tests/scenarios/design_3_7_seller_silence_auto_agrees.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(text.replace("status: completed, refunded", "status: refunding, refunded"), encoding="utf-8")
    r = cli("scenario", "run", str(wrong))
    assert r.returncode == 1
    assert "step 5 (line 38): status: expected 'refunding', found 'completed'" in r.stdout


def test_an_invalid_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsteps:\n  - at: 2026-03-04T09:00:00+08:00\n  - at: 2026-03-03T09:00:00+08:00\n")
    not_yaml = tmp_path / "nope.yaml"
    not_yaml.write_text("steps: [\n")
    for path in (bad, not_yaml):
        r = cli("scenario", "run", str(path))
        assert r.returncode == 2 and "INVALID" in r.stdout, r.stdout


def test_an_unexpected_error_fails_the_step_and_the_file_goes_on(tmp_path: Path) -> None:
    text = (ROOT / "tests/scenarios/refund_unshipped_cannot_be_refused.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("with: {reason: already_shipped}\n    expect: {error: refusal_not_allowed}",
                                   "with: {reason: already_shipped}"), encoding="utf-8")
    r = cli("scenario", "run", str(broken))
    assert r.returncode == 1
    assert "refuse failed unexpectedly: refusal_not_allowed" in r.stdout
    assert r.stdout.count("step ") == 1  # the later steps still ran and passed


def test_db_upgrade_and_token(tmp_path: Path) -> None:
    env = {"AFTERSALES_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    r = cli("db", "upgrade", env=env)
    assert r.returncode == 0 and "up to date" in r.stdout, r.stderr
    r = cli("token", "--role", "seller", "--subject", "s1", env=env)
    assert r.returncode == 0 and r.stdout.startswith("as_sel_")
    assert cli("token", "buyer", "b1", env=env).stdout.startswith("as_buy_")
    assert cli("token", env=env).stdout.startswith("as_ope_")
    assert cli("token", "--role", "king", "--subject", "x", env=env).returncode == 2
    assert cli("token", "--role", "buyer", env=env).returncode == 2


def test_the_demo_seeds_and_prints_tokens(tmp_path: Path) -> None:
    r = cli("demo", "--no-serve", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "buyer:alice" in r.stdout and "http://127.0.0.1:8000" in r.stdout
    assert "platform_review" in r.stdout and (tmp_path / "demo.db").exists()


def test_the_demo_opens_on_its_sign_ins_with_two_agents_and_a_line_past_every_window(tmp_path: Path) -> None:
    from aftersales.bootstrap import Settings, bootstrap
    from aftersales.domain.model import Actor, Reason, Role
    from aftersales.services import queries as q

    r = cli("demo", "--no-serve", "--port", "8123", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "alembic" not in r.stdout + r.stderr  # the schema's history only when asked for (LOG_LEVEL=DEBUG)
    assert "agent-zhao" in r.stdout and "http://127.0.0.1:8123/login/link/" in r.stdout
    system = bootstrap(Settings(database_url=f"sqlite:///{tmp_path}/demo.db"))
    try:
        _, options = system.dispatch(q.LineEligibility(actor=Actor(Role.BUYER, "bob"), order_id="D1005", line_id="1"))
    finally:
        system.close()
    assert not any(o.allowed for o in options)  # even a counterfeit: the reopening journey starts here
    assert any(o.reason is Reason.COUNTERFEIT for o in options)


def test_a_command_without_its_database_says_so_and_leaves_no_file(tmp_path: Path) -> None:
    r = cli("user", "link", "alice", cwd=tmp_path, env={"AFTERSALES_DATABASE_URL": ""})
    assert r.returncode == 2 and "no database at aftersales.db" in r.stderr and "demo.db" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "aftersales.db").exists()
    (tmp_path / "empty.db").touch()
    r = cli("user", "link", "alice", cwd=tmp_path, env={"AFTERSALES_DATABASE_URL": "sqlite:///empty.db"})
    assert r.returncode == 2 and "no tables yet" in r.stderr
    assert cli("demo", "--no-serve", cwd=tmp_path).returncode == 0
    r = cli("user", "link", "alice", "--base-url", "http://shop.example:8080/", cwd=tmp_path,
            env={"AFTERSALES_DATABASE_URL": "sqlite:///demo.db"})
    assert r.returncode == 0 and r.stdout.startswith("http://shop.example:8080/login/link/as_lin_"), r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _http(method: str, url: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - our own local server
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - our own local server
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@pytest.mark.slow
def test_a_live_server_with_a_test_clock_fires_timers_within_seconds(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "AFTERSALES_DATABASE_URL": f"sqlite:///{tmp_path}/live.db", "AFTERSALES_CLOCK": "test",
           "AFTERSALES_ADMIN_TOKEN": "live-admin", "AFTERSALES_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "aftersales.entrypoints.cli", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if _http("GET", f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        admin = "live-admin"
        assert _http("POST", f"{base}/api/v1/test-clock", admin, {"now": "2026-03-04T09:00:00+08:00"})[0] == 200
        oms = _http("POST", f"{base}/api/v1/tokens", admin, {"role": "integration", "subject": "oms"})[1]["token"]
        buyer = _http("POST", f"{base}/api/v1/tokens", admin, {"role": "buyer", "subject": "b1"})[1]["token"]
        _http("POST", f"{base}/api/v1/stores", oms, {"id": "s1", "return_address": "杭州"})
        order = {"id": "o1", "store": "s1", "buyer": "b1", "paid_at": "2026-03-01T10:00:00+08:00",
                 "shipped_at": "2026-03-01T18:00:00+08:00", "delivered_at": "2026-03-03T12:00:00+08:00",
                 "lines": [{"id": "l1", "title": "羊毛衫", "category": "apparel", "paid": "199.00"}]}
        assert _http("POST", f"{base}/api/v1/orders", oms, order)[0] == 201
        status, case = _http("POST", f"{base}/api/v1/cases", buyer, {"order_id": "o1", "line_id": "l1",
                             "type": "return_refund", "reason": "no_reason", "amount": "199.00"})
        assert status == 201 and case["deadline"] == "2026-03-06T09:00:00+08:00"
        moved = time.monotonic()
        _http("POST", f"{base}/api/v1/test-clock", admin, {"now": "2026-03-06T09:00:01+08:00"})
        while time.monotonic() - moved < 3:
            case = _http("GET", f"{base}/api/v1/cases/{case['id']}", buyer)[1]
            if case["status"] == "awaiting_return":
                break
            time.sleep(0.05)
        assert case["status"] == "awaiting_return", "the worker did not act within 3 seconds"
        assert case["deadline"] == "2026-03-13T09:00:00+08:00"  # counted from the due time
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_calendar_load_stores_a_year_the_system_then_uses(tmp_path: Path) -> None:
    from aftersales.adapters.calendars import PACKAGE_YEARS
    from aftersales.bootstrap import Settings, bootstrap

    year = max(PACKAGE_YEARS) + 1
    env = {"AFTERSALES_DATABASE_URL": f"sqlite:///{tmp_path}/cal.db"}
    assert cli("db", "upgrade", env=env).returncode == 0
    good = tmp_path / "year.toml"
    good.write_text(f'year = {year}\nsource = "国务院办公厅关于{year}年部分节假日安排的通知"\n'
                    f'holidays = ["{year}-01-01"]\nworkdays = []\n', encoding="utf-8")
    r = cli("calendar", "load", str(good), env=env)
    assert r.returncode == 0 and f"{year}: 1 days off" in r.stdout, r.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(f"year = {year}\nholidays = []\n", encoding="utf-8")
    r = cli("calendar", "load", str(bad), env=env)
    assert r.returncode == 2 and "source" in r.stderr
    system = bootstrap(Settings(database_url=env["AFTERSALES_DATABASE_URL"]))
    try:
        assert system.dispatch.deps.calendar.covers(year)
    finally:
        system.close()


def test_policy_lint_prints_every_clause_and_exits_1_on_a_void_one(tmp_path: Path) -> None:
    r = cli("policy", "lint", str(ROOT / "tests/fixtures/store-policy-clothing.toml"))
    assert r.returncode == 1
    assert "4a-no-returns-of-clothes" in r.stdout and "VOID" in r.stdout and "stands only if" in r.stdout
    ok = tmp_path / "ok.toml"
    ok.write_text('store = "s1"\n[[clauses]]\nid = "a"\nkind = "extend_window"\ntext = "15 天无理由"\n'
                  'rule = "no_reason_7d"\nlength = "15d"\n', encoding="utf-8")
    assert cli("policy", "lint", str(ok)).returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('store = "s1"\n', encoding="utf-8")
    assert cli("policy", "lint", str(bad)).returncode == 2


def test_a_scenario_store_with_a_void_policy_is_an_invalid_file() -> None:
    r = cli("scenario", "run", str(ROOT / "tests/fixtures/scenario-store-policy-void.yaml"))
    assert r.returncode == 2 and "no-returns (apparel)" in r.stdout


def test_line_reopen_from_the_command_line(tmp_path: Path) -> None:
    env = {"AFTERSALES_DATABASE_URL": f"sqlite:///{tmp_path}/reopen.db"}
    assert cli("db", "upgrade", env=env).returncode == 0
    r = cli("line", "reopen", "nope", "l1", "--days", "3", "--by", "xiao-er", env=env)
    assert r.returncode == 1 and "not_found" in r.stderr
