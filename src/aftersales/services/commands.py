"""Commands: every change a face may ask for, as a frozen value.

The API, the web pages, the CLI, the scenario runner, the demo and the worker build
one of these and hand it to the dispatcher (``services.dispatch``); none of them calls
a use case or a repository on its own. ``at`` is when the change happens: left out, it
is the system clock's now (a test clock where one is set); the demo and the scenarios
give their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from aftersales.domain.clauses import Finding
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.inputs import CaseRequest, Params
from aftersales.domain.model import Actor, Case, DueTimer, Message, Order, Reopening
from aftersales.domain.stores import Store, StorePolicy
from aftersales.domain.timecalc import YearData
from aftersales.services.values import IssuedToken, OrderEventTaken, Phrase, Session, StoredReply, User

R = TypeVar("R", covariant=True)


class Request(Generic[R]):
    """A command or a query; ``R`` is what its handler returns."""

    __slots__ = ()


class Command(Request[R]):
    """A request that changes something."""

    __slots__ = ()


# --- the order system's data ---


@dataclass(frozen=True, kw_only=True)
class UpsertStore(Command[bool]):
    """Create or update a store (not its policy); answers True when created."""

    actor: Actor
    store: Store


@dataclass(frozen=True, kw_only=True)
class UpsertOrder(Command[bool]):
    """Create an order or advance it; answers True when created."""

    actor: Actor
    order: Order


@dataclass(frozen=True, kw_only=True)
class SetStorePolicy(Command[list[Finding]]):
    """Replace a store's own policy; refused whole when a clause is void."""

    actor: Actor
    store_id: str
    policy: StorePolicy | None


@dataclass(frozen=True, kw_only=True)
class ReopenLine(Command[Reopening]):
    """After review, reopen a line's closed windows for ``days`` days (one more claim)."""

    actor: Actor
    order_id: str
    line_id: str
    days: int
    note: str | None = None
    at: datetime | None = None


# --- cases ---


@dataclass(frozen=True, kw_only=True)
class OpenCase(Command[Case]):
    actor: Actor
    order_id: str
    line_id: str
    request: CaseRequest
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Act(Command[Case]):
    """An action of DESIGN 3.2 on a case (``expected_version``: the client's If-Match)."""

    actor: Actor
    case_id: str
    action: str
    params: Params = field(default_factory=Params)
    expected_version: int | None = None
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class AppealRuling(Command[Case]):
    """A party appeals the ruling on a case; answers the appeal, a new case in review.
    ``amount``: the further refund the buyer asks (left out: what is left to refund)."""

    actor: Actor
    case_id: str
    amount: int | None = None
    note: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class MarkSeen(Command["datetime | None"]):
    """The actor looked at the case now; answers when they had looked before (None: never)."""

    actor: Actor
    case_id: str


@dataclass(frozen=True, kw_only=True)
class RequestReopening(Command[Case]):
    """A buyer past the window asks the platform to reopen it; answers the request, a case in review."""

    actor: Actor
    order_id: str
    line_id: str
    request: CaseRequest
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class PostMessage(Command[Message]):
    """A message in the case's thread; ``private``: an agent's note the parties never read."""

    actor: Actor
    case_id: str
    text: str
    private: bool = False
    expected_version: int | None = None
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class UploadEvidence(Command[EvidenceItem]):
    """Upload a file not yet on any case; the action that cites it attaches it."""

    actor: Actor
    kind: str
    content: bytes
    filename: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class NewFile:
    """One file of a submission."""

    kind: str
    content: bytes
    filename: str | None = None


@dataclass(frozen=True, kw_only=True)
class AttachFiles(Command[list[EvidenceItem]]):
    """Upload up to nine files straight onto a case, all or none (one history event)."""

    actor: Actor
    case_id: str
    files: tuple[NewFile, ...]
    expected_version: int | None = None
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class AttachEvidence(Command[EvidenceItem]):
    """Upload a file straight onto a case (its history records who and which)."""

    actor: Actor
    case_id: str
    kind: str
    content: bytes
    filename: str | None = None
    expected_version: int | None = None
    at: datetime | None = None


# --- what happens when nobody acts ---


@dataclass(frozen=True, kw_only=True)
class FireDueTimers(Command[int]):
    """Claim the timers due by now (leased to ``owner`` for ``lease_seconds`` of real time) and
    fire them; answers how many were claimed."""

    owner: str
    lease_seconds: float = 30.0
    limit: int = 100


@dataclass(frozen=True, kw_only=True)
class FireTimer(Command[bool]):
    """Carry out one claimed timer's default outcome, if it is still current."""

    timer: DueTimer


@dataclass(frozen=True, kw_only=True)
class SettlePayouts(Command[int]):
    """Claim pending payouts and send them to the gateway; answers how many were claimed."""

    owner: str
    lease_seconds: float = 30.0
    limit: int = 100


@dataclass(frozen=True, kw_only=True)
class RunToRest(Command[int]):
    """Fire every due timer and settle every payout, again and again until nothing is left."""

    owner: str


@dataclass(frozen=True, kw_only=True)
class PurgeIdempotency(Command[int]):
    """Forget idempotent replies stored before ``before``."""

    before: datetime


# --- access and the system ---


@dataclass(frozen=True, kw_only=True)
class IssueToken(Command[IssuedToken]):
    actor: Actor
    role: str
    subject: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeToken(Command[None]):
    actor: Actor
    token_id: int


@dataclass(frozen=True, kw_only=True)
class SetTestClock(Command[datetime]):
    actor: Actor
    now: datetime


@dataclass(frozen=True, kw_only=True)
class LoadCalendarYear(Command[None]):
    actor: Actor
    year: YearData


@dataclass(frozen=True, kw_only=True)
class AssignCase(Command[Case]):
    """Give a case to a member of the store's team (``assignee`` None: to nobody)."""

    actor: Actor
    case_id: str
    assignee: str | None
    expected_version: int | None = None
    at: datetime | None = None


# --- people: staff users, page sessions, buyers' login links ---


@dataclass(frozen=True, kw_only=True)
class RecordOrderEvent(Command[OrderEventTaken]):
    """One fact of an order from the order system: ``type`` shipped, delivered, completed or
    cancelled, at ``at``; ``event_id`` (its own id for it) makes a repeat harmless."""

    actor: Actor
    order_id: str
    type: str
    at: datetime
    event_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class AddPhrase(Command[Phrase]):
    """A quick phrase for the actor's store (its owner), or for the platform (``platform``, an operator)."""

    actor: Actor
    text: str
    platform: bool = False


@dataclass(frozen=True, kw_only=True)
class RemovePhrase(Command[None]):
    actor: Actor
    phrase_id: int


@dataclass(frozen=True, kw_only=True)
class AddUser(Command[User]):
    """A staff user (operator, or a store's owner for its own team); the password is hashed."""

    actor: Actor
    name: str
    role: str
    password: str
    store_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class SignIn(Command[Session]):
    """A session for a member of staff whose password matches. Repeated failures lock the
    source they came from, never the name: a stranger cannot lock out a member of staff."""

    name: str
    password: str
    source: str = ""  # the client's address, as the server saw it


@dataclass(frozen=True, kw_only=True)
class IssueLoginLink(Command[IssuedToken]):
    """A one-time link for a buyer, asked by the marketplace's own app (integration or operator)."""

    actor: Actor
    buyer: str


@dataclass(frozen=True, kw_only=True)
class RedeemLoginLink(Command[Session]):
    """Open a buyer session from a login link; the link is spent whatever happens next."""

    token: str


@dataclass(frozen=True, kw_only=True)
class SignOut(Command[int]):
    """End this session, or (``everywhere``) every session of its user; how many ended."""

    token: str
    everywhere: bool = False


@dataclass(frozen=True, kw_only=True)
class Idempotent(Command[StoredReply | R]):
    """Run ``inner`` once per (principal, key): a retry with the same fingerprint gets the stored
    reply, another request under the key is refused. ``keep`` turns the answer (or the refusal)
    into what is stored, in the same transaction as the change itself."""

    principal: str
    key: str
    fingerprint: str
    inner: Request[R]
    keep: Callable[[object], StoredReply]
