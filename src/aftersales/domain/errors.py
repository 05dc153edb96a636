"""Domain errors. Each carries the stable ``code`` of the public contract (DESIGN 3.2, 3.6).

The API maps a code to its HTTP status; the scenario runner compares codes. A
message exists in zh-CN and en because it reaches buyers and sellers as is.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A request the rules refuse. Nothing was written when one is raised."""

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 409

    def __init__(self, en: str, zh: str | None = None, **extra: Any) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh or en
        self.extra = extra


class ValidationFailed(DomainError):
    """The request is malformed or inconsistent (a field missing, an amount on an exchange …)."""

    code = "validation_failed"
    status = 422


class EvidenceRequired(DomainError):
    """The pack asks for evidence of certain kinds before this action on such a claim (a
    counterfeit needs an authentication, a penalty decision or the seller's admission …), and
    the acting party has none of them on the case or in the request."""

    code = "evidence_required"
    status = 422


class NotFound(DomainError):
    """The object does not exist, or belongs to another party (we do not tell which)."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The actor's role may never take this action, whatever the case's status."""

    code = "forbidden"
    status = 403


class VersionConflict(DomainError):
    """The case changed since the version the client last saw (If-Match) or during the write."""

    code = "version_conflict"
    status = 412


class IllegalTransition(DomainError):
    """The action is not allowed from the case's current status."""

    code = "illegal_transition"
    status = 409


class ReviewSuspended(IllegalTransition):
    """The platform's review is suspended (中止处理): both parties negotiate themselves, or one has
    gone to court or the police. Nothing but resuming it (and the buyer's withdrawal) acts on it.
    An illegal transition by its code (DESIGN 3.2's list), told apart by ``reason``."""


class CaseAlreadyOpen(DomainError):
    """The order line already has an open case; at most one may be open per line."""

    code = "case_already_open"
    status = 409


class AttemptsExhausted(DomainError):
    """The line has used its after-sale claims (a withdrawn one counts)."""

    code = "attempts_exhausted"
    status = 409


class NotEligible(DomainError):
    """No rule of the pack allows this type and reason on this line at all."""

    code = "not_eligible"
    status = 422


class WindowExpired(DomainError):
    """A rule would allow this type and reason, but every such window has closed."""

    code = "window_expired"
    status = 422


class RefusalNotAllowed(DomainError):
    """The seller may not refuse this request (goods not shipped, no-reason return in window …)."""

    code = "refusal_not_allowed"
    status = 409


class AmountExceedsPaid(DomainError):
    """The amount plus what the line's other cases refunded exceeds what was paid for the line."""

    code = "amount_exceeds_paid"
    status = 422


class PolicyVoidClause(DomainError):
    """A store policy has clauses that take away what the rules give the buyer; it is refused whole."""

    code = "policy_void_clause"
    status = 422


class InvalidPolicy(ValueError):
    """A policy pack file does not have the expected shape."""


class ClockMovedBackwards(DomainError):
    """The test clock only moves forward once set."""

    code = "clock_moved_backwards"
    status = 409


class KeyTaken(Exception):
    """A concurrent transaction stored the same unique key first; the caller may retry and find it."""


class Unauthorized(DomainError):
    """No valid credentials: a missing, unknown, revoked or expired token."""

    code = "unauthorized"
    status = 401


class BadFile(DomainError):
    """An upload whose bytes are not what it claims, or cannot be trusted: a corrupt or truncated
    image, one too large to decode safely, a PDF that is not one, a photo that is not an image.
    ``reason`` says which."""

    code = "bad_file"
    status = 422


class AccountLocked(DomainError):
    """Too many failed sign-ins for this name in a short time; try again later."""

    code = "account_locked"
    status = 429


class LinkUsed(DomainError):
    """A one-time login link already used, expired or unknown."""

    code = "link_used"
    status = 410


class OrderEventConflict(DomainError):
    """An order fact whose time contradicts what is known of the order (delivered before it
    shipped, shipped twice at different times, cancelled once shipped). Nothing is changed."""

    code = "order_event_conflict"
    status = 409


class WebhookUrlRefused(DomainError):
    """A webhook endpoint's address the platform will not send to: not http(s), or one that
    reaches inside the network it runs in (loopback, private, link-local, a cloud's metadata)."""

    code = "webhook_url_refused"
    status = 422


class IdempotencyConflict(DomainError):
    """The Idempotency-Key was used before with a different request."""

    code = "idempotency_conflict"
    status = 422


class BlobCorrupt(Exception):
    """Stored evidence bytes no longer hash to their name, or are gone: an integrity failure of
    the storage, not a refusal of the rules. Served to nobody, logged loudly."""
