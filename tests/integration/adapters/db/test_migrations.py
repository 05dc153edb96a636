"""The Alembic migrations build exactly the schema the code uses, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from aftersales.adapters.db import tables
from aftersales.adapters.db.engine import Database


def test_migrated_schema_matches_the_tables(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), tables.metadata)
    assert diff == []


def test_upgrade_is_idempotent(db: Database) -> None:
    from aftersales.adapters.db import migrate

    migrate.upgrade(db.engine)  # already at head: nothing to do, nothing breaks
