"""The database: an engine per URL, and the one way every adapter writes to it.

SQLite allows one writer at a time. Threads of one process take a lock before
``BEGIN IMMEDIATE`` so they queue in the process instead of sleeping in SQLite's busy
handler (which wakes on a coarse schedule and ruins latency); other processes are still
serialised by SQLite itself. Every write of every adapter (the unit of work, the
simulated gateway's ledger) goes through ``writing()``, so that protocol exists once.
A thread that already holds a write and asks for a second one on another connection
would wait for itself forever; it is refused at once instead.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import StaticPool

from aftersales.adapters.db import tables as t

DEFAULT_URL = "sqlite:///aftersales.db"
_BUSY_MS = 30_000


class NestedWrite(RuntimeError):
    """A thread asked for a second write transaction while holding one: it would deadlock."""


class Database:
    """An engine plus what a process needs to use it well."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._writer = threading.local()
        self._lock: threading.Lock | None = None
        if self.is_sqlite:
            memory = url in ("sqlite://", "sqlite:///:memory:")
            kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": _BUSY_MS / 1000}}
            if memory:
                kwargs["poolclass"] = StaticPool
            else:
                kwargs.update(pool_size=8, max_overflow=32)
            self.engine: Engine = create_engine(url, echo=echo, **kwargs)
            event.listen(self.engine, "connect", _sqlite_on_connect(memory))
            event.listen(self.engine, "begin", _sqlite_on_begin)
            self._lock = threading.Lock()
        else:
            self.engine = create_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction on a connection of its own: committed when the block ends,
        rolled back when it raises."""
        if getattr(self._writer, "active", False):
            raise NestedWrite("this thread already holds a write transaction; join it instead of opening another")
        if self._lock is not None:
            self._lock.acquire()
        self._writer.active = True
        try:
            with self.engine.connect() as conn:
                conn.info["as_write"] = True
                with conn.begin():
                    yield conn
        finally:
            self._writer.active = False
            if self._lock is not None:
                self._lock.release()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only snapshot."""
        with self.engine.connect() as conn:
            conn.info["as_write"] = False
            with conn.begin():
                yield conn

    def read_one(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """One row of a single-statement read, straight through the driver on a pooled connection:
        no transaction of ours around it (the statement is its own), no SQLAlchemy on the way."""
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(sql, params)
            row = cursor.fetchone()
            cursor.close()
        finally:
            raw.close()  # back to the pool, which ends the driver's own transaction
        return None if row is None else tuple(row)

    def writable(self, timeout: float) -> bool:
        """Whether a write could begin within ``timeout`` seconds, without writing anything."""
        if getattr(self._writer, "active", False):
            return True
        if self._lock is not None and not self._lock.acquire(timeout=timeout):
            return False
        try:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    return _sqlite_can_write(conn, timeout)
                # SET LOCAL lasts only this transaction, which is rolled back.
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
                read_only = conn.execute(text("SHOW transaction_read_only")).scalar()
                conn.rollback()
                return read_only == "off"
        finally:
            if self._lock is not None:
                self._lock.release()

    def create_all(self) -> None:
        """Create the schema directly (in-memory databases of scenarios and tests)."""
        t.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached or used now, as
    opposed to a fault of the request or of ours: a lost connection, a refused one, a pool with
    no connection to give, a server shutting down, a file that cannot be opened. Raw driver
    errors count too, for ``read_one`` goes straight through the driver."""
    seen: BaseException | None = exc
    for _ in range(8):  # a chain, not a loop
        if seen is None:
            return False
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, UNREACHABLE):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


UNREACHABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError,
    ConnectionError, sqlite3.OperationalError, psycopg.OperationalError, psycopg.InterfaceError)


def _sqlite_can_write(conn: Connection, timeout: float) -> bool:
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
    try:
        dbapi.execute("BEGIN IMMEDIATE")
        dbapi.execute("ROLLBACK")
        return True
    except Exception:
        return False
    finally:
        dbapi.execute(f"PRAGMA busy_timeout={_BUSY_MS}")


def _sqlite_on_connect(memory: bool) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below): pysqlite's implicit transactions would
        # start a deferred one, which a concurrent writer can then fail to upgrade.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed refund survives a power cut, not just a process crash. (The
        # benchmark's diagnostic run turns it off to separate fsync from our code.)
        cur.execute(f"PRAGMA synchronous={os.environ.get('AFTERSALES_SQLITE_SYNCHRONOUS', 'FULL')}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
        cur.close()

    return on_connect


def _sqlite_on_begin(conn: Connection) -> None:
    # Straight to the driver: this runs for every transaction, and SQLAlchemy's
    # execution path would cost several times what SQLite spends on it.
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute("BEGIN IMMEDIATE" if conn.info.get("as_write") else "BEGIN")
