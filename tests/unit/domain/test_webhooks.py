"""The rules of sending webhooks: the retry schedule, giving up, switching an endpoint off, the
secrets a delivery is signed with during a rotation, and the addresses never sent to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.domain import errors
from aftersales.domain.webhooks import (
    SCHEDULE,
    Endpoint,
    check_url,
    gives_up,
    public_address,
    retry_delay,
)

NOW = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)


def _endpoint(**kw: object) -> Endpoint:
    base: dict[str, object] = {
        "id": "we1", "url": "https://hooks.example.com/in", "store_id": None, "events": None, "description": None,
        "generation": 1, "previous_until": None, "enabled": True, "disabled_reason": None, "failing_since": None,
        "created_by": "ops", "created_at": NOW, "updated_at": NOW}
    return Endpoint(**{**base, **kw})  # type: ignore[arg-type]


def test_the_schedule_is_standard_webhooks_then_every_ten_hours() -> None:
    assert [retry_delay(n, 0.5).total_seconds() for n in range(1, 9)] == [5, 300, 1800, 7200, 18000, 36000, 36000,
                                                                          36000]


@given(st.integers(1, 40), st.floats(0, 1, exclude_max=True), st.sampled_from([1.0, 0.01, 0.0002]))
def test_a_retry_waits_its_step_within_twenty_percent(attempts: int, jitter: float, scale: float) -> None:
    step = SCHEDULE[min(attempts, len(SCHEDULE)) - 1] * scale
    assert 0.8 * step - 1e-9 <= retry_delay(attempts, jitter, scale).total_seconds() <= 1.2 * step + 1e-9


def test_a_delivery_is_tried_for_three_days() -> None:
    assert not gives_up(NOW, NOW + timedelta(days=3) - timedelta(seconds=1))
    assert gives_up(NOW, NOW + timedelta(days=3))


def test_a_rotation_signs_with_both_secrets_for_a_day() -> None:
    assert _endpoint().generations(NOW) == (1,)
    rotated = _endpoint(generation=2, previous_until=NOW + timedelta(hours=24))
    assert rotated.generations(NOW) == (2, 1)
    assert rotated.generations(NOW + timedelta(hours=24)) == (2,)


def test_an_endpoint_takes_its_store_and_its_types() -> None:
    platform, store = _endpoint(), _endpoint(store_id="s1", events=("case.agreed",))
    assert platform.takes("case.opened", "s2") and platform.takes("case.agreed", "s1")
    assert store.takes("case.agreed", "s1")
    assert not store.takes("case.opened", "s1") and not store.takes("case.agreed", "s2")


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.100.100.200",
    "0.0.0.0", "255.255.255.255", "224.0.0.1", "::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1",  # noqa: S104
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::1", "64:ff9b::a00:1", "not an address", "",
])
def test_no_address_inside_a_network_is_public(address: str) -> None:
    assert not public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_addresses_on_the_internet_are(address: str) -> None:
    assert public_address(address)


@pytest.mark.parametrize("url", ["ftp://example.com/", "example.com/in", "https://", "https://u:p@example.com/",
                                 "https://example.com/#x", "http://example.com:99999/", "https://" + "a" * 2050])
def test_a_url_that_is_not_a_plain_http_address_is_refused(url: str) -> None:
    with pytest.raises(errors.WebhookUrlRefused):
        check_url(url)


def test_a_url_gives_its_host_and_port() -> None:
    assert check_url("https://hooks.example.com/in?x=1") == ("https", "hooks.example.com", 443)
    assert check_url("http://[2606:4700::1]:8080/") == ("http", "2606:4700::1", 8080)
