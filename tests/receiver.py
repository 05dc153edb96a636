"""A webhook receiver on loopback for tests and benchmarks: it verifies every request with the
``standardwebhooks`` package (not our signing code), keeps what it got, and can be told to fail
a share of requests (a 500) or to time out on them (it keeps the event, then answers too late,
as a receiver whose acknowledgement is lost)."""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    at: float
    event_id: str
    type: str
    body: dict[str, Any]
    headers: dict[str, str]
    raw: bytes
    answered: str  # "ok", "failed" (a 500), "late" (answered after the sender gave up)
    verified_with: tuple[int, ...]  # indices of the secrets the signature verified with


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)
    fail: float = 0.0
    late: float = 0.0
    late_seconds: float = 1.5
    status: int = 200
    seed: int = 1
    got: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(self.seed)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    draw = receiver._random.random()
                answered = "failed" if draw < receiver.fail else "late" if draw < receiver.fail + receiver.late \
                    else "ok"
                verified = tuple(i for i, s in enumerate(receiver.secrets) if _verifies(s, raw, headers))
                body = json.loads(raw) if raw else {}
                with receiver._lock:
                    receiver.got.append(Received(time.monotonic(), headers.get("webhook-id", ""), body.get("type", ""),
                                                 body, headers, raw, answered, verified))
                if answered == "late":
                    time.sleep(receiver.late_seconds)
                code = 500 if answered == "failed" else receiver.status
                self.send_response(code)
                self.send_header("content-type", "text/plain")
                self.end_headers()
                with contextlib.suppress(OSError):  # a sender that gave up closed the connection
                    self.wfile.write(b"failed on purpose" if code == 500 else b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, n: int, timeout: float = 30.0, answered: str = "ok") -> list[Received]:
        """Wait until ``n`` distinct events were answered so (ok: acknowledged); answers them all."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                done = {r.event_id for r in self.got if r.answered == answered}
            if len(done) >= n:
                break
            time.sleep(0.05)
        with self._lock:
            return list(self.got)


def _verifies(secret: str, raw: bytes, headers: dict[str, str]) -> bool:
    try:
        Webhook(secret).verify(raw, headers, json_parse=False)
    except WebhookVerificationError:
        return False
    return True
