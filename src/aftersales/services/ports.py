"""Ports: what the services need from the world, as small Protocols.

Adapters implement them (SQLAlchemy, the simulated gateway, the system and
test clocks); tests swap in fakes (``tests/fakes.py``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aftersales.domain.case import Outcome
from aftersales.domain.eligibility import LineHistory
from aftersales.domain.model import Actor, Case, Order, Reopening, Store
from aftersales.domain.store_policy import StorePolicy


class Clock(Protocol):
    """Where "now" comes from: the system clock, or a test clock that only moves when told."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """The gateway's answer. ``succeeded`` is final; ``pending`` means ask again later."""

    status: str  # "succeeded" | "pending" | "failed"
    reference: str
    settled_at: datetime | None = None
    message: str | None = None


class PaymentGateway(Protocol):
    """Sends money back to the buyer. The same ``key`` always means the same payment:
    a retried call returns the first call's result and never pays twice."""

    def refund(self, key: str, case_id: str, amount: int, requested_at: datetime) -> PaymentResult:
        """Pay ``amount`` fen back for ``case_id``, idempotently on ``key``."""
        ...


@dataclass(frozen=True, slots=True)
class DueTimer:
    """A claimed timer: the case's deadline as it stood when the timer was armed."""

    case_id: str
    entry: int
    due_at: datetime
    action: str


@dataclass(frozen=True, slots=True)
class Payout:
    id: int
    case_id: str
    kind: str
    amount: int
    key: str
    state: str  # "pending" | "succeeded" | "failed"
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: str
    case_id: str | None
    kind: str
    sha256: str
    content_type: str
    size: int
    filename: str | None
    uploaded_by: Actor
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    case_id: str
    author: Actor
    text: str
    created_at: datetime


class StoreRepository(Protocol):
    def get(self, store_id: str) -> Store | None:
        """The store, or None."""
        ...

    def upsert(self, store: Store) -> bool:
        """Create or update name and return address; True when created."""
        ...

    def set_policy(self, store_id: str, policy: StorePolicy | None) -> None:
        """Replace the store's own after-sales policy (already linted)."""
        ...


class OrderRepository(Protocol):
    def get(self, order_id: str) -> Order | None:
        """The order with its lines, or None."""
        ...

    def upsert(self, order: Order) -> bool:
        """Create or replace the order and its lines; True when created."""
        ...


class CaseRepository(Protocol):
    def get(self, case_id: str) -> Case | None:
        """The case, or None. Inside a write transaction the row is locked for the write."""
        ...

    def line_history(self, order_id: str, line_id: str, exclude_case: str | None = None) -> LineHistory:
        """What the line's cases (except ``exclude_case``) mean for a new or changed one."""
        ...

    def add(self, outcome: Outcome) -> None:
        """Insert a new case with its first event, timer and payouts.

        Raises CaseAlreadyOpen when another open case on the line won a race."""
        ...

    def update(self, outcome: Outcome, expected_version: int) -> None:
        """Write the changed case, its event, its timer and its payouts.

        Raises VersionConflict when the stored version is not ``expected_version``."""
        ...


class TimerRepository(Protocol):
    def claim_due(self, now: datetime, owner: str, lease_until: datetime, lease_now: datetime,
                  limit: int) -> list[DueTimer]:
        """Claim up to ``limit`` timers due by ``now`` whose lease is free at ``lease_now``,
        earliest first. A claim is a lease: if the claimant dies, it lapses."""
        ...

    def discard(self, timer: DueTimer) -> None:
        """Drop a stale timer (only if the row is still the one claimed)."""
        ...


class PayoutRepository(Protocol):
    def pending(self, lease_now: datetime, limit: int) -> list[Payout]:
        """Payouts the gateway has not confirmed, and that no one deferred past ``lease_now``."""
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


class EvidenceRepository(Protocol):
    def add(self, item: EvidenceItem, content: bytes) -> None:
        """Store an uploaded file."""
        ...

    def get(self, evidence_id: str) -> EvidenceItem | None:
        """The file's description (without its bytes)."""
        ...

    def content(self, evidence_id: str) -> bytes | None:
        """The file's bytes."""
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

    def for_case(self, case_id: str, after_id: int, limit: int) -> list[Message]:
        """The case's messages after ``after_id``, oldest first."""
        ...


class ReopeningRepository(Protocol):
    def add(self, reopening: Reopening) -> None:
        """Record a grant (append-only)."""
        ...

    def for_line(self, order_id: str, line_id: str) -> list[Reopening]:
        """Every grant on the line, oldest first."""
        ...


class UnitOfWork(Protocol):
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


    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction (or the enclosing one)."""
        ...

    def read(self) -> AbstractContextManager[None]:
        """A read-only snapshot (or the enclosing transaction)."""
        ...

