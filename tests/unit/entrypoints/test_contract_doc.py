"""docs/contract.md, the integrators' contract, is generated from the code and must match it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aftersales.adapters.webhooks import HttpSender
from aftersales.domain.event_types import TYPE_OF, TYPES
from aftersales.domain.model import Status
from aftersales.domain.transitions import ACTIONS
from aftersales.entrypoints.api.problems import TITLES
from aftersales.entrypoints.contract_doc import document
from tests.receiver import Receiver

DOC = Path(__file__).parents[3] / "docs" / "contract.md"


def test_the_committed_contract_matches_the_code() -> None:
    assert document() == DOC.read_text(encoding="utf-8"), "the contract changed: run `make docs/contract.md`"


def test_every_status_action_and_error_code_is_in_it_with_its_status() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert all(f"| `{s.value}` |" in text for s in Status)
    assert all(f"| `{a}` |" in text for a in ACTIONS)
    for code in TITLES:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{code}` |"))
        assert row.split("|")[2].strip().isdigit(), row  # every code says the HTTP status it comes with


def test_every_history_action_has_an_event_type_in_the_catalogue() -> None:
    text = DOC.read_text(encoding="utf-8")
    history = {*ACTIONS, "open", "appeal", "message", "evidence", "assign", "timer_failed", "deadline_moved"}
    assert history <= set(TYPE_OF), history - set(TYPE_OF)
    assert all(f"| `{kind}` |" in text for kind in TYPES)
    assert len(set(TYPE_OF.values())) == len(TYPE_OF)  # no two actions share a type


def test_the_receiver_example_verifies_a_delivery_our_sender_signed() -> None:
    """The contract's example, run as written, against a request our sender signed and sent."""
    example = DOC.read_text(encoding="utf-8").split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict[str, Any] = {}
    exec(compile(example, "contract.md", "exec"), scope)  # noqa: S102 (the committed example)
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    receiver = Receiver()
    try:
        sent = HttpSender(allow_private=True).send(receiver.url, "evt_1", b'{"id":"evt_1"}', [secret],
                                                   datetime.now(UTC))
        assert sent.ok, sent
        got = receiver.got[0]
        assert scope["receive"](secret, got.raw, got.headers) == {"id": "evt_1"}
        with pytest.raises(PermissionError):
            scope["receive"]("whsec_" + base64.b64encode(b"x" * 32).decode(), got.raw, got.headers)
        with pytest.raises(PermissionError):
            scope["receive"](secret, got.raw + b" ", got.headers)
    finally:
        receiver.close()
