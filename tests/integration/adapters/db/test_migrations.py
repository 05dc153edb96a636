"""The Alembic migrations build exactly the schema the code uses, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from aftersales.adapters.db import tables
from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork


def test_migrated_schema_matches_the_tables(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), tables.metadata)
    assert diff == []


def test_upgrade_is_idempotent(db: Database) -> None:
    from aftersales.adapters.db import migrate

    migrate.upgrade(db.engine)  # already at head: nothing to do, nothing breaks


def test_cases_already_in_review_get_their_sla_when_the_queue_migration_runs(tmp_path: Path) -> None:
    """0005 stores the SLA due time the queue is ordered by; cases already waiting for an agent
    must not drop out of the queue on upgrade."""
    from aftersales.adapters.db import migrate

    db = Database(f"sqlite:///{tmp_path}/old.db")
    try:
        migrate.upgrade(db.engine, "0004")
        escalated = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO stores (id, name, return_address, created_at, updated_at) "
                              "VALUES ('s1', 's1', 'x', :t, :t)"), {"t": "2026-03-01 00:00:00.000000"})
            conn.execute(text("INSERT INTO orders (id, store_id, buyer_id, paid_at, shipping_fee, created_at, "
                              "updated_at) VALUES ('o1', 's1', 'b1', :t, 0, :t, :t)"),
                         {"t": "2026-03-01 00:00:00.000000"})
            conn.execute(text("INSERT INTO order_lines (order_id, line_id, position, title, category, quantity, "
                              "paid, no_reason_waived) VALUES ('o1', 'l1', 0, 'x', 'general', 1, 100, 0)"))
            for case_id, line, status in (("c1", "l1", "platform_review"), ("c2", "l1", "closed")):
                conn.execute(text(
                    "INSERT INTO cases (id, order_id, line_id, store_id, buyer_id, type, reason, status, phase, "
                    "amount, refunded, line_paid, opened_at, status_since, deadline_provisional, version, entry, "
                    "evidence_ids, receipt_refused, repair_failures, updated_at) VALUES (:id, 'o1', :line, 's1', "
                    "'b1', 'refund_only', 'quality', :status, 'in_sale', 100, 0, 100, :t, :t, 0, 3, 3, '[]', 0, 0, "
                    ":t)"), {"id": case_id, "line": line, "status": status, "t": "2026-03-05 02:00:00.000000"})
        migrate.upgrade(db.engine)
        uow = SqlUnitOfWork(db)
        with uow.read():
            queue = uow.cases.queue(after=None, limit=10, now=escalated)
        assert [(c.id, c.sla_due) for _, c in queue] == [("c1", escalated + timedelta(days=4))]  # Monday 10:00
    finally:
        db.dispose()
