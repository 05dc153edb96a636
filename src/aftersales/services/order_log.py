"""Where order facts taken one at a time are remembered by their id: the port the order-event
handler reads and writes through, part of the orders' repository."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class OrderEvents(Protocol):
    def event_taken(self, order_id: str, event_id: str) -> tuple[str, datetime] | None:
        """The (type, time) of the order's event with this id, if it was taken before."""
        ...

    def take_event(self, order_id: str, event_id: str, kind: str, at: datetime, recorded_at: datetime) -> None:
        """Remember the order's event by its id (in the transaction that applies it)."""
        ...
