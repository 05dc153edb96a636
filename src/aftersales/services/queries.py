"""Queries: every read a face may make, as a frozen value, answered through the dispatcher
and the access rules like any command (another party's object is not found)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aftersales.domain.clauses import Finding
from aftersales.domain.eligibility import Option
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.inputs import Params
from aftersales.domain.model import Actor, Case, CaseType, Event, Message, Order, Reopening, Status
from aftersales.domain.payouts import Payout
from aftersales.domain.stores import Store, StorePolicy
from aftersales.services.commands import Request
from aftersales.services.values import (
    CaseView,
    LineView,
    Overview,
    Page,
    Phrase,
    QueueItem,
    TokenRecord,
    User,
    Waiting,
    WorkbenchPage,
)


@dataclass(frozen=True, kw_only=True)
class Authenticate(Request[Actor]):
    """Who a bearer token speaks for; Unauthorized for an unknown, revoked or expired one."""

    token: str


@dataclass(frozen=True, kw_only=True)
class SignInDelay(Request[float]):
    """How many seconds to hold the answer to a sign-in for this name: more than none once the
    name has failed often from anywhere, so guessing it from many sources stays slow."""

    name: str


@dataclass(frozen=True, kw_only=True)
class AuthenticateSession(Request[Actor]):
    """Who a page session speaks for; Unauthorized for an unknown, ended or expired one."""

    token: str


@dataclass(frozen=True, kw_only=True)
class ListOrders(Request[Page[Order]]):
    """A buyer's orders, most recently paid first (keyset after ``before``: paid time and id)."""

    actor: Actor
    before: tuple[datetime, str] | None = None
    limit: int = 20


@dataclass(frozen=True, kw_only=True)
class StoreTeam(Request[list[User]]):
    """A store's staff (its owner and the platform see it)."""

    actor: Actor
    store_id: str


@dataclass(frozen=True, kw_only=True)
class GetCase(Request[Case]):
    actor: Actor
    case_id: str


@dataclass(frozen=True, kw_only=True)
class ListCases(Request[Page[Case]]):
    """Cases the actor may see, newest first (keyset after ``before``, a sequence number)."""

    actor: Actor
    status: Status | None = None
    store: str | None = None
    before: int | None = None
    limit: int = 20


@dataclass(frozen=True, kw_only=True)
class PreviewAction(Request[Case]):
    """The case as ``action`` would leave it (its status, refund, freight decision), written nowhere:
    an agent sees what a ruling will do before giving it."""

    actor: Actor
    case_id: str
    action: str
    params: Params = field(default_factory=Params)


@dataclass(frozen=True, kw_only=True)
class Workbench(Request[Page[Case]]):
    """What waits for the store (or the statuses asked), overdue first, then by deadline."""

    actor: Actor
    statuses: tuple[Status, ...] = (Status.AWAITING_SELLER, Status.AWAITING_RECEIPT, Status.AWAITING_REPLACEMENT)
    type: CaseType | None = None
    assignee: str | None = None  # "" for cases given to nobody
    order_id: str | None = None
    after: tuple[datetime, int] | None = None
    limit: int = 50


# The statuses in which the store acts: what its workbench's tabs count.
STORE_TURN = (Status.AWAITING_SELLER, Status.AWAITING_RECEIPT, Status.AWAITING_REPLACEMENT)


@dataclass(frozen=True, kw_only=True)
class WorkbenchView(Request[WorkbenchPage]):
    """The store's workbench page in one read: its rows (with product titles and photos), the
    count behind each tab, and the key of the next page. ``search`` (an order number, a buyer,
    a case id or its last characters, a tracking number) looks through every status instead."""

    actor: Actor
    statuses: tuple[Status, ...] = STORE_TURN
    type: CaseType | None = None
    assignee: str | None = None
    order_id: str | None = None
    overdue: bool = False
    search: str | None = None
    after: tuple[datetime, int] | None = None
    limit: int = 50


@dataclass(frozen=True, kw_only=True)
class WaitingFor(Request[list[Waiting]]):
    """What waits for the actor: their open cases with something new since they last looked, an
    offer to answer, evidence asked of them, or their turn ending within a day."""

    actor: Actor
    limit: int = 200


@dataclass(frozen=True, kw_only=True)
class CasePage(Request[CaseView]):
    """A case as one person's page shows it, in one read (the history and the conversation up
    to ``limit`` items each, oldest first)."""

    actor: Actor
    case_id: str
    limit: int = 500


@dataclass(frozen=True, kw_only=True)
class LinePage(Request[LineView]):
    """An order line as its buyer's page shows it, in one read."""

    actor: Actor
    order_id: str
    line_id: str


@dataclass(frozen=True, kw_only=True)
class Phrases(Request[list[Phrase]]):
    """The quick phrases the actor inserts: their store's, or the platform's for its staff."""

    actor: Actor


@dataclass(frozen=True, kw_only=True)
class CaseEvents(Request[Page[Event]]):
    actor: Actor
    case_id: str
    after: int = 0
    limit: int = 100


@dataclass(frozen=True, kw_only=True)
class CaseMessages(Request[Page[Message]]):
    actor: Actor
    case_id: str
    after: int = 0
    limit: int = 100


@dataclass(frozen=True, kw_only=True)
class CaseEvidence(Request[list[EvidenceItem]]):
    actor: Actor
    case_id: str


@dataclass(frozen=True, kw_only=True)
class EvidenceContent(Request[tuple[EvidenceItem, bytes]]):
    actor: Actor
    evidence_id: str
    thumbnail: bool = False  # the image's small JPEG instead of the file


@dataclass(frozen=True, kw_only=True)
class InterventionQueue(Request[Page[QueueItem]]):
    """Cases the platform owes a look, soonest due first (breached ones are the soonest),
    narrowed by status, store, breach, the agent handling them ("" for nobody yet) and
    kind ("dispute", "appeal", "reopening")."""

    actor: Actor
    after: tuple[datetime, int] | None = None
    limit: int = 50
    status: Status | None = None
    store: str | None = None
    breached: bool | None = None
    agent: str | None = None
    kind: str | None = None


@dataclass(frozen=True, kw_only=True)
class GetOrder(Request[Order]):
    actor: Actor
    order_id: str


@dataclass(frozen=True, kw_only=True)
class LineEligibility(Request[tuple[datetime, list[Option]]]):
    """Every type and reason pair for one line, as the buyer is answered at ``at`` (default now)."""

    actor: Actor
    order_id: str
    line_id: str
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class LineReopenings(Request[list[Reopening]]):
    actor: Actor
    order_id: str
    line_id: str


@dataclass(frozen=True, kw_only=True)
class GetStore(Request[Store]):
    actor: Actor
    store_id: str


@dataclass(frozen=True, kw_only=True)
class GetStorePolicy(Request[tuple[StorePolicy | None, list[Finding]]]):
    actor: Actor
    store_id: str


@dataclass(frozen=True, kw_only=True)
class LintPolicy(Request[list[Finding]]):
    """A dry run: which clauses would stand, apply or be void, without storing anything."""

    actor: Actor
    policy: StorePolicy


@dataclass(frozen=True, kw_only=True)
class ListTokens(Request[Page[TokenRecord]]):
    actor: Actor
    after: int = 0
    limit: int = 50


@dataclass(frozen=True, kw_only=True)
class OperatorOverview(Request[Overview]):
    """Counts for the operator's page; deadlines that acted over the last ``days`` days."""

    actor: Actor
    days: int = 14


@dataclass(frozen=True, kw_only=True)
class CasePayouts(Request[list[Payout]]):
    """A case's payouts with their state and attempts, for the operator watching the money."""

    actor: Actor
    case_id: str


@dataclass(frozen=True, kw_only=True)
class GetTestClock(Request[tuple[datetime, bool]]):
    """The test clock's time and whether it was ever set."""

    actor: Actor


@dataclass(frozen=True, kw_only=True)
class CheckHealth(Request[bool]):
    """Whether the database answers and a write could begin within ``timeout`` seconds."""

    timeout: float = 2.0
