"""The state machine of tests/state_machine.py on SQLite and PostgreSQL.

Fewer runs than on the fake (each step is real SQL), enough to show the SQL
repositories keep every invariant the fake does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from aftersales.adapters.db.sql import Database
from tests.conftest import _truncate_pg
from tests.state_machine import machine_for


def test_state_machine_on_sqlite(tmp_path: Path, sqlite_template: Path) -> None:
    # One file for all runs, emptied before each, so the migration cost is paid once.
    path = tmp_path / "sm.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")

    from aftersales.adapters.db import tables as t

    def fresh():  # type: ignore[no-untyped-def]
        with db.engine.begin() as conn:
            for table in reversed(t.metadata.sorted_tables):
                conn.execute(table.delete())
        return db.uow()

    machine = machine_for(fresh)
    machine.TestCase.settings = settings(settings.default, max_examples=max(5, settings.default.max_examples // 4),
                                         stateful_step_count=30)
    machine.TestCase().runTest()
    db.dispose()


@pytest.mark.postgres
def test_state_machine_on_postgres(pg_template: str) -> None:
    db = Database(pg_template)

    def fresh():  # type: ignore[no-untyped-def]
        _truncate_pg(db)
        return db.uow()

    machine = machine_for(fresh)
    machine.TestCase.settings = settings(settings.default, max_examples=max(5, settings.default.max_examples // 6),
                                         stateful_step_count=25)
    machine.TestCase().runTest()
    db.dispose()
