"""The unit of work over SQLAlchemy Core, for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table

from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.repositories.cases import SqlCases
from aftersales.adapters.db.repositories.evidence import SqlEvidence
from aftersales.adapters.db.repositories.idempotency import SqlIdempotency
from aftersales.adapters.db.repositories.messages import SqlMessages
from aftersales.adapters.db.repositories.orders import SqlOrders
from aftersales.adapters.db.repositories.payouts import SqlPayouts
from aftersales.adapters.db.repositories.reopenings import SqlReopenings
from aftersales.adapters.db.repositories.stores import SqlStores
from aftersales.adapters.db.repositories.system import SqlSystem
from aftersales.adapters.db.repositories.timers import SqlTimers
from aftersales.adapters.db.repositories.tokens import SqlTokens
from aftersales.adapters.db.statements import upsert_statement
from aftersales.domain.stores import Store


class SqlUnitOfWork:
    """One transaction at a time over one connection; not shared between threads."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._conn: Connection | None = None
        self._write = False
        # Stores read in this transaction (an order's read brings its store along), and
        # case rows as read, so an update writes only the columns that changed.
        self.seen_stores: dict[str, Store] = {}
        self.seen_cases: dict[str, dict[str, Any]] = {}
        self.stores = SqlStores(self)
        self.orders = SqlOrders(self)
        self.cases = SqlCases(self)
        self.timers = SqlTimers(self)
        self.payouts = SqlPayouts(self)
        self.evidence = SqlEvidence(self)
        self.messages = SqlMessages(self)
        self.reopenings = SqlReopenings(self)
        self.idempotency = SqlIdempotency(self)
        self.tokens = SqlTokens(self)
        self.system = SqlSystem(self)

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("repository used outside a transaction")
        return self._conn

    @property
    def dialect(self) -> str:
        return self.db.engine.dialect.name

    @property
    def writing(self) -> bool:
        return self._write

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._conn is not None:
            if not self._write:
                raise RuntimeError("a write transaction cannot nest inside a read")
            yield
            return
        with self.db.writing() as conn:
            self._conn, self._write = conn, True
            self.seen_stores, self.seen_cases = {}, {}
            try:
                yield
            finally:
                self._conn, self._write = None, False

    @contextmanager
    def read(self) -> Iterator[None]:
        if self._conn is not None:
            yield
            return
        with self.db.reading() as conn:
            self._conn = conn
            self.seen_stores, self.seen_cases = {}, {}
            try:
                yield
            finally:
                self._conn = None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an error inside undoes only what the block wrote."""
        with self.conn.begin_nested():
            yield

    def writable(self, timeout: float) -> bool:
        return self.db.writable(timeout)

    def upsert(self, table: Table, values: dict[str, Any], keys: list[str], update_cols: list[str]) -> None:
        self.conn.execute(upsert_statement(self.dialect, table, tuple(keys), tuple(update_cols)), values)
