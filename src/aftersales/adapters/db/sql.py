"""The unit of work and repositories over SQLAlchemy Core, for SQLite and PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy import case as sql_case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from aftersales.adapters.db import tables as t
from aftersales.domain import errors
from aftersales.domain.case import Outcome
from aftersales.domain.eligibility import LineHistory
from aftersales.domain.model import (
    Actor,
    Case,
    CaseType,
    Category,
    Event,
    Freight,
    Line,
    Order,
    Party,
    PayoutRequest,
    Phase,
    Reason,
    Reopening,
    Role,
    Ruling,
    RulingOutcome,
    Shipment,
    Status,
    Store,
)
from aftersales.domain.store_policy import StorePolicy
from aftersales.services.ports import DueTimer, EvidenceItem, Message, Payout

DEFAULT_URL = "sqlite:///aftersales.db"


class Database:
    """An engine plus what a process needs to use it well.

    SQLite allows one writer at a time. Threads of one process take a lock before
    ``BEGIN IMMEDIATE`` so they queue in the process instead of sleeping in
    SQLite's busy handler (which wakes on a coarse schedule and ruins latency);
    other processes are still serialised by SQLite itself.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            memory = url in ("sqlite://", "sqlite:///:memory:")
            kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
            if memory:
                kwargs["poolclass"] = StaticPool
            else:
                kwargs.update(pool_size=8, max_overflow=32)
            self.engine: Engine = create_engine(url, echo=echo, **kwargs)
            event.listen(self.engine, "connect", _sqlite_on_connect(memory))
            event.listen(self.engine, "begin", _sqlite_on_begin)
            self.write_lock: AbstractContextManager[Any] = threading.Lock()
        else:
            self.engine = create_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)
            self.write_lock = nullcontext()

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    def create_all(self) -> None:
        """Create the schema directly (in-memory databases of scenarios and tests)."""
        t.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


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
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return on_connect


def _sqlite_on_begin(conn: Connection) -> None:
    # Straight to the driver: this runs for every transaction, and SQLAlchemy's
    # execution path would cost several times what SQLite spends on it.
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute("BEGIN IMMEDIATE" if conn.info.get("as_write") else "BEGIN")


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
        with self.db.write_lock, self.db.engine.connect() as conn:
            conn.info["as_write"] = True
            self._conn, self._write = conn, True
            self.seen_stores, self.seen_cases = {}, {}
            try:
                with conn.begin():
                    yield
            finally:
                self._conn, self._write = None, False

    @contextmanager
    def read(self) -> Iterator[None]:
        if self._conn is not None:
            yield
            return
        with self.db.engine.connect() as conn:
            conn.info["as_write"] = False
            self._conn = conn
            self.seen_stores, self.seen_cases = {}, {}
            try:
                with conn.begin():
                    yield
            finally:
                self._conn = None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an error inside undoes only what the block wrote."""
        with self.conn.begin_nested():
            yield

    def upsert(self, table: Table, values: dict[str, Any], keys: list[str], update_cols: list[str]) -> None:
        self.conn.execute(_upsert_statement(self.dialect, table, tuple(keys), tuple(update_cols)), values)


# Statements are built once and executed with bound parameters: SQLAlchemy then finds
# the compiled form in its cache by identity instead of rebuilding and re-keying a
# statement on every call, which profiling showed cost more than the SQL itself.
_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def _upsert_statement(dialect: str, table: Table, keys: tuple[str, ...], cols: tuple[str, ...]) -> Any:
    key = (dialect, table.name, keys, cols)
    stmt = _UPSERTS.get(key)
    if stmt is None:
        ins: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        stmt = _UPSERTS[key] = ins.on_conflict_do_update(
            index_elements=list(keys), set_={c: ins.excluded[c] for c in cols}
        )
    return stmt


# --- stores and orders ---


class SqlStores:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def get(self, store_id: str) -> Store | None:
        cached = self.uow.seen_stores.get(store_id)
        if cached is not None:
            return cached
        row = self.uow.conn.execute(_STORE_GET, {"id": store_id}).first()
        return None if row is None else Store(row.id, row.name, row.return_address, _policy(row.policy))

    def upsert(self, store: Store) -> bool:
        created = self.get(store.id) is None
        now = _utcnow()
        values = {"id": store.id, "name": store.name, "return_address": store.return_address,
                  "created_at": now, "updated_at": now}
        self.uow.upsert(t.stores, values, ["id"], ["name", "return_address", "updated_at"])
        return created

    def set_policy(self, store_id: str, policy: StorePolicy | None) -> None:
        self.uow.conn.execute(update(t.stores).where(t.stores.c.id == store_id).values(
            policy=policy.as_dict() if policy is not None else None, updated_at=_utcnow()))
        self.uow.seen_stores.pop(store_id, None)


def _policy(data: dict[str, Any] | None) -> StorePolicy | None:
    return None if not data else StorePolicy.from_dict(data)


_STORE_GET = select(t.stores.c.id, t.stores.c.name, t.stores.c.return_address, t.stores.c.policy).where(
    t.stores.c.id == bindparam("id"))
_ORDER_COLS = [c for c in t.orders.c if c.name not in ("created_at",)]
_LINE_COLS = [c for c in t.order_lines.c if c.name != "order_id"]
# The order, its lines and its store in one round trip: every action needs all three.
_ORDER_GET = (
    select(*_ORDER_COLS, *[c.label(f"l_{c.name}") for c in _LINE_COLS],
           t.stores.c.name.label("s_name"), t.stores.c.return_address.label("s_return_address"),
           t.stores.c.policy.label("s_policy"))
    .join_from(t.orders, t.order_lines, t.order_lines.c.order_id == t.orders.c.id)
    .join(t.stores, t.stores.c.id == t.orders.c.store_id)
    .where(t.orders.c.id == bindparam("id"))
    .order_by(t.order_lines.c.position)
)
_ORDER_EXISTS = select(t.orders.c.id).where(t.orders.c.id == bindparam("id"))


class SqlOrders:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def get(self, order_id: str) -> Order | None:
        rows = self.uow.conn.execute(_ORDER_GET, {"id": order_id}).all()
        if not rows:
            return None
        r = rows[0]
        self.uow.seen_stores[r.store_id] = Store(r.store_id, r.s_name, r.s_return_address, _policy(r.s_policy))
        lines = [
            Line(
                x.l_line_id, x.l_title, Category(x.l_category), x.l_quantity, x.l_paid, bool(x.l_no_reason_waived),
                x.l_usage_days, x.l_return_insurance_cap,
            )
            for x in rows
        ]
        return Order(
            r.id, r.store_id, r.buyer_id, r.paid_at, r.shipped_at, r.delivered_at, r.completed_at, r.shipping_fee,
            lines, r.free_shipping_threshold,
        )

    def upsert(self, order: Order) -> bool:
        created = self.uow.conn.execute(_ORDER_EXISTS, {"id": order.id}).first() is None
        now = _utcnow()
        values = {
            "id": order.id, "store_id": order.store_id, "buyer_id": order.buyer_id, "paid_at": order.paid_at,
            "shipped_at": order.shipped_at, "delivered_at": order.delivered_at, "completed_at": order.completed_at,
            "shipping_fee": order.shipping_fee, "free_shipping_threshold": order.free_shipping_threshold,
            "created_at": now, "updated_at": now,
        }
        self.uow.upsert(t.orders, values, ["id"], [k for k in values if k not in ("id", "created_at")])
        for pos, line in enumerate(order.lines):
            lv = {
                "order_id": order.id, "line_id": line.id, "position": pos, "title": line.title,
                "category": line.category.value, "quantity": line.quantity, "paid": line.paid,
                "no_reason_waived": line.no_reason_waived, "usage_days": line.usage_days,
                "return_insurance_cap": line.return_insurance_cap,
            }
            self.uow.upsert(t.order_lines, lv, ["order_id", "line_id"],
                            [k for k in lv if k not in ("order_id", "line_id")])
        return created


# --- cases ---


def _shipment_json(s: Shipment | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"carrier": s.carrier, "tracking_no": s.tracking_no, "fee": s.fee, "at": s.at.isoformat()}


def _shipment(d: dict[str, Any] | None) -> Shipment | None:
    if not d:
        return None
    return Shipment(d["carrier"], d["tracking_no"], d.get("fee"), datetime.fromisoformat(d["at"]))


def _ruling_json(r: Ruling | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "outcome": r.outcome.value, "amount": r.amount, "fault": r.fault.value if r.fault else None,
        "note": r.note, "agent_id": r.agent_id, "at": r.at.isoformat(),
    }


def _ruling(d: dict[str, Any] | None) -> Ruling | None:
    if not d:
        return None
    return Ruling(
        RulingOutcome(d["outcome"]), d.get("amount"), Party(d["fault"]) if d.get("fault") else None, d.get("note"),
        d["agent_id"], datetime.fromisoformat(d["at"]),
    )


def case_to_row(c: Case) -> dict[str, Any]:
    return {
        "id": c.id, "order_id": c.order_id, "line_id": c.line_id, "store_id": c.store_id, "buyer_id": c.buyer_id,
        "type": c.type.value, "reason": c.reason.value, "status": c.status.value, "phase": c.phase.value,
        "amount": c.amount, "refunded": c.refunded, "line_paid": c.line_paid, "opened_at": c.opened_at,
        "status_since": c.status_since, "deadline": c.deadline, "deadline_action": c.deadline_action,
        "deadline_rule": c.deadline_rule, "deadline_provisional": c.deadline_provisional, "version": c.version,
        "entry": c.entry, "description": c.description, "evidence_ids": list(c.evidence_ids),
        "eligibility_rule": c.eligibility_rule, "return_address": c.return_address,
        "return_shipment": _shipment_json(c.return_shipment),
        "replacement_shipment": _shipment_json(c.replacement_shipment),
        "refusal_reason": c.refusal_reason, "refusal_note": c.refusal_note, "receipt_refused": c.receipt_refused,
        "repair_failures": c.repair_failures, "ruling": _ruling_json(c.ruling),
        "freight": c.freight.as_dict() if c.freight else None, "closed_by": c.closed_by,
        "updated_at": c.updated_at or c.status_since,
    }


def row_to_case(r: Any) -> Case:
    return Case(
        id=r.id, order_id=r.order_id, line_id=r.line_id, store_id=r.store_id, buyer_id=r.buyer_id,
        type=CaseType(r.type), reason=Reason(r.reason), status=Status(r.status), phase=Phase(r.phase),
        amount=r.amount, refunded=r.refunded, line_paid=r.line_paid, opened_at=r.opened_at,
        status_since=r.status_since, deadline=r.deadline, deadline_action=r.deadline_action,
        deadline_rule=r.deadline_rule, deadline_provisional=bool(r.deadline_provisional), version=r.version,
        entry=r.entry, description=r.description, evidence_ids=list(r.evidence_ids or []),
        eligibility_rule=r.eligibility_rule, return_address=r.return_address,
        return_shipment=_shipment(r.return_shipment), replacement_shipment=_shipment(r.replacement_shipment),
        refusal_reason=r.refusal_reason, refusal_note=r.refusal_note, receipt_refused=bool(r.receipt_refused),
        repair_failures=r.repair_failures, ruling=_ruling(r.ruling),
        freight=Freight.from_dict(r.freight) if r.freight else None, closed_by=r.closed_by, updated_at=r.updated_at,
    )


def event_to_row(e: Event) -> dict[str, Any]:
    return {
        "case_id": e.case_id, "seq": e.seq, "at": e.at, "actor_role": e.actor.role.value, "actor_id": e.actor.id,
        "action": e.action, "from_status": e.from_status.value if e.from_status else None,
        "to_status": e.to_status.value, "before": e.before, "after": e.after, "data": e.data,
        "recorded_at": _utcnow(),
    }


def row_to_event(r: Any) -> Event:
    return Event(
        r.case_id, r.seq, r.at, Actor(Role(r.actor_role), r.actor_id), r.action,
        Status(r.from_status) if r.from_status else None, Status(r.to_status), r.before, r.after, r.data,
    )


_CASE_GET = select(t.cases).where(t.cases.c.id == bindparam("id"))
_CASE_GET_LOCKED = _CASE_GET.with_for_update()
_c = t.cases.c
# The open statuses as literal SQL: an IN list of bound values is expanded on every call.
_IS_OPEN = text("status NOT IN ('completed', 'closed')")
_r = t.line_reopenings.c
_REOPEN_OF_LINE = (_r.order_id == bindparam("o")) & (_r.line_id == bindparam("l"))
_LINE_HISTORY = select(
    func.max(sql_case((_IS_OPEN, _c.id), else_=None)),
    func.coalesce(func.sum(sql_case((_c.phase == Phase.AFTER_SALE.value, 1), else_=0)), 0),
    func.coalesce(func.sum(_c.refunded), 0),
    select(func.count()).where(_REOPEN_OF_LINE).scalar_subquery(),
    select(func.max(_r.until)).where(_REOPEN_OF_LINE).scalar_subquery(),
).where(_c.order_id == bindparam("o"), _c.line_id == bindparam("l"), _c.id != bindparam("x"))
_CASE_INSERT = insert(t.cases)
_EVENT_INSERT = insert(t.case_events)
_PAYOUT_INSERT = insert(t.payouts)
_TIMER_DELETE = delete(t.timers).where(t.timers.c.case_id == bindparam("id"))
_CASE_UPDATE_COLS = tuple(c.name for c in t.cases.c if c.name not in ("seq", "id"))
_CASE_UPDATES: dict[tuple[str, ...], Any] = {}


def _case_update(cols: tuple[str, ...]) -> Any:
    """The UPDATE of exactly these columns, built once per set: an action changes a
    handful of the case's columns, and writing only those is cheaper on every engine."""
    stmt = _CASE_UPDATES.get(cols)
    if stmt is None:
        stmt = _CASE_UPDATES[cols] = (
            update(t.cases)
            .where(t.cases.c.id == bindparam("b_id"), t.cases.c.version == bindparam("b_version"))
            .values({name: bindparam(name) for name in cols})
        )
    return stmt


class SqlCases:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def get(self, case_id: str) -> Case | None:
        # On PostgreSQL concurrent actions on one case queue on the row lock instead of conflicting.
        q = _CASE_GET_LOCKED if self.uow.writing and self.uow.dialect == "postgresql" else _CASE_GET
        row = self.uow.conn.execute(q, {"id": case_id}).first()
        if row is None:
            return None
        if self.uow.writing:
            self.uow.seen_cases[case_id] = row._asdict()
        return row_to_case(row)

    def line_history(self, order_id: str, line_id: str, exclude_case: str | None = None) -> LineHistory:
        open_id, after_sale, refunded, grants, until = self.uow.conn.execute(
            _LINE_HISTORY, {"o": order_id, "l": line_id, "x": exclude_case or ""}
        ).one()
        if until is not None and not isinstance(until, datetime):  # an aggregate: no column type applied
            until = datetime.fromisoformat(str(until))
        if until is not None and until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        return LineHistory(open_id, int(after_sale), int(grants), int(refunded), until)

    def add(self, outcome: Outcome) -> None:
        conn = self.uow.conn
        try:
            if self.uow.dialect == "postgresql":
                # A savepoint, so the unique-index race below leaves the transaction usable.
                with conn.begin_nested():
                    conn.execute(_CASE_INSERT, case_to_row(outcome.case))
            else:
                conn.execute(_CASE_INSERT, case_to_row(outcome.case))
        except IntegrityError as exc:
            msg = str(exc.orig)
            if "uq_cases_open_per_line" in msg or "cases.order_id, cases.line_id" in msg:
                raise errors.CaseAlreadyOpen(
                    "another case on this line was opened at the same time", "该商品刚刚已有其他售后申请"
                ) from exc
            raise
        self._write_rest(outcome)

    def update(self, outcome: Outcome, expected_version: int) -> None:
        row = case_to_row(outcome.case)
        before = self.uow.seen_cases.get(outcome.case.id, {})
        cols = tuple(name for name in _CASE_UPDATE_COLS if name not in before or before[name] != row[name])
        params = {name: row[name] for name in cols}
        params["b_id"], params["b_version"] = outcome.case.id, expected_version
        res = self.uow.conn.execute(_case_update(cols), params)
        if res.rowcount != 1:
            raise errors.VersionConflict(
                "the case changed while this action was being applied; reload and retry",
                "售后单已被他人更新,请刷新后重试",
            )
        self._write_rest(outcome)

    def _write_rest(self, outcome: Outcome) -> None:
        conn, case = self.uow.conn, outcome.case
        conn.execute(_EVENT_INSERT, event_to_row(outcome.event))
        if not outcome.rearmed:
            pass
        elif case.deadline is None or case.deadline_action is None:
            conn.execute(_TIMER_DELETE, {"id": case.id})
        else:
            self.uow.upsert(
                t.timers,
                {"case_id": case.id, "entry": case.entry, "due_at": case.deadline, "action": case.deadline_action,
                 "lease_owner": None, "lease_until": None},
                ["case_id"],
                ["entry", "due_at", "action", "lease_owner", "lease_until"],
            )
        if outcome.payouts:
            conn.execute(_PAYOUT_INSERT, [_payout_row(p, outcome.event.at) for p in outcome.payouts])

    # --- reads for the API ---

    def events(self, case_id: str, after_seq: int, limit: int) -> list[Event]:
        rows = self.uow.conn.execute(
            select(t.case_events)
            .where(t.case_events.c.case_id == case_id, t.case_events.c.seq > after_seq)
            .order_by(t.case_events.c.seq)
            .limit(limit)
        ).all()
        return [row_to_event(r) for r in rows]

    def page(
        self, *, before_seq: int | None, limit: int, status: str | None = None, store_id: str | None = None,
        buyer_id: str | None = None,
    ) -> list[tuple[int, Case]]:
        q = select(t.cases).order_by(t.cases.c.seq.desc()).limit(limit)
        if before_seq is not None:
            q = q.where(t.cases.c.seq < before_seq)
        if status is not None:
            q = q.where(t.cases.c.status == status)
        if store_id is not None:
            q = q.where(t.cases.c.store_id == store_id)
        if buyer_id is not None:
            q = q.where(t.cases.c.buyer_id == buyer_id)
        return [(r.seq, row_to_case(r)) for r in self.uow.conn.execute(q).all()]

    def in_review(self) -> list[Case]:
        rows = self.uow.conn.execute(
            select(t.cases).where(t.cases.c.status == Status.PLATFORM_REVIEW.value).order_by(t.cases.c.status_since)
        ).all()
        return [row_to_case(r) for r in rows]


def _payout_row(p: PayoutRequest, at: datetime) -> dict[str, Any]:
    return {"case_id": p.case_id, "kind": p.kind, "amount": p.amount, "key": p.key, "state": "pending",
            "requested_at": at, "attempts": 0}


# --- timers and payouts ---


class SqlTimers:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def claim_due(self, now: datetime, owner: str, lease_until: datetime, lease_now: datetime,
                  limit: int) -> list[DueTimer]:
        c = t.timers.c
        sub = (
            select(c.case_id)
            .where(c.due_at <= now, (c.lease_until.is_(None)) | (c.lease_until < lease_now))
            .order_by(c.due_at)
            .limit(limit)
        )
        if self.uow.dialect == "postgresql":
            sub = sub.with_for_update(skip_locked=True)
        rows = self.uow.conn.execute(
            update(t.timers)
            .where(c.case_id.in_(sub.scalar_subquery()))
            .values(lease_owner=owner, lease_until=lease_until)
            .returning(c.case_id, c.entry, c.due_at, c.action)
        ).all()
        return [DueTimer(r.case_id, r.entry, r.due_at, r.action) for r in rows]

    def discard(self, timer: DueTimer) -> None:
        self.uow.conn.execute(
            delete(t.timers).where(t.timers.c.case_id == timer.case_id, t.timers.c.entry == timer.entry)
        )


_p = t.payouts.c
_PAYOUT_COLS = (_p.id, _p.case_id, _p.kind, _p.amount, _p.key, _p.state, _p.requested_at)
_PAYOUTS_PENDING = (
    select(*_PAYOUT_COLS)
    .where(_p.state == "pending", _p.lease_until.is_(None) | (_p.lease_until < bindparam("lease_now")))
    .order_by(_p.id)
    .limit(bindparam("limit"))
)
_PAYOUT_GET = select(*_PAYOUT_COLS).where(_p.key == bindparam("k"))
_PAYOUT_GET_LOCKED = _PAYOUT_GET.with_for_update()
_PAYOUT_MARK = update(t.payouts).where(_p.key == bindparam("k")).values(
    state=bindparam("state"), reference=bindparam("ref"), settled_at=bindparam("at"), lease_owner=None,
    lease_until=None,
)
_PAYOUT_DEFER = update(t.payouts).where(_p.key == bindparam("k")).values(
    lease_owner=bindparam("owner"), lease_until=bindparam("until"), attempts=_p.attempts + 1,
)


class SqlPayouts:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def pending(self, lease_now: datetime, limit: int) -> list[Payout]:
        rows = self.uow.conn.execute(_PAYOUTS_PENDING, {"lease_now": lease_now, "limit": limit}).all()
        return [Payout(*r) for r in rows]

    def defer(self, key: str, owner: str, lease_until: datetime) -> None:
        self.uow.conn.execute(_PAYOUT_DEFER, {"k": key, "owner": owner, "until": lease_until})

    def get(self, key: str) -> Payout | None:
        q = _PAYOUT_GET_LOCKED if self.uow.writing and self.uow.dialect == "postgresql" else _PAYOUT_GET
        row = self.uow.conn.execute(q, {"k": key}).first()
        return None if row is None else Payout(*row)

    def mark(self, key: str, state: str, reference: str, settled_at: datetime | None) -> None:
        self.uow.conn.execute(_PAYOUT_MARK, {"k": key, "state": state, "ref": reference, "at": settled_at})



def _utcnow() -> datetime:
    """Bookkeeping time (created_at, recorded_at): always the real clock, never a test clock."""
    return datetime.now(UTC)


class SqlEvidence:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def add(self, item: EvidenceItem, content: bytes) -> None:
        self.uow.conn.execute(insert(t.evidence).values(
            id=item.id, case_id=item.case_id, kind=item.kind, sha256=item.sha256, content_type=item.content_type,
            size=item.size, filename=item.filename, content=content, uploaded_by_role=item.uploaded_by.role.value,
            uploaded_by=item.uploaded_by.id, created_at=item.created_at,
        ))

    def _item(self, r: Any) -> EvidenceItem:
        return EvidenceItem(r.id, r.case_id, r.kind, r.sha256, r.content_type, r.size, r.filename,
                            Actor(Role(r.uploaded_by_role), r.uploaded_by), r.created_at)

    def get(self, evidence_id: str) -> EvidenceItem | None:
        cols = [c for c in t.evidence.c if c.name != "content"]
        row = self.uow.conn.execute(select(*cols).where(t.evidence.c.id == evidence_id)).first()
        return None if row is None else self._item(row)

    def content(self, evidence_id: str) -> bytes | None:
        value: bytes | None = self.uow.conn.execute(
            select(t.evidence.c.content).where(t.evidence.c.id == evidence_id)).scalar()
        return value

    def usable(self, ids: list[str], actor: Actor, case_id: str | None) -> set[str]:
        e = t.evidence.c
        mine_unattached = e.case_id.is_(None) & (e.uploaded_by == actor.id) & (e.uploaded_by_role == actor.role.value)
        cond = mine_unattached if case_id is None else (mine_unattached | (e.case_id == case_id))
        rows = self.uow.conn.execute(select(e.id).where(e.id.in_(ids), cond)).all()
        return {r.id for r in rows}

    def attach(self, ids: list[str], case_id: str) -> None:
        e = t.evidence.c
        self.uow.conn.execute(update(t.evidence).where(e.id.in_(ids), e.case_id.is_(None)).values(case_id=case_id))

    def for_case(self, case_id: str) -> list[EvidenceItem]:
        cols = [c for c in t.evidence.c if c.name != "content"]
        rows = self.uow.conn.execute(
            select(*cols).where(t.evidence.c.case_id == case_id).order_by(t.evidence.c.created_at, t.evidence.c.id)
        ).all()
        return [self._item(r) for r in rows]


class SqlMessages:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def add(self, msg: Message) -> int:
        res = self.uow.conn.execute(insert(t.messages).values(
            case_id=msg.case_id, author_role=msg.author.role.value, author_id=msg.author.id, text=msg.text,
            created_at=msg.created_at,
        ).returning(t.messages.c.id))
        return int(res.scalar_one())

    def for_case(self, case_id: str, after_id: int, limit: int) -> list[Message]:
        rows = self.uow.conn.execute(
            select(t.messages).where(t.messages.c.case_id == case_id, t.messages.c.id > after_id)
            .order_by(t.messages.c.id).limit(limit)
        ).all()
        return [Message(r.id, r.case_id, Actor(Role(r.author_role), r.author_id), r.text, r.created_at) for r in rows]


# --- HTTP bookkeeping: idempotency keys and tokens ---


@dataclass(frozen=True, slots=True)
class StoredResponse:
    fingerprint: str
    status_code: int
    body: bytes
    headers: dict[str, str]


class SqlIdempotency:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def get(self, principal: str, key: str) -> StoredResponse | None:
        k = t.idempotency_keys.c
        row = self.uow.conn.execute(
            select(k.fingerprint, k.status_code, k.body, k.headers).where(k.principal == principal, k.key == key)
        ).first()
        return None if row is None else StoredResponse(row.fingerprint, row.status_code, bytes(row.body),
                                                       dict(row.headers))

    def put(self, principal: str, key: str, stored: StoredResponse) -> None:
        self.uow.conn.execute(insert(t.idempotency_keys).values(
            principal=principal, key=key, fingerprint=stored.fingerprint, status_code=stored.status_code,
            body=stored.body, headers=stored.headers, created_at=_utcnow(),
        ))

    def purge(self, before: datetime) -> int:
        res = self.uow.conn.execute(delete(t.idempotency_keys).where(t.idempotency_keys.c.created_at < before))
        return int(res.rowcount or 0)


class SqlTokens:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def create(self, token_hash: str, role: str, subject: str) -> None:
        self.uow.conn.execute(insert(t.tokens).values(
            token_hash=token_hash, role=role, subject=subject, created_at=_utcnow()))

    def lookup(self, token_hash: str) -> tuple[str, str] | None:
        k = t.tokens.c
        row = self.uow.conn.execute(
            select(k.role, k.subject).where(k.token_hash == token_hash, k.revoked_at.is_(None))
        ).first()
        return None if row is None else (row.role, row.subject)


class SqlReopenings:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def add(self, reopening: Reopening) -> None:
        self.uow.conn.execute(insert(t.line_reopenings).values(
            order_id=reopening.order_id, line_id=reopening.line_id, granted_at=reopening.granted_at,
            until=reopening.until, days=reopening.days, granted_by_role=reopening.granted_by.role.value,
            granted_by=reopening.granted_by.id, note=reopening.note))

    def for_line(self, order_id: str, line_id: str) -> list[Reopening]:
        r = t.line_reopenings.c
        rows = self.uow.conn.execute(
            select(t.line_reopenings).where(r.order_id == order_id, r.line_id == line_id).order_by(r.id)).all()
        return [Reopening(x.order_id, x.line_id, x.granted_at, x.until, x.days,
                          Actor(Role(x.granted_by_role), x.granted_by), x.note) for x in rows]
