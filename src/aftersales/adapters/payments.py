"""Payment gateways. The simulated one settles each refund at once.

It remembers every idempotency key, as a real gateway does, so a retried refund
returns the first answer and pays nothing more. ``InMemoryGateway`` remembers in
the process (scenarios, benchmarks); ``LedgerGateway`` in its own table, so its
memory survives a crashed worker like a real payment system's would.
"""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.engine import Database
from aftersales.domain.payouts import PaymentResult


class PaymentKeyReused(Exception):
    """A key came back with a different amount or case: a bug of the caller, never paid."""


class InMemoryGateway:
    def __init__(self) -> None:
        self.paid: dict[str, tuple[str, int]] = {}
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()

    def refund(self, key: str, case_id: str, amount: int, requested_at: datetime) -> PaymentResult:
        with self._lock:
            self.calls[key] = self.calls.get(key, 0) + 1
            first = self.paid.setdefault(key, (case_id, amount))
        if first != (case_id, amount):
            raise PaymentKeyReused(f"key {key} was used for {first}, now for {(case_id, amount)}")
        return PaymentResult("succeeded", f"sim-{key}", requested_at)


class LedgerGateway:
    """Durable simulated gateway. ``delay_ms`` stretches each call, so a crash test can
    kill a worker between the payment and the write that records it."""

    def __init__(self, db: Database, delay_ms: int = 0) -> None:
        self.db = db
        self.delay_ms = delay_ms

    def refund(self, key: str, case_id: str, amount: int, requested_at: datetime) -> PaymentResult:
        led = t.sim_gateway_ledger
        with self.db.writing() as conn:
            row = conn.execute(select(led).where(led.c.key == key)).first()
            if row is None:
                # A concurrent call with the same key may win the insert; then it paid, not us.
                with contextlib.suppress(IntegrityError):
                    conn.execute(insert(led).values(
                        key=key, case_id=case_id, amount=amount, reference=f"sim-{key}", calls=1,
                        created_at=datetime.now(UTC),
                    ))
                first = (case_id, amount)
            else:
                conn.execute(update(led).where(led.c.key == key).values(calls=led.c.calls + 1))
                first = (row.case_id, row.amount)
        if first != (case_id, amount):
            raise PaymentKeyReused(f"key {key} was used for {first}, now for {(case_id, amount)}")
        if self.delay_ms:
            time.sleep(self.delay_ms / 1000)
        return PaymentResult("succeeded", f"sim-{key}", requested_at)
