"""Sending webhooks over HTTP: signed with the ``standardwebhooks`` package, sent with httpx,
and only to public addresses.

The address check is made on the address actually connected to: the connection's network
backend resolves the name itself and connects to an address it has judged, so a name that
resolves to a public address at registration and to 169.254.169.254 at send time (DNS
rebinding) is refused at send time. No proxy from the environment is used (it would connect on
our behalf, unchecked), no redirect is followed, at most 64 KB of an answer is read.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import httpcore2
import httpx2
from standardwebhooks.webhooks import Webhook

from aftersales.domain.webhooks import check_url, public_address, refuse_address
from aftersales.services.webhooks.values import ANSWER_KEPT, SendResult

READ_AT_MOST = 64 * 1024
Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (an IP literal resolves to itself)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class AddressRefused(httpcore2.ConnectError):
    """The host resolved only to addresses events are not sent to."""


class _GuardedBackend(httpcore2.SyncBackend):
    def __init__(self, allow_private: bool, resolver: Resolver) -> None:
        self.allow_private = allow_private
        self.resolver = resolver

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        try:
            addresses = self.resolver(host, port)
        except OSError as exc:
            raise httpcore2.ConnectError(f"{host} does not resolve: {exc}") from exc
        allowed = [a for a in addresses if self.allow_private or public_address(a)]
        if not allowed:
            raise AddressRefused(refuse_address(host, addresses[0] if addresses else host).en)
        error: Exception | None = None
        for address in allowed:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore2.ConnectError as exc:
                error = exc
        assert error is not None
        raise error


class HttpSender:
    """The ``WebhookSender`` over httpx: connect timeout 3 s, 10 s for the whole answer."""

    def __init__(self, *, allow_private: bool = False, connect_timeout: float = 3.0, total_timeout: float = 10.0,
                 resolver: Resolver = resolve) -> None:
        self.allow_private = allow_private
        self.timeout, self.connect = total_timeout, connect_timeout
        self.resolver = resolver
        self._client: httpx2.Client | None = None

    @property
    def client(self) -> httpx2.Client:
        """Made on first use: its TLS context costs more than most processes ever send."""
        if self._client is None:
            transport = httpx2.HTTPTransport(retries=0)
            transport._pool._network_backend = _GuardedBackend(self.allow_private, self.resolver)  # no public way
            self._client = httpx2.Client(transport=transport, follow_redirects=False, trust_env=False,
                                         timeout=httpx2.Timeout(self.timeout, connect=self.connect),
                                         headers={"user-agent": "Aftersales-Webhooks/1"})
        return self._client

    def check(self, url: str) -> None:
        _, host, port = check_url(url)
        if self.allow_private:
            return
        try:
            addresses = self.resolver(host.strip("[]"), port)
        except OSError:
            return  # not resolvable now: checked again, as always, when sending
        for address in addresses:
            if not public_address(address):
                raise refuse_address(host, address)

    def send(self, url: str, message_id: str, body: bytes, secrets: Sequence[str], at: datetime) -> SendResult:
        signature = " ".join(Webhook(s).sign(message_id, at, body) for s in secrets)
        headers = {"content-type": "application/json", "webhook-id": message_id,
                   "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature}
        started = time.monotonic()
        try:
            with self.client.stream("POST", url, content=body, headers=headers) as answer:
                read = b""
                for chunk in answer.iter_raw():
                    read += chunk
                    if len(read) >= READ_AT_MOST:
                        break
                    if time.monotonic() - started > self.timeout:
                        return self._result(started, answer.status_code, read,
                                            f"the answer took longer than {self.timeout:g} s")
                return self._result(started, answer.status_code, read)
        except httpx2.TimeoutException:
            return self._result(started, None, b"", f"no answer within {self.timeout:g} s")
        except httpx2.HTTPError as exc:
            return self._result(started, None, b"", str(exc) or type(exc).__name__)

    @staticmethod
    def _result(started: float, status: int | None, read: bytes, error: str | None = None) -> SendResult:
        elapsed = int((time.monotonic() - started) * 1000)
        answer = read[:ANSWER_KEPT].decode("utf-8", errors="replace")
        return SendResult(None if error else status, elapsed, answer, error)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
