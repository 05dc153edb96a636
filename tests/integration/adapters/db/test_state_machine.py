"""The state machine of tests/state_machine.py on SQLite and PostgreSQL.

Fewer runs than on the fake (each step is real SQL), enough to show the SQL
repositories keep every invariant the fake does."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork
from tests.conftest import _truncate_pg
from tests.state_machine import machine_for


def _run(fresh: Callable[[], SqlUnitOfWork], share: int, steps: int) -> None:
    machine = machine_for(fresh)
    machine.TestCase.settings = settings(
        settings.default, max_examples=max(5, settings.default.max_examples // share), stateful_step_count=steps
    )
    machine.TestCase().runTest()


def test_state_machine_on_sqlite(tmp_path: Path, sqlite_template: Path) -> None:
    # One file for all runs, emptied before each, so the migration cost is paid once.
    path = tmp_path / "sm.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")

    def fresh() -> SqlUnitOfWork:
        with db.engine.begin() as conn:
            for table in reversed(t.metadata.sorted_tables):
                conn.execute(table.delete())
        return SqlUnitOfWork(db)

    _run(fresh, share=4, steps=30)
    db.dispose()


@pytest.mark.postgres
def test_state_machine_on_postgres(pg_template: str) -> None:
    db = Database(pg_template)

    def fresh() -> SqlUnitOfWork:
        _truncate_pg(db)
        return SqlUnitOfWork(db)

    _run(fresh, share=6, steps=25)
    db.dispose()
