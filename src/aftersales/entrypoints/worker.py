"""The worker: fires due timers, settles payouts and sends webhooks, forever.

Claims are leases in real time (a test clock does not move by itself, so a lease
measured on it would never lapse). Due times are on the system's clock, real or
test. Several workers may run against one database: a claim is exclusive while
its lease runs, and a firing is re-checked against the case, so a crash means a
retry and never a double effect.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

from aftersales.bootstrap import System
from aftersales.services import commands as c
from aftersales.services.webhooks import requests as w

log = logging.getLogger("aftersales.worker")

IDEMPOTENCY_KEEP = timedelta(hours=48)  # the contract promises at least 24 h
EVENTS_KEEP = timedelta(days=35)  # the contract promises at least 30 days


class Worker:
    def __init__(
        self, system: System, *, name: str = "worker", poll: float | None = None, lease: float | None = None,
        batch: int = 100,
    ) -> None:
        self.system = system
        self.owner = f"{name}:{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        test = system.settings.clock == "test"
        # A moved test clock must show its effects "within a couple of seconds".
        self.poll = poll if poll is not None else (0.25 if test else 1.0)
        self.lease = timedelta(seconds=lease if lease is not None else float(
            os.environ.get("AFTERSALES_LEASE_SECONDS", "30")))
        self.batch = batch
        # Webhook requests in flight at once, each in a thread of its own.
        self.senders = int(os.environ.get("AFTERSALES_WEBHOOK_SENDERS") or 4)
        self._stop = threading.Event()
        self._sendable = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge = 0.0

    def run_once(self, webhooks: bool = True) -> int:
        """One round: fire what is due, settle what is pending, and (``webhooks``, unless the
        senders do it in their own threads) send what is due. Returns how much was claimed."""
        dispatch, lease = self.system.dispatch, self.lease.total_seconds()
        n = dispatch(c.FireDueTimers(owner=self.owner, lease_seconds=lease, limit=self.batch))
        n += dispatch(c.SettlePayouts(owner=self.owner, lease_seconds=lease, limit=self.batch))
        fanned = dispatch(w.FanOutEvents())
        if fanned:
            self._sendable.set()
        n += fanned
        if webhooks:
            n += dispatch(w.DeliverWebhooks(owner=self.owner, lease_seconds=lease, limit=self.batch))
        if time.monotonic() - self._last_purge > 3600:
            self._last_purge = time.monotonic()
            purged = dispatch(c.PurgeIdempotency(before=datetime.now(UTC) - IDEMPOTENCY_KEEP))
            if purged:
                log.info("purged %d idempotency keys older than %s", purged, IDEMPOTENCY_KEEP)
            events = dispatch(w.PurgeEvents(before=datetime.now(UTC) - EVENTS_KEEP))
            if events:
                log.info("purged %d events older than %s", events, EVENTS_KEEP)
        return n

    def send(self, index: int) -> None:
        """One sender: claim a due webhook delivery, send it, again; rest a poll when none is due.
        Several run side by side, so one slow endpoint holds up one sender, not the deadlines."""
        owner, lease = f"{self.owner}:s{index}", self.lease.total_seconds()
        while not self._stop.is_set():
            try:
                busy = self.system.dispatch(w.DeliverWebhooks(owner=owner, lease_seconds=lease, limit=1))
            except Exception:
                log.exception("webhook sender %s failed; retrying", owner)
                busy = 0
            if not busy:
                self._sendable.wait(self.poll)  # new deliveries made by this worker wake it at once
                self._sendable.clear()

    def run(self) -> None:
        log.info("worker %s started (poll %.2fs, lease %s, %d webhook senders)", self.owner, self.poll, self.lease,
                 self.senders)
        for i in range(self.senders):
            threading.Thread(target=self.send, args=(i,), name=f"aftersales-sender-{i}", daemon=True).start()
        while not self._stop.is_set():
            try:
                busy = self.run_once(webhooks=False)
            except Exception:
                # A database hiccup must not kill the worker; the leases make the retry safe.
                log.exception("worker round failed; retrying")
                busy = 0
            if busy:
                continue  # more may be due: go round again at once
            self.system.wake.wait(self.poll)
            self.system.wake.clear()
        log.info("worker %s stopped", self.owner)

    def start_thread(self) -> None:
        self._thread = threading.Thread(target=self.run, name="aftersales-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._sendable.set()
        self.system.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
