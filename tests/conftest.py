"""Shared fixtures: databases on SQLite and PostgreSQL, the pack, hypothesis profiles."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from aftersales.adapters import packs
from aftersales.adapters.db import migrate
from aftersales.adapters.db import tables as t
from aftersales.adapters.db.engine import Database
from aftersales.domain.policy import Pack
from tests import pg

# `ci` bounds every property search so the whole suite stays well inside CI's budget.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REQUIRE_PG = os.environ.get("AFTERSALES_REQUIRE_PG") == "1"
_skipped_pg: list[str] = []


def dt(text_: str) -> datetime:
    return datetime.fromisoformat(text_)


@pytest.fixture(scope="session")
def pack() -> Pack:
    return packs.load("taobao")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test: migrations run once, tests stay isolated."""
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_admin() -> str:
    url, why = pg.admin_url()
    if url is None:
        msg = f"PostgreSQL tests cannot run here: {why}"
        if REQUIRE_PG:
            pytest.fail(msg + " (AFTERSALES_REQUIRE_PG=1: CI must run them)")
        _skipped_pg.append(msg)
        pytest.skip(msg)
    return url


@pytest.fixture(scope="session")
def pg_template(pg_admin: str) -> Iterator[str]:
    url, name = pg.create_database(pg_admin)
    db = Database(url)
    migrate.upgrade(db.engine)
    db.dispose()
    yield url
    pg.drop_database(pg_admin, name)


def _truncate_pg(db: Database) -> None:
    names = ", ".join(f'"{tbl.name}"' for tbl in reversed(t.metadata.sorted_tables))
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
        yield database
        database.dispose()
    else:
        url = request.getfixturevalue("pg_template")
        database = Database(url)
        _truncate_pg(database)
        yield database
        database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped_pg:
        terminalreporter.write_sep("!", "PostgreSQL tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_skipped_pg[0], red=True)
        terminalreporter.write_line("CI sets AFTERSALES_REQUIRE_PG=1 and fails instead of skipping.", red=True)
