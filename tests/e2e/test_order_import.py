"""`aftersales orders import FILE` on files with good, bad and repeated rows, in JSON lines and
in CSV: a summary of what was taken and refused, the refused rows with their reasons in a file
beside the input, and a rerun that skips what is already in."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from aftersales.bootstrap import Settings, bootstrap, upgrade_database
from aftersales.domain import errors
from aftersales.domain.model import Actor, Role
from aftersales.domain.stores import Store
from aftersales.services import commands as c
from aftersales.services import queries as q
from tests.e2e.test_cli import cli

PAID = "2026-03-01T10:00:00+08:00"


def _database(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path}/import.db"
    upgrade_database(url)
    system = bootstrap(Settings(database_url=url))
    try:
        system.dispatch(c.UpsertStore(actor=Actor(Role.INTEGRATION, "oms"), store=Store("s1", "s1", "杭州")))
    finally:
        system.close()
    return {"AFTERSALES_DATABASE_URL": url, "AFTERSALES_LOG_LEVEL": "WARNING"}


def _order(order_id: str, **extra: object) -> dict[str, object]:
    return {"id": order_id, "store": "s1", "buyer": "b1", "paid_at": PAID,
            "lines": [{"id": "l1", "title": "羊毛衫", "category": "apparel", "paid": "199.00"}], **extra}


def _orders(env: dict[str, str]) -> list[str]:
    system = bootstrap(Settings(database_url=env["AFTERSALES_DATABASE_URL"]))
    try:
        found = []
        for oid in ("o1", "o2", "o3", "o4", "o5"):
            try:
                found.append(system.dispatch(q.GetOrder(actor=Actor(Role.OPERATOR, "t"), order_id=oid)).id)
            except errors.NotFound:  # not imported
                continue
        return found
    finally:
        system.close()


def test_json_lines_good_bad_and_repeated_then_a_rerun_takes_only_the_fixed(tmp_path: Path) -> None:
    env = _database(tmp_path)
    rows = [json.dumps(_order("o1")), json.dumps(_order("o2", paid_at="yesterday")), "{not json",
            json.dumps(_order("o3", store="nowhere")), json.dumps(_order("o1")), json.dumps(_order("o4"))]
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = cli("orders", "import", str(path), env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "6 orders read: 2 taken (2 new, 0 updated), 1 already in, 3 refused" in r.stdout
    assert "line 2: paid_at" in r.stdout and "line 3: not JSON" in r.stdout and "line 4: validation_failed" in r.stdout
    refused = [json.loads(x) for x in (tmp_path / "orders.refused.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["where"] for x in refused] == ["line 2", "line 3", "line 4"]
    assert "unknown store 'nowhere'" in refused[2]["error"]
    assert _orders(env) == ["o1", "o4"]
    # Fixed and run again: what is in is skipped, the fixed rows are taken.
    rows[1], rows[2], rows[3] = json.dumps(_order("o2")), json.dumps(_order("o5")), json.dumps(_order("o3"))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = cli("orders", "import", str(path), env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "6 orders read: 3 taken (3 new, 0 updated), 3 already in, 0 refused" in r.stdout
    assert _orders(env) == ["o1", "o2", "o3", "o4", "o5"]


def test_csv_rows_of_one_order_make_one_order_and_a_bad_row_refuses_its_order(tmp_path: Path) -> None:
    env = _database(tmp_path)
    path = tmp_path / "orders.csv"
    header = ["id", "store", "buyer", "paid_at", "shipped_at", "line_id", "title", "category", "paid"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerow(["o1", "s1", "b1", PAID, "", "l1", "羊毛衫", "apparel", "199.00"])
        w.writerow(["o1", "s1", "b1", PAID, "", "l2", "围巾", "apparel", "59.00"])
        w.writerow(["o2", "s1", "b1", PAID, "", "l1", "围巾", "apparel", "59.0.0"])
        w.writerow(["o3", "s1", "b1", PAID, "2026-02-01T10:00:00+08:00", "l1", "帽子", "apparel", "39.00"])
    r = cli("orders", "import", str(path), env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "3 orders read: 1 taken (1 new, 0 updated), 0 already in, 2 refused" in r.stdout
    with (tmp_path / "orders.refused.csv").open(encoding="utf-8", newline="") as f:
        refused = list(csv.DictReader(f))
    assert [x["id"] for x in refused] == ["o2", "o3"]
    assert refused[0]["error"].startswith("row 4: lines.0.paid")
    assert "shipped_at is before paid_at" in refused[1]["error"]
    r = cli("orders", "import", str(path), env=env)
    assert "3 orders read: 0 taken (0 new, 0 updated), 1 already in, 2 refused" in r.stdout  # o1 skipped


def test_a_missing_file_or_database_is_said_in_words(tmp_path: Path) -> None:
    r = cli("orders", "import", str(tmp_path / "none.jsonl"), env=_database(tmp_path))
    assert r.returncode == 2 and "no file at" in r.stderr
    (tmp_path / "x.jsonl").write_text("{}\n", encoding="utf-8")
    missing = {"AFTERSALES_DATABASE_URL": f"sqlite:///{tmp_path}/no.db"}
    r = cli("orders", "import", str(tmp_path / "x.jsonl"), env=missing)
    assert r.returncode == 2 and "no database at" in r.stderr
