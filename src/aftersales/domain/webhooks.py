"""Webhook endpoints and the rules of sending to them: which events an endpoint takes, when a
failed delivery is tried again and when it is given up, when an endpoint that keeps failing is
switched off, and which addresses are never sent to.

Pure: the caller resolves names and reads clocks; ``public_address`` judges an address it got.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from aftersales.domain import errors

# Standard Webhooks' schedule (seconds after the attempt before): at once, 5 s, 5 min, 30 min,
# 2 h, 5 h, 10 h, 10 h; then every 10 h until three days from the first attempt.
SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
KEEP_TRYING = timedelta(days=3)
DISABLE_AFTER = timedelta(days=5)  # of failing with no success in between
ROTATION_OVERLAP = timedelta(hours=24)
JITTER = 0.2  # ± this share of a delay, so endpoints that failed together are not retried together

MAX_URL = 2048
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    url: str
    store_id: str | None  # None: the platform's, for every case
    events: tuple[str, ...] | None  # None: every type
    description: str | None
    generation: int  # of the secret; the one before stays valid until ``previous_until``
    previous_until: datetime | None
    enabled: bool
    disabled_reason: str | None  # "owner" | "failing"
    failing_since: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime

    def takes(self, event_type: str, store_id: str | None) -> bool:
        """Whether an event of this type about a case of ``store_id`` goes to this endpoint."""
        if self.store_id is not None and self.store_id != store_id:
            return False
        return self.events is None or event_type in self.events

    def generations(self, now: datetime) -> tuple[int, ...]:
        """The secrets a delivery is signed with now: the current one, and the one before
        while its overlap lasts (a receiver verifies either during a rotation)."""
        if self.previous_until is not None and now < self.previous_until and self.generation > 1:
            return (self.generation, self.generation - 1)
        return (self.generation,)


def retry_delay(attempts: int, jitter: float, scale: float = 1.0) -> timedelta:
    """How long after the ``attempts``-th failed attempt the next one is made; ``jitter`` in
    [0, 1) spreads it by ±20 %; ``scale`` shrinks the schedule (tests, closed networks)."""
    base = SCHEDULE[min(attempts, len(SCHEDULE)) - 1] if attempts >= 1 else 0
    return timedelta(seconds=base * (1 + JITTER * (2 * jitter - 1)) * scale)


def gives_up(first_at: datetime, now: datetime) -> bool:
    """A delivery failing since ``first_at`` is given up (state failed) after three days."""
    return now - first_at >= KEEP_TRYING


def public_address(address: str) -> bool:
    """Whether an IP address is one on the public internet: loopback, private (10/8, 172.16/12,
    192.168/16, fc00::/7), link-local (169.254/16 with the clouds' metadata 169.254.169.254,
    fe80::/10), shared (100.64/10, where one cloud's metadata lives), multicast, reserved and
    unspecified addresses are not, nor an IPv6 address that maps or embeds one of them."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in _NAT64:  # a NAT64 gateway would reach the IPv4 address inside
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return public_address(str(inner))
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> tuple[str, str, int]:
    """The URL's scheme, host and port, or a refusal saying what is wrong with it."""
    def refuse(en: str, zh: str) -> errors.WebhookUrlRefused:
        return errors.WebhookUrlRefused(en, zh, field="url")

    if len(url) > MAX_URL:
        raise refuse(f"the URL is longer than {MAX_URL} characters", f"地址超过 {MAX_URL} 个字符")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise refuse(f"the URL cannot be read: {exc}", "地址无法解析") from exc
    if parts.scheme not in ("http", "https"):
        raise refuse("the URL must start with https:// (or http://)", "地址须以 https://(或 http://)开头")
    if not parts.hostname:
        raise refuse("the URL has no host", "地址缺少主机名")
    if parts.username is not None or parts.password is not None:
        raise refuse("the URL must not carry a user name or password", "地址中不能包含用户名或密码")
    if parts.fragment:
        raise refuse("the URL must not have a #fragment", "地址中不能包含 # 片段")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def refuse_address(host: str, address: str) -> errors.WebhookUrlRefused:
    """The refusal of a host that resolves to an address inside the network."""
    shown = host if host == address else f"{host} ({address})"
    return errors.WebhookUrlRefused(
        f"{shown} is not a public address (loopback, private, link-local or a cloud's metadata service); "
        "events are sent only to addresses on the internet",
        f"{shown} 不是公网地址(本机、内网、链路本地或云元数据服务),事件只发往互联网上的地址",
        field="url",
    )
