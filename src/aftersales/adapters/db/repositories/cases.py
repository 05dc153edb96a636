"""Cases and their append-only history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, bindparam, cast, func, insert, or_, select, text, tuple_, update
from sqlalchemy import case as sql_case
from sqlalchemy.exc import IntegrityError

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.adapters.db.rows import case_to_row, event_to_row, row_to_case, row_to_event
from aftersales.domain import errors
from aftersales.domain.eligibility import LineHistory
from aftersales.domain.model import Case, Event, Phase, Reason
from aftersales.services.values import Listed

_c = t.cases.c
_CASE_GET = select(t.cases).where(_c.id == bindparam("id"))
_CASE_GET_LOCKED = _CASE_GET.with_for_update()
# The open statuses as literal SQL: an IN list of bound values is expanded on every call.
_IS_OPEN = text("status NOT IN ('completed', 'closed')")
_r = t.line_reopenings.c
_REOPEN_OF_LINE = (_r.order_id == bindparam("o")) & (_r.line_id == bindparam("l"))
# Appeals and requests to reopen are second looks, not claims: they use no attempt.
_LINE_HISTORY = select(
    func.max(sql_case((_IS_OPEN, _c.id), else_=None)),
    func.coalesce(func.sum(sql_case(((_c.phase == Phase.AFTER_SALE.value) & (_c.kind == "dispute"), 1), else_=0)), 0),
    func.coalesce(func.sum(_c.refunded), 0),
    select(func.count()).where(_REOPEN_OF_LINE).scalar_subquery(),
    select(func.max(_r.until)).where(_REOPEN_OF_LINE).scalar_subquery(),
    func.count(_c.ruled_at),
    func.coalesce(func.sum(sql_case((_c.kind == "reopening", 1), else_=0)), 0),
    # The reason of the reopening that ends last: the one in force.
    select(_r.reason).where(_REOPEN_OF_LINE).order_by(_r.until.desc(), _r.id.desc()).limit(1).scalar_subquery(),
).where(_c.order_id == bindparam("o"), _c.line_id == bindparam("l"), _c.id != bindparam("x"))
_ORDER_REFUNDED = select(func.coalesce(func.sum(_c.refunded), 0)).where(
    _c.order_id == bindparam("o"), _c.id != bindparam("x"))
_CASE_INSERT = insert(t.cases)
_EVENT_INSERT = insert(t.case_events)
_CASE_UPDATE_COLS = tuple(c.name for c in t.cases.c if c.name not in ("seq", "id"))
_CASE_UPDATES: dict[tuple[str, ...], Any] = {}


def _case_update(cols: tuple[str, ...]) -> Any:
    """The UPDATE of exactly these columns, built once per set: an action changes a
    handful of the case's columns, and writing only those is cheaper on every engine."""
    stmt = _CASE_UPDATES.get(cols)
    if stmt is None:
        stmt = _CASE_UPDATES[cols] = (
            update(t.cases)
            .where(_c.id == bindparam("b_id"), _c.version == bindparam("b_version"))
            .values({name: bindparam(name) for name in cols})
        )
    return stmt


def _aware(value: Any) -> datetime | None:
    """An aggregate's time: no column type is applied to it, so the engine's raw value."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


class SqlCases(Repository):
    def get(self, case_id: str) -> Case | None:
        # On PostgreSQL concurrent actions on one case queue on the row lock instead of conflicting.
        q = _CASE_GET_LOCKED if self.tx.writing and self.tx.dialect == "postgresql" else _CASE_GET
        row = self.tx.conn.execute(q, {"id": case_id}).first()
        if row is None:
            return None
        if self.tx.writing:
            self.tx.seen_cases[case_id] = row._asdict()
        return row_to_case(row)

    def add(self, case: Case) -> None:
        conn = self.tx.conn
        try:
            if self.tx.dialect == "postgresql":
                # A savepoint, so the unique-index race below leaves the transaction usable.
                with conn.begin_nested():
                    conn.execute(_CASE_INSERT, case_to_row(case))
            else:
                conn.execute(_CASE_INSERT, case_to_row(case))
        except IntegrityError as exc:
            msg = str(exc.orig)
            if "uq_cases_open_per_line" in msg or "cases.order_id, cases.line_id" in msg:
                raise errors.CaseAlreadyOpen(
                    "another case on this line was opened at the same time", "该商品刚刚已有其他售后申请"
                ) from exc
            raise

    def update(self, case: Case, expected_version: int) -> None:
        row = case_to_row(case)
        before = self.tx.seen_cases.get(case.id, {})
        cols = tuple(name for name in _CASE_UPDATE_COLS if name not in before or before[name] != row[name])
        params = {name: row[name] for name in cols}
        params["b_id"], params["b_version"] = case.id, expected_version
        res = self.tx.conn.execute(_case_update(cols), params)
        if res.rowcount != 1:
            raise errors.VersionConflict(
                "the case changed while this action was being applied; reload and retry",
                "售后单已被他人更新,请刷新后重试",
            )
        self.tx.seen_cases[case.id] = row

    def append(self, event: Event) -> None:
        self.tx.conn.execute(_EVENT_INSERT, event_to_row(event))

    def events(self, case_id: str, after_seq: int, limit: int) -> list[Event]:
        e = t.case_events.c
        found = self.tx.conn.execute(
            select(t.case_events).where(e.case_id == case_id, e.seq > after_seq).order_by(e.seq).limit(limit)
        ).all()
        return [row_to_event(r) for r in found]

    def line_history(self, order_id: str, line_id: str, exclude_case: str | None = None) -> LineHistory:
        open_id, after_sale, refunded, grants, until, ruled, reopenings, reason = self.tx.conn.execute(
            _LINE_HISTORY, {"o": order_id, "l": line_id, "x": exclude_case or ""}
        ).one()
        return LineHistory(open_id, int(after_sale), int(grants), int(refunded), _aware(until), int(ruled),
                           int(reopenings), Reason(reason) if reason else None)

    def order_refunded(self, order_id: str, exclude_case: str | None = None) -> int:
        return int(self.tx.conn.execute(_ORDER_REFUNDED, {"o": order_id, "x": exclude_case or ""}).scalar_one())

    def page(self, *, buyer_id: str | None, store_id: str | None, status: str | None, before_seq: int | None,
             limit: int) -> list[tuple[int, Case]]:
        q = select(t.cases).order_by(_c.seq.desc()).limit(limit)
        if before_seq is not None:
            q = q.where(_c.seq < before_seq)
        if status is not None:
            q = q.where(_c.status == status)
        if store_id is not None:
            q = q.where(_c.store_id == store_id)
        if buyer_id is not None:
            q = q.where(_c.buyer_id == buyer_id)
        return [(r.seq, row_to_case(r)) for r in self.tx.conn.execute(q).all()]

    def workbench(self, *, store_id: str, statuses: Sequence[str], case_type: str | None, assignee: str | None,
                  order_id: str | None, after: tuple[datetime, int] | None, limit: int,
                  due_by: datetime | None = None) -> list[tuple[int, Case]]:
        q = (select(t.cases).where(_c.store_id == store_id, _c.status.in_(statuses), _c.deadline.is_not(None))
             .order_by(_c.deadline, _c.seq).limit(limit))
        if due_by is not None:
            q = q.where(_c.deadline <= bindparam("due_by", value=due_by, type_=t.UTCDateTime))
        if case_type is not None:
            q = q.where(_c.type == case_type)
        if assignee is not None:
            q = q.where(_c.assignee == assignee) if assignee else q.where(_c.assignee.is_(None))
        if order_id is not None:
            q = q.where(_c.order_id == order_id)
        params: dict[str, Any] = {}
        if after is not None:
            q = q.where(tuple_(_c.deadline, _c.seq) > tuple_(bindparam("due", type_=t.UTCDateTime), after[1]))
            params["due"] = after[0]
        return [(r.seq, row_to_case(r)) for r in self.tx.conn.execute(q, params).all()]

    def store_counts(self, store_id: str, statuses: Sequence[str], now: datetime) -> tuple[dict[str, int], int]:
        late = sql_case((_c.deadline <= bindparam("now", value=now, type_=t.UTCDateTime), 1), else_=0)
        found = self.tx.conn.execute(
            select(_c.status, func.count(), func.coalesce(func.sum(late), 0))
            .where(_c.store_id == store_id, _c.status.in_(statuses), _c.deadline.is_not(None))
            .group_by(_c.status)).all()
        return {str(status): int(n) for status, n, _ in found}, sum(int(overdue) for _, _, overdue in found)

    def search(self, *, store_id: str | None, text: str, limit: int) -> list[Case]:
        # A tracking number is a whole value of the parcel's JSON, as both engines print it.
        quoted = f'"tracking_no": {json.dumps(text)}'
        where = or_(_c.order_id == text, _c.buyer_id == text, _c.id == text,
                    *((_c.id.endswith(text.upper(), autoescape=True),) if len(text) >= 6 else ()),
                    cast(_c.return_shipment, String).contains(quoted, autoescape=True),
                    cast(_c.replacement_shipment, String).contains(quoted, autoescape=True))
        q = select(t.cases).where(where).order_by(_c.seq.desc()).limit(limit)
        if store_id is not None:
            q = q.where(_c.store_id == store_id)
        return [row_to_case(r) for r in self.tx.conn.execute(q).all()]

    def listed(self, case_ids: Sequence[str]) -> dict[str, Listed]:
        if not case_ids:
            return {}
        ev, ol = t.evidence.c, t.order_lines.c
        photo = (select(func.min(ev.id)).where(ev.case_id == _c.id, ev.content_type.like("image/%"))
                 .scalar_subquery())
        line = (ol.order_id == _c.order_id) & (ol.line_id == _c.line_id)
        found = self.tx.conn.execute(
            select(_c.id, ol.title, photo).join(t.order_lines, line).where(_c.id.in_(list(case_ids)))).all()
        return {case_id: Listed(title, photo_id) for case_id, title, photo_id in found}

    def status_counts(self) -> dict[str, int]:
        found = self.tx.conn.execute(select(_c.status, func.count()).group_by(_c.status)).all()
        return {str(status): int(n) for status, n in found}

    def system_actions_since(self, since: datetime, actions: Sequence[str]) -> list[datetime]:
        e = t.case_events.c
        found = self.tx.conn.execute(select(e.at).where(e.actor_role == "system", e.action.in_(actions),
                                                        e.at >= since)).scalars().all()
        return [_aware(at) or at for at in found]

    def provisional_open(self) -> int:
        return int(self.tx.conn.execute(select(func.count()).select_from(t.cases).where(
            _c.deadline_provisional.is_(True), _c.status.not_in(("completed", "closed")))).scalar_one())

    def queue(self, *, after: tuple[datetime, int] | None, limit: int, now: datetime, status: str | None = None,
              store_id: str | None = None, breached: bool | None = None, agent: str | None = None,
              kind: str | None = None) -> list[tuple[int, Case]]:
        # ``sla_due IS NOT NULL`` lets the partial indexes of the queue (one per filter) serve it.
        q = select(t.cases).where(_c.sla_due.is_not(None)).order_by(_c.sla_due, _c.seq).limit(limit)
        params: dict[str, Any] = {}
        for column, value in ((_c.status, status), (_c.store_id, store_id), (_c.kind, kind)):
            if value is not None:
                q = q.where(column == value)
        if agent is not None:
            q = q.where(_c.agent == agent) if agent else q.where(_c.agent.is_(None))
        if breached is not None:
            q = q.where(_c.sla_due <= bindparam("now", type_=t.UTCDateTime) if breached
                        else _c.sla_due > bindparam("now", type_=t.UTCDateTime))
            params["now"] = now
        if after is not None:
            q = q.where(tuple_(_c.sla_due, _c.seq) > tuple_(bindparam("due", type_=t.UTCDateTime), after[1]))
            params["due"] = after[0]
        return [(r.seq, row_to_case(r)) for r in self.tx.conn.execute(q, params).all()]
