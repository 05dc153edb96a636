"""What the webhook use cases need from the world: the outbox, the endpoints with their
deliveries, a sender that reaches only public addresses, and the secrets derived per endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from aftersales.domain.webhooks import Endpoint
from aftersales.services.webhooks.values import Delivery, DueDelivery, NewEvent, SendResult, StoredEvent, Unsent


class OutboxRepository(Protocol):
    def add(self, event: NewEvent) -> None:
        """Write the event object in the caller's transaction, in commit order (a poller or the
        fan-out never sees a later event before an earlier one)."""
        ...

    def unsent(self, limit: int) -> tuple[int, list[Unsent]]:
        """Where the fan-out stands (held until the transaction ends, so one worker at a time
        fans out) and the events after it, oldest first."""
        ...

    def purge(self, before: datetime, limit: int) -> int:
        """Forget up to ``limit`` events recorded before ``before``, fanned out and waiting for
        no endpoint, with their deliveries and attempts; answers how many."""
        ...

    def sent_up_to(self, seq: int) -> None:
        """The fan-out has made the deliveries of every event up to ``seq``."""
        ...

    def page(self, store_id: str | None, after: int, types: Sequence[str], case_id: str | None,
             limit: int) -> list[StoredEvent]:
        """Event objects after position ``after``, oldest first; a store's only (``store_id``)."""
        ...

    def position(self, event_id: str, store_id: str | None) -> int | None:
        """Where an event stands in the outbox (what ``after`` continues from), if the store
        (None: anyone) may see it."""
        ...


class WebhookRepository(Protocol):
    def add(self, endpoint: Endpoint) -> None: ...

    def get(self, endpoint_id: str) -> Endpoint | None: ...

    def of(self, store_id: str | None) -> list[Endpoint]:
        """A store's endpoints, or (None) every endpoint."""
        ...

    def enabled(self) -> list[Endpoint]:
        """The endpoints events are sent to now."""
        ...

    def update(self, endpoint: Endpoint) -> None: ...

    def delete(self, endpoint_id: str) -> None: ...

    def add_deliveries(self, deliveries: Sequence[tuple[str, int, str | None]], at: datetime) -> None:
        """Pending deliveries, due at ``at``: (endpoint, event position, case) each."""
        ...

    def answered(self, endpoint_id: str) -> None:
        """The endpoint answered: it is failing no longer."""
        ...

    def failed(self, endpoint_id: str, at: datetime, failing_before: datetime) -> bool:
        """The endpoint failed at ``at``: failing since then unless it already was; switched off
        (reason "failing") if it has been failing since before ``failing_before``. Answers
        whether this switched it off."""
        ...

    def claim(self, now: datetime, owner: str, lease_until: datetime, limit: int) -> list[DueDelivery]:
        """Pending deliveries due by ``now`` to enabled endpoints, each the earliest pending of
        its case to its endpoint, leased to ``owner``; the attempt count goes up by one."""
        ...

    def finish(self, delivery: DueDelivery, owner: str, result: SendResult, at: datetime, state: str,
               next_at: datetime | None) -> bool:
        """Record an attempt and the delivery's new state, if ``owner`` still holds its lease."""
        ...

    def deliveries(self, endpoint_id: str, before: int | None, state: str | None, limit: int) -> list[Delivery]:
        """An endpoint's deliveries, newest first, with their attempts."""
        ...

    def replay(self, endpoint_id: str, delivery_id: int | None, since: datetime | None, at: datetime) -> int:
        """Make deliveries pending again, due at ``at``: one, or every failed one since ``since``."""
        ...


class WebhookUnit(Protocol):
    """The unit of work's repositories of this subdomain."""

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def webhooks(self) -> WebhookRepository: ...


class WebhookSender(Protocol):
    timeout: float  # seconds an attempt may take at most, answer included

    def send(self, url: str, message_id: str, body: bytes, secrets: Sequence[str], at: datetime) -> SendResult:
        """POST ``body`` with the Standard Webhooks headers, signed with each secret; refuse an
        address that is not public; never raise for what the endpoint or network did."""
        ...

    def check(self, url: str) -> None:
        """Refuse (``WebhookUrlRefused``) a URL that is malformed or whose host resolves to an
        address that is not public: at registration, before the check at send time."""
        ...


class Secrets(Protocol):
    def webhook_secret(self, endpoint_id: str, generation: int) -> str:
        """The endpoint's signing secret of that generation (``whsec_`` and base64)."""
        ...
