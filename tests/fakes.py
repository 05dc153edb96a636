"""In-memory fakes of the ports, for service tests that run in milliseconds.

The fake unit of work keeps its data in dicts and makes a transaction all or
nothing by snapshotting on begin and restoring on error, which is what the
services rely on. The same tests of the state machine also run against SQLite
and PostgreSQL (tests/integration), and the API runs on it too, so the fake
cannot drift unnoticed.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from aftersales.domain import errors
from aftersales.domain.eligibility import LineHistory
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.model import Actor, Case, DueTimer, Event, Message, Order, Phase, Reopening
from aftersales.domain.payouts import Payout, PayoutRequest
from aftersales.domain.stores import Store, StorePolicy
from aftersales.domain.timecalc import YearData
from aftersales.domain.webhooks import Endpoint
from aftersales.services.values import FailedSignIns, Listed, StoredReply, TokenRecord, User
from aftersales.services.webhooks.values import (
    Attempt,
    Delivery,
    DueDelivery,
    NewEvent,
    SendResult,
    StoredEvent,
    Unsent,
)


@dataclass
class _Data:
    stores: dict[str, Store] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    timers: dict[str, dict[str, Any]] = field(default_factory=dict)
    payouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    evidence: dict[str, tuple[EvidenceItem, bytes | None]] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    reopenings: list[Reopening] = field(default_factory=list)
    reads: dict[tuple[str, str], datetime] = field(default_factory=dict)
    replies: dict[tuple[str, str], tuple[StoredReply, datetime]] = field(default_factory=dict)
    tokens: dict[int, tuple[str, TokenRecord]] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    failures: list[tuple[str, str, datetime]] = field(default_factory=list)
    clock: datetime | None = None
    years: dict[int, YearData] = field(default_factory=dict)
    outbox: list[StoredEvent] = field(default_factory=list)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    deliveries: dict[int, dict[str, Any]] = field(default_factory=dict)
    targets: dict[int, str | None] = field(default_factory=dict)
    fanned_out: int = 0


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.data = _Data()
        self._depth = 0
        self._lock = threading.RLock()  # one transaction at a time, as SQLite's writer lock
        self.commits = 0
        self.stores = _Stores(self)
        self.orders = _Orders(self)
        self.cases = _Cases(self)
        self.timers = _Timers(self)
        self.payouts = _Payouts(self)
        self.evidence = _Evidence(self)
        self.messages = _Messages(self)
        self.reopenings = _Reopenings(self)
        self.idempotency = _Idempotency(self)
        self.tokens = _Tokens(self)
        self.users = _Users(self)
        self.system = _System(self)
        self.outbox = _Outbox(self)
        self.webhooks = _Webhooks(self)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                yield
                return
            snapshot = copy.deepcopy(self.data)
            self._depth += 1
            try:
                yield
            except BaseException:
                self.data = snapshot
                raise
            finally:
                self._depth -= 1
            self.commits += 1

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._lock:
            yield

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        snapshot = copy.deepcopy(self.data)
        try:
            yield
        except BaseException:
            self.data = snapshot
            raise

    def writable(self, timeout: float) -> bool:
        return True


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def d(self) -> _Data:
        return self.uow.data


class _Stores(_Repo):
    def get(self, store_id: str) -> Store | None:
        s = self.d.stores.get(store_id)
        return None if s is None else replace(s)

    def upsert(self, store: Store) -> bool:
        old = self.d.stores.get(store.id)
        self.d.stores[store.id] = replace(store, policy=old.policy if old else None)
        return old is None

    def all(self, limit: int) -> list[Store]:
        return [self.d.stores[k] for k in sorted(self.d.stores)][:limit]

    def set_policy(self, store_id: str, policy: StorePolicy | None) -> None:
        self.d.stores[store_id] = replace(self.d.stores[store_id], policy=policy)


class _Orders(_Repo):
    def get(self, order_id: str) -> Order | None:
        o = self.d.orders.get(order_id)
        return None if o is None else copy.deepcopy(o)

    def upsert(self, order: Order) -> bool:
        created = order.id not in self.d.orders
        self.d.orders[order.id] = copy.deepcopy(order)
        return created

    def of_buyer(self, buyer_id: str, before: tuple[datetime, str] | None, limit: int) -> list[Order]:
        mine = sorted((o for o in self.d.orders.values() if o.buyer_id == buyer_id),
                      key=lambda o: (o.paid_at, o.id), reverse=True)
        return [copy.deepcopy(o) for o in mine if before is None or (o.paid_at, o.id) < before][:limit]


class _Cases(_Repo):
    def get(self, case_id: str) -> Case | None:
        c = self.d.cases.get(case_id)
        return None if c is None else copy.deepcopy(c)

    def add(self, case: Case) -> None:
        if any(o.open and (o.order_id, o.line_id) == (case.order_id, case.line_id) for o in self.d.cases.values()):
            raise errors.CaseAlreadyOpen("another open case", "已有售后")
        self.d.cases[case.id] = copy.deepcopy(case)
        self.d.seqs[case.id] = len(self.d.seqs) + 1

    def update(self, case: Case, expected_version: int) -> None:
        cur = self.d.cases.get(case.id)
        if cur is None or cur.version != expected_version:
            raise errors.VersionConflict("changed", "已更新")
        self.d.cases[case.id] = copy.deepcopy(case)

    def append(self, event: Event) -> None:
        self.d.events.append(event)

    def events(self, case_id: str, after_seq: int = 0, limit: int = 1000) -> list[Event]:
        return [e for e in self.d.events if e.case_id == case_id and e.seq > after_seq][:limit]

    def line_history(self, order_id: str, line_id: str, exclude_case: str | None = None) -> LineHistory:
        mine = [c for c in self.d.cases.values()
                if c.order_id == order_id and c.line_id == line_id and c.id != exclude_case]
        open_ids = [c.id for c in mine if c.open]
        grants = [g for g in self.d.reopenings if (g.order_id, g.line_id) == (order_id, line_id)]
        return LineHistory(
            max(open_ids) if open_ids else None,
            sum(1 for c in mine if c.phase is Phase.AFTER_SALE and c.kind == "dispute"),
            len(grants),
            sum(c.refunded for c in mine),
            max((g.until for g in grants), default=None),
            sum(1 for c in mine if c.ruling is not None),
            sum(1 for c in mine if c.kind == "reopening"),
            max(enumerate(grants), key=lambda ig: (ig[1].until, ig[0]))[1].reason if grants else None,
        )

    def order_refunded(self, order_id: str, exclude_case: str | None = None) -> int:
        return sum(c.refunded for c in self.d.cases.values() if c.order_id == order_id and c.id != exclude_case)

    def page(self, *, buyer_id: str | None, store_id: str | None, status: str | None, before_seq: int | None,
             limit: int) -> list[tuple[int, Case]]:
        rows = sorted(((self.d.seqs[c.id], c) for c in self.d.cases.values()), key=lambda x: -x[0])
        rows = [(s, copy.deepcopy(c)) for s, c in rows
                if (before_seq is None or s < before_seq) and (status is None or c.status.value == status)
                and (store_id is None or c.store_id == store_id) and (buyer_id is None or c.buyer_id == buyer_id)]
        return rows[:limit]

    def workbench(self, *, store_id: str, statuses: Sequence[str], case_type: str | None, assignee: str | None,
                  order_id: str | None, after: tuple[datetime, int] | None, limit: int,
                  due_by: datetime | None = None) -> list[tuple[int, Case]]:
        rows = sorted(((c.deadline, self.d.seqs[c.id], c) for c in self.d.cases.values()
                       if c.store_id == store_id and c.status.value in statuses and c.deadline is not None
                       and (due_by is None or c.deadline <= due_by)
                       and (case_type is None or c.type.value == case_type)
                       and (assignee is None or c.assignee == (assignee or None))
                       and (order_id is None or c.order_id == order_id)), key=lambda x: (x[0], x[1]))
        return [(s, copy.deepcopy(c)) for due, s, c in rows if after is None or (due, s) > after][:limit]

    def store_counts(self, store_id: str, statuses: Sequence[str], now: datetime) -> tuple[dict[str, int], int]:
        mine = [c for c in self.d.cases.values()
                if c.store_id == store_id and c.status.value in statuses and c.deadline is not None]
        counts: dict[str, int] = {}
        for case in mine:
            counts[case.status.value] = counts.get(case.status.value, 0) + 1
        return counts, sum(1 for c in mine if c.deadline is not None and c.deadline <= now)

    def search(self, *, store_id: str | None, text: str, limit: int) -> list[Case]:
        def hit(c: Case) -> bool:
            parcels = [x.tracking_no for x in (c.return_shipment, c.replacement_shipment) if x is not None]
            return (text in (c.order_id, c.buyer_id, c.id) or (len(text) >= 6 and c.id.endswith(text.upper()))
                    or text in parcels)

        found = sorted((c for c in self.d.cases.values() if (store_id is None or c.store_id == store_id) and hit(c)),
                       key=lambda c: -self.d.seqs[c.id])
        return [copy.deepcopy(c) for c in found[:limit]]

    def listed(self, case_ids: Sequence[str]) -> dict[str, Listed]:
        out = {}
        for case_id in case_ids:
            case = self.d.cases[case_id]
            line = self.d.orders[case.order_id].line(case.line_id)
            photos = sorted(i.id for i, _ in self.d.evidence.values()
                            if i.case_id == case_id and i.content_type.startswith("image/"))
            out[case_id] = Listed(line.title if line else "", photos[0] if photos else None)
        return out

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for case in self.d.cases.values():
            counts[case.status.value] = counts.get(case.status.value, 0) + 1
        return counts

    def system_actions_since(self, since: datetime, actions: Sequence[str]) -> list[datetime]:
        return [e.at for e in self.d.events if e.actor.role.value == "system" and e.action in actions and e.at >= since]

    def provisional_open(self) -> int:
        return sum(1 for c in self.d.cases.values() if c.deadline_provisional and c.open)

    def queue(self, *, after: tuple[datetime, int] | None, limit: int, now: datetime, status: str | None = None,
              store_id: str | None = None, breached: bool | None = None, agent: str | None = None,
              kind: str | None = None) -> list[tuple[int, Case]]:
        def wanted(c: Case) -> bool:
            assert c.sla_due is not None
            return ((status is None or c.status.value == status) and (store_id is None or c.store_id == store_id)
                    and (kind is None or c.kind == kind) and (agent is None or c.agent == (agent or None))
                    and (breached is None or (c.sla_due <= now) is breached))

        rows = sorted(((c.sla_due, self.d.seqs[c.id], c) for c in self.d.cases.values()
                       if c.sla_due is not None and wanted(c)), key=lambda x: (x[0], x[1]))
        return [(s, copy.deepcopy(c)) for due, s, c in rows if after is None or (due, s) > after][:limit]


class _Timers(_Repo):
    def arm(self, timer: DueTimer) -> None:
        self.d.timers[timer.case_id] = {"entry": timer.entry, "due_at": timer.due_at, "action": timer.action,
                                        "lease_until": None}

    def clear(self, case_id: str) -> None:
        self.d.timers.pop(case_id, None)

    def claim_due(self, now: datetime, owner: str, lease_until: datetime, lease_now: datetime,
                  limit: int) -> list[DueTimer]:
        due = sorted(
            ((cid, t) for cid, t in self.d.timers.items()
             if t["due_at"] <= now and (t["lease_until"] is None or t["lease_until"] < lease_now)),
            key=lambda x: x[1]["due_at"],
        )[:limit]
        for _, t in due:
            t["lease_until"] = lease_until
        return [DueTimer(cid, t["entry"], t["due_at"], t["action"]) for cid, t in due]

    def discard(self, timer: DueTimer) -> None:
        t = self.d.timers.get(timer.case_id)
        if t is not None and t["entry"] == timer.entry:
            del self.d.timers[timer.case_id]


class _Payouts(_Repo):
    def _payout(self, p: dict[str, Any]) -> Payout:
        return Payout(p["id"], p["case_id"], p["kind"], p["amount"], p["key"], p["state"], p["requested_at"],
                      p.get("attempts", 0))

    def add(self, payouts: Sequence[PayoutRequest], at: datetime) -> None:
        for p in payouts:
            if p.key in self.d.payouts:
                raise AssertionError(f"payout key {p.key} written twice")
            self.d.payouts[p.key] = {"id": len(self.d.payouts) + 1, "case_id": p.case_id, "kind": p.kind,
                                     "amount": p.amount, "key": p.key, "state": "pending", "requested_at": at,
                                     "lease_until": None}

    def claim(self, lease_now: datetime, owner: str, lease_until: datetime, limit: int) -> list[Payout]:
        found = [p for p in sorted(self.d.payouts.values(), key=lambda p: p["id"])
                 if p["state"] == "pending" and (p["lease_until"] is None or p["lease_until"] < lease_now)][:limit]
        for p in found:
            p.update(lease_until=lease_until, attempts=p.get("attempts", 0) + 1)
        return [self._payout(p) for p in found]

    def defer(self, key: str, owner: str, lease_until: datetime) -> None:
        self.d.payouts[key]["lease_until"] = lease_until

    def get(self, key: str) -> Payout | None:
        p = self.d.payouts.get(key)
        return None if p is None else self._payout(p)

    def for_case(self, case_id: str) -> list[Payout]:
        return [self._payout(p) for p in sorted(self.d.payouts.values(), key=lambda p: p["id"])
                if p["case_id"] == case_id]

    def mark(self, key: str, state: str, reference: str, settled_at: datetime | None) -> None:
        self.d.payouts[key].update(state=state, reference=reference, settled_at=settled_at, lease_until=None)


class _Evidence(_Repo):
    def add(self, item: EvidenceItem) -> None:
        self.d.evidence[item.id] = (item, None)

    def get(self, evidence_id: str) -> EvidenceItem | None:
        x = self.d.evidence.get(evidence_id)
        return None if x is None else x[0]

    def content(self, evidence_id: str) -> bytes | None:
        x = self.d.evidence.get(evidence_id)
        return None if x is None else x[1]

    def for_case(self, case_id: str) -> list[EvidenceItem]:
        return [i for i, _ in self.d.evidence.values() if i.case_id == case_id]

    def usable(self, ids: list[str], actor: Actor, case_id: str | None) -> set[str]:
        return {i.id for i, _ in self.d.evidence.values()
                if i.id in ids and ((i.case_id is None and i.uploaded_by == actor) or
                                    (case_id is not None and i.case_id == case_id))}

    def attach(self, ids: list[str], case_id: str) -> None:
        for eid in ids:
            item, content = self.d.evidence[eid]
            if item.case_id is None:
                self.d.evidence[eid] = (replace(item, case_id=case_id), content)


class _Messages(_Repo):
    def add(self, msg: Message) -> int:
        msg_id = len(self.d.messages) + 1
        self.d.messages.append(replace(msg, id=msg_id))
        return msg_id

    def for_case(self, case_id: str, after_id: int, limit: int, notes: bool = False) -> list[Message]:
        return [m for m in self.d.messages
                if m.case_id == case_id and m.id > after_id and (notes or m.kind != "note")][:limit]

    def seen(self, reader: str, case_ids: Sequence[str]) -> dict[str, datetime]:
        return {k: v for (who, k), v in self.d.reads.items() if who == reader and k in case_ids}

    def mark_seen(self, reader: str, case_id: str, at: datetime) -> None:
        self.d.reads[(reader, case_id)] = at

    def last_from_others(self, case_ids: Sequence[str], role: str) -> dict[str, datetime]:
        out: dict[str, datetime] = {}
        for m in self.d.messages:
            if m.case_id in case_ids and m.author.role.value != role and m.kind == "party":
                out[m.case_id] = max(out.get(m.case_id, m.created_at), m.created_at)
        return out


class _Reopenings(_Repo):
    def add(self, reopening: Reopening) -> None:
        self.d.reopenings.append(reopening)

    def for_line(self, order_id: str, line_id: str) -> list[Reopening]:
        return [g for g in self.d.reopenings if (g.order_id, g.line_id) == (order_id, line_id)]


class _Idempotency(_Repo):
    def get(self, principal: str, key: str) -> StoredReply | None:
        found = self.d.replies.get((principal, key))
        return None if found is None else found[0]

    def put(self, principal: str, key: str, reply: StoredReply, at: datetime) -> None:
        if (principal, key) in self.d.replies:
            raise errors.KeyTaken(key)
        self.d.replies[(principal, key)] = (reply, at)

    def purge(self, before: datetime) -> int:
        old = [k for k, (_, at) in self.d.replies.items() if at < before]
        for k in old:
            del self.d.replies[k]
        return len(old)


class _Tokens(_Repo):
    def create(self, token_hash: str, role: str, subject: str, at: datetime, expires_at: datetime | None,
               kind: str = "api", user_id: int | None = None) -> int:
        token_id = len(self.d.tokens) + 1
        self.d.tokens[token_id] = (token_hash, TokenRecord(token_id, role, subject, at, expires_at, None, kind,
                                                           user_id))
        return token_id

    def lookup(self, token_hash: str) -> TokenRecord | None:
        return next((r for h, r in self.d.tokens.values() if h == token_hash), None)

    def revoke(self, token_id: int, at: datetime) -> bool:
        found = self.d.tokens.get(token_id)
        if found is None:
            return False
        if found[1].revoked_at is None:
            self.d.tokens[token_id] = (found[0], replace(found[1], revoked_at=at))
        return True

    def consume(self, token_hash: str, kind: str, at: datetime) -> bool:
        for i, (h, r) in self.d.tokens.items():
            if h == token_hash and r.kind == kind and r.revoked_at is None and (
                    r.expires_at is None or r.expires_at > at):
                self.d.tokens[i] = (h, replace(r, revoked_at=at))
                return True
        return False

    def revoke_all(self, kind: str, at: datetime, *, user_id: int | None = None, subject: str | None = None) -> int:
        n = 0
        for i, (h, r) in list(self.d.tokens.items()):
            mine = r.user_id == user_id if user_id is not None else r.subject == subject
            if r.kind == kind and r.revoked_at is None and mine:
                self.d.tokens[i] = (h, replace(r, revoked_at=at))
                n += 1
        return n

    def page(self, after_id: int, limit: int) -> list[TokenRecord]:
        return [r for i, (_, r) in sorted(self.d.tokens.items()) if i > after_id and r.kind == "api"][:limit]


class _Users(_Repo):
    def add(self, name: str, role: str, store_id: str | None, password_hash: str, at: datetime) -> int | None:
        if self.by_name(name) is not None:
            return None
        user_id = len(self.d.users) + 1
        self.d.users[user_id] = User(user_id, name, role, store_id, password_hash, at)
        return user_id

    def by_name(self, name: str) -> User | None:
        return next((u for u in self.d.users.values() if u.name == name), None)

    def by_id(self, user_id: int) -> User | None:
        return self.d.users.get(user_id)

    def of_store(self, store_id: str) -> list[User]:
        return sorted((u for u in self.d.users.values() if u.store_id == store_id), key=lambda u: u.name)

    def fail(self, name: str, source: str, at: datetime) -> None:
        self.d.failures.append((name, source, at))

    def failures_since(self, name: str, since: datetime) -> int:
        return sum(1 for n, _s, at in self.d.failures if n == name and at > since)

    def source_failures_since(self, source: str, since: datetime) -> int:
        return sum(1 for _n, s, at in self.d.failures if s == source and at > since)

    def clear_failures(self, name: str, source: str) -> None:
        self.d.failures = [f for f in self.d.failures if (f[0], f[1]) != (name, source)]

    def busiest(self, since: datetime, at_least: int, by: str, limit: int = 50) -> list[FailedSignIns]:
        groups: dict[str, list[datetime]] = {}
        for n, s, at in self.d.failures:
            if at > since:
                groups.setdefault(s if by == "source" else n, []).append(at)
        found = [FailedSignIns(k, len(v), min(v)) for k, v in groups.items() if len(v) >= at_least]
        return sorted(found, key=lambda f: (-f.failures, f.key))[:limit]


class _System(_Repo):
    def test_clock(self) -> datetime | None:
        return self.d.clock

    def set_test_clock(self, now: datetime, at: datetime) -> None:
        self.d.clock = now

    def put_calendar_year(self, year: YearData, at: datetime) -> None:
        self.d.years[year.year] = year

    def calendar_years(self) -> list[YearData]:
        return list(self.d.years.values())


class _Outbox(_Repo):
    """Written at once: the fake's transaction is all or nothing anyway."""

    def add(self, event: NewEvent) -> None:
        seq = len(self.d.outbox) + 1
        self.d.outbox.append(StoredEvent(seq, event.id, event.type, event.case_id, event.store_id, event.created_at,
                                         event.body))
        self.d.targets[seq] = event.endpoint_id

    def unsent(self, limit: int) -> tuple[int, list[Unsent]]:
        rows = [Unsent(e.seq, e.type, e.case_id, e.store_id, self.d.targets.get(e.seq))
                for e in self.d.outbox if e.seq > self.d.fanned_out]
        return self.d.fanned_out, rows[:limit]

    def sent_up_to(self, seq: int) -> None:
        self.d.fanned_out = seq

    def purge(self, before: datetime, limit: int) -> int:
        return 0  # the fake keeps no recording time; the SQL repositories are tested on this

    def page(self, store_id: str | None, after: int, types: Sequence[str], case_id: str | None,
             limit: int) -> list[StoredEvent]:
        found = [e for e in self.d.outbox if e.seq > after and e.type != "webhook.test"
                 and store_id in (None, e.store_id) and (not types or e.type in types) and case_id in (None, e.case_id)]
        return found[:limit]

    def position(self, event_id: str, store_id: str | None) -> int | None:
        return next((e.seq for e in self.d.outbox if e.id == event_id and store_id in (None, e.store_id)), None)


class _Webhooks(_Repo):
    def add(self, endpoint: Endpoint) -> None:
        self.d.endpoints[endpoint.id] = endpoint

    def get(self, endpoint_id: str) -> Endpoint | None:
        return self.d.endpoints.get(endpoint_id)

    def of(self, store_id: str | None) -> list[Endpoint]:
        return [e for e in self.d.endpoints.values() if store_id in (None, e.store_id)]

    def enabled(self) -> list[Endpoint]:
        return [e for e in self.d.endpoints.values() if e.enabled]

    def update(self, endpoint: Endpoint) -> None:
        self.d.endpoints[endpoint.id] = endpoint

    def answered(self, endpoint_id: str) -> None:
        e = self.d.endpoints[endpoint_id]
        self.d.endpoints[endpoint_id] = dataclasses.replace(e, failing_since=None)

    def failed(self, endpoint_id: str, at: datetime, failing_before: datetime) -> bool:
        e = self.d.endpoints[endpoint_id]
        e = dataclasses.replace(e, failing_since=e.failing_since or at)
        off = e.enabled and e.failing_since is not None and e.failing_since <= failing_before
        self.d.endpoints[endpoint_id] = dataclasses.replace(e, enabled=False, disabled_reason="failing") if off else e
        return off

    def delete(self, endpoint_id: str) -> None:
        self.d.endpoints.pop(endpoint_id, None)
        self.d.deliveries = {k: v for k, v in self.d.deliveries.items() if v["endpoint_id"] != endpoint_id}

    def add_deliveries(self, deliveries: Sequence[tuple[str, int, str | None]], at: datetime) -> None:
        for endpoint_id, seq, case_id in deliveries:
            n = len(self.d.deliveries) + 1
            self.d.deliveries[n] = {"id": n, "endpoint_id": endpoint_id, "seq": seq, "case_id": case_id,
                                    "state": "pending", "attempts": 0, "next_at": at, "first_at": at,
                                    "delivered_at": None, "owner": None, "tries": []}

    def claim(self, now: datetime, owner: str, lease_until: datetime, limit: int) -> list[DueDelivery]:
        out: list[DueDelivery] = []
        for d in sorted(self.d.deliveries.values(), key=lambda d: d["id"]):
            endpoint = self.d.endpoints.get(d["endpoint_id"])
            earlier = any(o["state"] == "pending" and o["endpoint_id"] == d["endpoint_id"] and o["case_id"]
                          and o["case_id"] == d["case_id"] and o["seq"] < d["seq"] for o in self.d.deliveries.values())
            if (d["state"] != "pending" or d["owner"] or endpoint is None or not endpoint.enabled or earlier
                    or len(out) >= limit):
                continue
            d["owner"], d["attempts"] = owner, d["attempts"] + 1
            event = self.d.outbox[d["seq"] - 1]
            out.append(DueDelivery(d["id"], endpoint, event.id, event.body, d["attempts"], d["first_at"]))
        return out

    def finish(self, delivery: DueDelivery, owner: str, result: SendResult, at: datetime, state: str,
               next_at: datetime | None) -> bool:
        d = self.d.deliveries.get(delivery.id)
        if d is None or d["owner"] != owner:
            return False
        d.update(state=state, owner=None, next_at=next_at or d["next_at"],
                 delivered_at=at if state == "delivered" else d["delivered_at"])
        d["tries"].append(Attempt(delivery.attempt, at, result.status, result.duration_ms, result.error,
                                  result.answer, result.ok))
        return True

    def deliveries(self, endpoint_id: str, before: int | None, state: str | None, limit: int) -> list[Delivery]:
        rows = [d for d in sorted(self.d.deliveries.values(), key=lambda d: -d["id"])
                if d["endpoint_id"] == endpoint_id and (before is None or d["id"] < before)
                and state in (None, d["state"])]
        return [Delivery(d["id"], endpoint_id, self.d.outbox[d["seq"] - 1].id, self.d.outbox[d["seq"] - 1].type,
                         d["case_id"], d["state"], d["attempts"], d["next_at"], d["first_at"], d["delivered_at"],
                         tuple(d["tries"])) for d in rows[:limit]]

    def replay(self, endpoint_id: str, delivery_id: int | None, since: datetime | None, at: datetime) -> int:
        n = 0
        for d in self.d.deliveries.values():
            failed_since = d["state"] == "failed" and since is not None and d["first_at"] >= since
            chosen = d["id"] == delivery_id if delivery_id is not None else failed_since
            if d["endpoint_id"] == endpoint_id and chosen:
                d.update(state="pending", next_at=at, first_at=at, owner=None)
                n += 1
        return n
