"""What every use case needs besides the unit of work: the rules, the clocks, the gateway, ids."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aftersales.domain.policy import Pack
from aftersales.domain.timecalc import BusinessCalendar
from aftersales.services.files import BlobStore, FileInspector
from aftersales.services.ports import Clock, PasswordHasher, PaymentGateway
from aftersales.services.webhooks.ports import Secrets, WebhookSender

if TYPE_CHECKING:
    from aftersales.domain.model import Case, Event
    from aftersales.services.ports import UnitOfWork

    Reaction = Callable[[UnitOfWork, "Deps", Case, Event], None]
else:
    Reaction = Any


@dataclass(frozen=True)
class Deps:
    pack: Pack
    calendar: BusinessCalendar
    # The system's clock: due times, deadlines and actions are on it (a test clock where set).
    clock: Clock
    # Real time, for bookkeeping a test clock must not move: leases, token expiry, record times.
    wall_clock: Clock
    gateway: PaymentGateway
    new_id: Callable[[str], str]  # a new public id with this prefix ("cs", "ev")
    new_secret: Callable[[str], str]  # a new API token for this role
    passwords: PasswordHasher
    files: FileInspector
    blobs: BlobStore
    sender: WebhookSender  # reaches only public addresses (unless the network is a closed one)
    secrets: Secrets
    admin_token: str | None = None
    test_clock: bool = False  # whether the test clock of DESIGN 3.6 is on
    # Shrinks the delays between webhook retries, not the three days of trying (tests; 1.0: the
    # Standard Webhooks schedule).
    retry_scale: float = 1.0
    # What follows a history event, by its action ("*": every one): run by ``record`` in the
    # transaction that writes the event (the outbox row today).
    reactions: Mapping[str, tuple[Reaction, ...]] = field(default_factory=dict)

    def now(self, at: datetime | None = None) -> datetime:
        """``at`` when a caller said when, else the system clock's now."""
        return at if at is not None else self.clock.now()
