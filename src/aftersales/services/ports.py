"""Ports: what the services need from the world, as small Protocols.

Adapters implement them (SQLAlchemy on SQLite and PostgreSQL, the simulated gateway,
the system and test clocks); tests swap in fakes (``tests/fakes.py``). Repositories
store what they are given and do nothing behind the caller's back: everything a change
means is handed to them by ``services.record``.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from aftersales.domain.eligibility import LineHistory
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.model import Actor, Case, DueTimer, Event, Message, Order, Reopening
from aftersales.domain.payouts import PaymentResult, Payout, PayoutRequest
from aftersales.domain.stores import Store, StorePolicy
from aftersales.domain.timecalc import YearData
from aftersales.services.listing import CaseListing
from aftersales.services.order_log import OrderEvents
from aftersales.services.phrasebook import PhraseRepository
from aftersales.services.values import FailedSignIns, StoredReply, TokenRecord, User
from aftersales.services.webhooks.ports import WebhookUnit


class Clock(Protocol):
    """Where "now" comes from: the system clock, or a test clock that only moves when told."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class PaymentGateway(Protocol):
    """Sends money back to the buyer. The same ``key`` always means the same payment:
    a retried call returns the first call's result and never pays twice."""

    def refund(self, key: str, case_id: str, amount: int, requested_at: datetime) -> PaymentResult:
        """Pay ``amount`` fen back for ``case_id``, idempotently on ``key``."""
        ...


class StoreRepository(Protocol):
    def get(self, store_id: str) -> Store | None:
        """The store, or None."""
        ...

    def upsert(self, store: Store) -> bool:
        """Create or update name and return address (not the policy); True when created."""
        ...

    def all(self, limit: int) -> list[Store]:
        """Stores by id, at most ``limit``."""
        ...

    def set_policy(self, store_id: str, policy: StorePolicy | None) -> None:
        """Replace the store's own after-sales policy (already linted)."""
        ...


class OrderRepository(OrderEvents, Protocol):
    def get(self, order_id: str) -> Order | None:
        """The order with its lines, or None."""
        ...

    def upsert(self, order: Order) -> bool:
        """Create or replace the order and its lines; True when created."""
        ...

    def of_buyer(self, buyer_id: str, before: tuple[datetime, str] | None, limit: int) -> list[Order]:
        """The buyer's orders, most recently paid first, after the keyset ``before`` (paid_at, id)."""
        ...


class CaseRepository(CaseListing, Protocol):
    def get(self, case_id: str) -> Case | None:
        """The case, or None. Inside a write transaction the row is locked for the write."""
        ...

    def add(self, case: Case) -> None:
        """Insert a new case. Raises CaseAlreadyOpen when another open case on the line won a race."""
        ...

    def update(self, case: Case, expected_version: int) -> None:
        """Write the changed case. Raises VersionConflict when the stored version is not ``expected_version``."""
        ...

    def append(self, event: Event) -> None:
        """Append one event to the case's history (never edited)."""
        ...

    def events(self, case_id: str, after_seq: int, limit: int) -> list[Event]:
        """The case's history after ``after_seq``, oldest first."""
        ...

    def line_history(self, order_id: str, line_id: str, exclude_case: str | None = None) -> LineHistory:
        """What the line's cases (except ``exclude_case``) mean for a new or changed one."""
        ...

    def order_refunded(self, order_id: str, exclude_case: str | None = None) -> int:
        """Goods refunded so far by the order's cases (except ``exclude_case``), on every line."""
        ...

    def status_counts(self) -> dict[str, int]:
        """How many cases are in each status."""
        ...

    def system_actions_since(self, since: datetime, actions: Sequence[str]) -> list[datetime]:
        """When the system took one of ``actions`` (a deadline acting), since ``since``."""
        ...

    def provisional_open(self) -> int:
        """Open cases whose deadline rests on a calendar year not yet loaded."""
        ...



class TimerRepository(Protocol):
    def arm(self, timer: DueTimer) -> None:
        """Make ``timer`` the case's one armed deadline (replacing any earlier one)."""
        ...

    def clear(self, case_id: str) -> None:
        """The case has no deadline any more."""
        ...

    def claim_due(self, now: datetime, owner: str, lease_until: datetime, lease_now: datetime,
                  limit: int) -> list[DueTimer]:
        """Claim up to ``limit`` timers due by ``now`` whose lease is free at ``lease_now``,
        earliest first. A claim is a lease: if the claimant dies, it lapses."""
        ...

    def discard(self, timer: DueTimer) -> None:
        """Drop a stale timer (only if the row is still the one claimed)."""
        ...


class PayoutRepository(Protocol):
    def add(self, payouts: Sequence[PayoutRequest], at: datetime) -> None:
        """Record payouts to make, pending until the gateway answers."""
        ...

    def claim(self, lease_now: datetime, owner: str, lease_until: datetime, limit: int) -> list[Payout]:
        """Take up to ``limit`` payouts the gateway has not confirmed and no one holds at
        ``lease_now``: each is leased to ``owner`` until ``lease_until`` and counts one more
        attempt. Two workers never take the same payout while its lease runs."""
        ...

    def defer(self, key: str, owner: str, lease_until: datetime) -> None:
        """Leave a payout alone until ``lease_until`` (the gateway said: still processing)."""
        ...

    def get(self, key: str) -> Payout | None:
        """The payout with this idempotency key."""
        ...

    def mark(self, key: str, state: str, reference: str, settled_at: datetime | None) -> None:
        """Record the gateway's final answer."""
        ...

    def for_case(self, case_id: str) -> list[Payout]:
        """A case's payouts, in the order they were asked for."""
        ...


class EvidenceRepository(Protocol):
    def add(self, item: EvidenceItem) -> None:
        """Record an uploaded file (its bytes go to the blob store)."""
        ...

    def get(self, evidence_id: str) -> EvidenceItem | None:
        """The file's description (without its bytes)."""
        ...

    def content(self, evidence_id: str) -> bytes | None:
        """The file's bytes where the row itself holds them (uploads from before the blob store);
        None where they are in the blob store under the item's sha256."""
        ...

    def for_case(self, case_id: str) -> list[EvidenceItem]:
        """Every file attached to the case, oldest first."""
        ...

    def usable(self, ids: list[str], actor: Actor, case_id: str | None) -> set[str]:
        """Those of ``ids`` the actor may cite: already on the case, or their own unattached uploads."""
        ...

    def attach(self, ids: list[str], case_id: str) -> None:
        """Attach the unattached ones among ``ids`` to the case."""
        ...


class MessageRepository(Protocol):
    def add(self, msg: Message) -> int:
        """Store a message of the negotiation; returns its id."""
        ...

    def for_case(self, case_id: str, after_id: int, limit: int, notes: bool = False) -> list[Message]:
        """The case's messages after ``after_id``, oldest first; agents' private notes only
        with ``notes``."""
        ...

    def seen(self, reader: str, case_ids: Sequence[str]) -> dict[str, datetime]:
        """When ``reader`` last looked at each of the cases (those never looked at are absent)."""
        ...

    def mark_seen(self, reader: str, case_id: str, at: datetime) -> None:
        """``reader`` looked at the case at ``at``."""
        ...

    def last_from_others(self, case_ids: Sequence[str], role: str) -> dict[str, datetime]:
        """For each case, when the last message a party other than ``role`` wrote came (not the
        system's lines of what changed, not private notes)."""
        ...


class ReopeningRepository(Protocol):
    def add(self, reopening: Reopening) -> None:
        """Record a grant (append-only)."""
        ...

    def for_line(self, order_id: str, line_id: str) -> list[Reopening]:
        """Every grant on the line, oldest first."""
        ...


class IdempotencyRepository(Protocol):
    def get(self, principal: str, key: str) -> StoredReply | None:
        """The reply stored under the principal's key, if any."""
        ...

    def put(self, principal: str, key: str, reply: StoredReply, at: datetime) -> None:
        """Store a reply. Raises KeyTaken when a concurrent request stored the same key first."""
        ...

    def purge(self, before: datetime) -> int:
        """Forget replies stored before ``before``; how many."""
        ...


class TokenRepository(Protocol):
    def create(self, token_hash: str, role: str, subject: str, at: datetime, expires_at: datetime | None,
               kind: str = "api", user_id: int | None = None) -> int:
        """Store a new token (its hash only) of a kind: "api", "session" or "login_link"; its id."""
        ...

    def consume(self, token_hash: str, kind: str, at: datetime) -> bool:
        """Revoke a live, unexpired token of this kind at once; False when it was not live. Atomic,
        so a one-time link is used once however many requests race for it."""
        ...

    def revoke_all(self, kind: str, at: datetime, *, user_id: int | None = None, subject: str | None = None) -> int:
        """Revoke every live token of this kind of a staff user (or of a subject); how many."""
        ...

    def lookup(self, token_hash: str) -> TokenRecord | None:
        """The token with this hash, revoked or not. A single read, outside any transaction: every
        request asks it first."""
        ...

    def revoke(self, token_id: int, at: datetime) -> bool:
        """Revoke a token; False when there is no such token."""
        ...

    def page(self, after_id: int, limit: int) -> list[TokenRecord]:
        """API tokens in the order they were issued (sessions and login links are not listed)."""
        ...


class PasswordHasher(Protocol):
    """A slow, salted password hash (argon2 in production)."""

    def hash(self, password: str) -> str: ...

    def verify(self, stored: str, password: str) -> bool:
        """Whether ``password`` matches; False, never an error, for a wrong one."""
        ...


class UserRepository(Protocol):
    """Staff users and their failed sign-ins (for lockout)."""

    def add(self, name: str, role: str, store_id: str | None, password_hash: str, at: datetime) -> int | None:
        """A new user's id; None when the name is taken."""
        ...

    def by_name(self, name: str) -> User | None: ...

    def by_id(self, user_id: int) -> User | None: ...

    def of_store(self, store_id: str) -> list[User]:
        """A store's team, by name."""
        ...

    def fail(self, name: str, source: str, at: datetime) -> None:
        """Record a failed sign-in for this name (known or not, so a probe learns nothing) from
        this source (the client's address)."""
        ...

    def failures_since(self, name: str, since: datetime) -> int:
        """Failures for this name from every source."""
        ...

    def source_failures_since(self, source: str, since: datetime) -> int:
        """Failures from this source for every name."""
        ...

    def clear_failures(self, name: str, source: str) -> None:
        """Forget this name's failures from this source (a right password from there)."""
        ...

    def busiest(self, since: datetime, at_least: int, by: str, limit: int = 50) -> list[FailedSignIns]:
        """Sources (``by="source"``) or names (``by="name"``) with at least ``at_least``
        failures since then, most first."""
        ...


class SystemRepository(Protocol):
    """The system's own settings kept in the database: the test clock, loaded calendar years."""

    def test_clock(self) -> datetime | None:
        """The test clock's time, or None before it is first set."""
        ...

    def set_test_clock(self, now: datetime, at: datetime) -> None:
        """Store the test clock's time."""
        ...

    def put_calendar_year(self, year: YearData, at: datetime) -> None:
        """Store (or replace) a year's official calendar."""
        ...

    def calendar_years(self) -> list[YearData]:
        """Every year an operator loaded."""
        ...


class UnitOfWork(WebhookUnit, Protocol):
    """One transaction over the repositories. ``transaction()`` commits when its block
    ends normally and rolls back when it raises; nested blocks join the outer one."""

    @property
    def stores(self) -> StoreRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def cases(self) -> CaseRepository: ...

    @property
    def timers(self) -> TimerRepository: ...

    @property
    def payouts(self) -> PayoutRepository: ...

    @property
    def evidence(self) -> EvidenceRepository: ...

    @property
    def messages(self) -> MessageRepository: ...

    @property
    def reopenings(self) -> ReopeningRepository: ...

    @property
    def phrases(self) -> PhraseRepository: ...

    @property
    def idempotency(self) -> IdempotencyRepository: ...

    @property
    def tokens(self) -> TokenRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def system(self) -> SystemRepository: ...

    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction (or the enclosing one)."""
        ...

    def read(self) -> AbstractContextManager[None]:
        """A read-only snapshot (or the enclosing transaction)."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """Inside a transaction: a block whose writes an error undoes, leaving the rest."""
        ...

    def writable(self, timeout: float) -> bool:
        """Whether a write transaction can begin within ``timeout`` seconds (health checks)."""
        ...
