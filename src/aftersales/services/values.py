"""Value types of the service layer that are not the after-sales domain's own: pages of a
list, API tokens, stored idempotent replies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from aftersales.domain.eligibility import Option
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.model import Actor, Case, Event, Line, Message, Order, Reopening
from aftersales.domain.stores import Store

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paged list; ``after`` is the key to continue from, None at the end."""

    items: list[T]
    after: tuple[object, ...] | None

    @classmethod
    def of(cls, rows: list[T], limit: int, key: Callable[[T], tuple[object, ...]]) -> Page[T]:
        """The page of ``rows``, fetched one past ``limit`` to know whether another page follows."""
        items = rows[:limit]
        return cls(items, key(items[-1]) if len(rows) > limit else None)


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An API token as stored: never the token itself, only its hash."""

    id: int
    role: str
    subject: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    kind: str = "api"  # "api", "session" or "login_link"
    user_id: int | None = None  # the staff user a session belongs to


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just issued: the only moment its plaintext exists outside the client."""

    id: int
    token: str
    role: str
    subject: str
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredReply:
    """A response kept under an Idempotency-Key, replayed to a retry of the same request."""

    fingerprint: str
    status_code: int
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Listed:
    """What a list shows of a case besides the case: its product's title and the first image
    sent on it (an evidence id, shown as a thumbnail; None when no image was sent)."""

    title: str = ""
    photo: str | None = None


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case as the store's workbench lists it."""

    case: Case
    title: str
    photo: str | None


@dataclass(frozen=True, slots=True)
class WorkbenchPage:
    """The store's workbench as its page shows it: the rows, how many cases wait in each of the
    store's statuses (``counts``) and how many of them are overdue, and the next page's key."""

    rows: list[CaseRow]
    after: tuple[object, ...] | None
    counts: dict[str, int]
    overdue: int


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A case in the agents' queue: when the platform owes it a look, and whether that has passed."""

    case: Case
    sla_due: datetime
    breached: bool
    title: str = ""
    photo: str | None = None


@dataclass(frozen=True, slots=True)
class User:
    """A member of staff who signs in with a password: a store's owner, after-sales staff or
    viewer, or the platform's agent or operator. The password is kept only as its hash."""

    id: int
    name: str
    role: str  # one of identity.STAFF_ROLES
    store_id: str | None
    password_hash: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Session:
    """A page session just opened: the cookie's value exists here and in the browser only."""

    token: str
    actor: Actor
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Overview:
    """What an operator watches: cases by status, deadlines that acted per day, the stores, the
    calendar years loaded and how many open cases run on a provisional deadline."""

    by_status: dict[str, int]
    timeouts_by_day: list[tuple[str, int]]  # (local date, deadlines that acted), oldest first
    stores: list[Store]
    calendar_years: list[int]
    provisional_open: int
    sign_in_locks: SignInLocks | None = None


@dataclass(frozen=True, slots=True)
class FailedSignIns:
    """Failed sign-ins within the lockout window from one source, or for one name."""

    key: str  # the source's address, or the name
    failures: int
    first_at: datetime  # the oldest in the window: the lock lifts when enough of them age out


@dataclass(frozen=True, slots=True)
class SignInLocks:
    """Sources refused for now, and names whose answers are slowed (never locked)."""

    until: dict[str, datetime]  # source → when its lock lifts at the latest
    sources: list[FailedSignIns] = field(default_factory=list)
    names: list[FailedSignIns] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Waiting:
    """A case that waits for someone, and why: "messages" (new since they last looked), "offer"
    (the seller's, to answer), "evidence" (asked of them), "deadline" (their turn ends within a
    day, or has ended)."""

    case: Case
    title: str
    why: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThreadItem:
    """One item of a case's conversation, oldest first: a message (a party's words, the
    system's account of a change, an agent's private note), a file someone added, or the
    seller's offer still waiting for its answer."""

    at: datetime
    kind: str  # "message", "evidence" or "offer"
    message: Message | None = None
    evidence: EvidenceItem | None = None


@dataclass(frozen=True, slots=True)
class CaseView:
    """Everything one person's case page shows, read at once: the case and its order line, the
    history, the conversation, the files, who on the store's team the case may be given to
    (empty unless the viewer assigns), the line's reopenings (None unless the viewer grants
    them), when the viewer last looked (None: never) and the quick phrases they insert."""

    case: Case
    order: Order
    line: Line | None
    events: list[Event]
    messages: list[Message]
    evidence: list[EvidenceItem]
    thread: list[ThreadItem]
    team: list[str]
    reopenings: list[Reopening] | None
    seen_before: datetime | None
    phrases: list[Phrase]


@dataclass(frozen=True, slots=True)
class LineView:
    """A buyer's line page, read at once: every type and reason with its answer at ``at``, the
    case open on the line (if any) and what its cases refunded so far."""

    order: Order
    line: Line
    at: datetime
    options: list[Option]
    open_case: Case | None
    refunded: int


@dataclass(frozen=True, slots=True)
class Phrase:
    """A quick phrase (快捷短语): words a store's team (``store_id``) or the platform's agents
    (None) insert in a message or a refusal instead of typing them again."""

    id: int
    store_id: str | None
    text: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OrderEventTaken:
    """An order fact taken: the order as it is now, whether the fact was new (False: a repeat,
    answered without being applied again) and the open cases whose deadline it moved."""

    order: Order
    applied: bool
    moved: list[str]
