"""The unit of work over SQLAlchemy Core, for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar, overload

from sqlalchemy import Connection, Table

from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.repositories.cases import SqlCases
from aftersales.adapters.db.repositories.evidence import SqlEvidence
from aftersales.adapters.db.repositories.idempotency import SqlIdempotency
from aftersales.adapters.db.repositories.messages import SqlMessages
from aftersales.adapters.db.repositories.orders import SqlOrders
from aftersales.adapters.db.repositories.payouts import SqlPayouts
from aftersales.adapters.db.repositories.phrases import SqlPhrases
from aftersales.adapters.db.repositories.reopenings import SqlReopenings
from aftersales.adapters.db.repositories.stores import SqlStores
from aftersales.adapters.db.repositories.system import SqlSystem
from aftersales.adapters.db.repositories.timers import SqlTimers
from aftersales.adapters.db.repositories.tokens import SqlTokens
from aftersales.adapters.db.repositories.users import SqlUsers
from aftersales.adapters.db.repositories.webhooks import SqlOutbox, SqlWebhooks
from aftersales.adapters.db.statements import upsert_statement
from aftersales.domain.stores import Store

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository made on first use and kept: a request touches a few of them, and a
    unit of work is made for every request (making them all cost more than the SQL of a read)."""

    def __init__(self, kind: Callable[[Any], R]) -> None:
        self.kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...

    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> R: ...

    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> R | _Repository[R]:
        if uow is None:
            return self
        repo = uow.__dict__[self.name] = self.kind(uow)
        return repo


class SqlUnitOfWork:
    """One transaction at a time over one connection; not shared between threads."""

    stores = _Repository(SqlStores)
    orders = _Repository(SqlOrders)
    cases = _Repository(SqlCases)
    timers = _Repository(SqlTimers)
    payouts = _Repository(SqlPayouts)
    evidence = _Repository(SqlEvidence)
    messages = _Repository(SqlMessages)
    reopenings = _Repository(SqlReopenings)
    phrases = _Repository(SqlPhrases)
    idempotency = _Repository(SqlIdempotency)
    tokens = _Repository(SqlTokens)
    users = _Repository(SqlUsers)
    system = _Repository(SqlSystem)
    outbox = _Repository(SqlOutbox)
    webhooks = _Repository(SqlWebhooks)

    def __init__(self, db: Database) -> None:
        self.db = db
        self._conn: Connection | None = None
        self._write = False
        # Stores read in this transaction (an order's read brings its store along), and
        # case rows as read, so an update writes only the columns that changed.
        self.seen_stores: dict[str, Store] = {}
        self.seen_cases: dict[str, dict[str, Any]] = {}

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
            outbox: SqlOutbox | None = self.__dict__.get("outbox")
            try:
                yield
                outbox = self.__dict__.get("outbox")
                if outbox is not None:
                    outbox.flush()  # last, so the outbox lock is held only while committing
            finally:
                if outbox is not None:
                    outbox.pending.clear()
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
        """A nested transaction: an error inside undoes only what the block wrote (its events too)."""
        outbox: SqlOutbox = self.outbox
        held = len(outbox.pending)
        try:
            with self.conn.begin_nested():
                yield
        except BaseException:
            del outbox.pending[held:]
            raise

    def writable(self, timeout: float) -> bool:
        return self.db.writable(timeout)

    def upsert(self, table: Table, values: dict[str, Any], keys: list[str], update_cols: list[str]) -> None:
        self.conn.execute(upsert_statement(self.dialect, table, tuple(keys), tuple(update_cols)), values)
