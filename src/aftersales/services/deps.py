"""What every use case needs besides the unit of work: the rules, the clocks, the gateway, ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aftersales.domain.policy import Pack
from aftersales.domain.timecalc import BusinessCalendar
from aftersales.services.files import BlobStore, FileInspector
from aftersales.services.ports import Clock, PasswordHasher, PaymentGateway


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
    admin_token: str | None = None
    test_clock: bool = False  # whether the test clock of DESIGN 3.6 is on

    def now(self, at: datetime | None = None) -> datetime:
        """``at`` when a caller said when, else the system clock's now."""
        return at if at is not None else self.clock.now()
