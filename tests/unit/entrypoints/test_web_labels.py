"""The buyer's stepper and the one action that leads a case page (issue 14, point 4)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from aftersales.domain.model import CaseType, Status
from aftersales.entrypoints.web import labels

S, T = Status, CaseType


@dataclass
class _Case:
    type: CaseType
    status: Status


def _at(case_type: CaseType, status: Status) -> tuple[str | None, list[str]]:
    steps = labels.steps(_Case(case_type, status))  # type: ignore[arg-type]
    current = next((name for name, state in steps if state == "current"), None)
    return current, [state for _, state in steps]


@pytest.mark.parametrize(("case_type", "status", "current"), [
    (T.RETURN_REFUND, S.AWAITING_SELLER, "Seller answers"),
    (T.RETURN_REFUND, S.SELLER_REFUSED, "Seller answers"),
    (T.RETURN_REFUND, S.PLATFORM_REVIEW, "Seller answers"),
    (T.RETURN_REFUND, S.AWAITING_RETURN, "Goods sent back"),
    (T.RETURN_REFUND, S.AWAITING_RECEIPT, "Seller receives"),
    (T.RETURN_REFUND, S.REFUNDING, "Refund paid"),
    (T.REFUND_ONLY, S.REFUNDING, "Refund paid"),
    (T.EXCHANGE, S.AWAITING_REPLACEMENT, "Replacement shipped"),
    (T.EXCHANGE, S.AWAITING_BUYER_CONFIRMATION, "Replacement confirmed"),
    (T.REPAIR, S.AWAITING_REPLACEMENT, "Repaired goods shipped"),
    (T.RESHIP, S.AWAITING_REPLACEMENT, "Replacement shipped"),
    (T.RESHIP, S.AWAITING_BUYER_CONFIRMATION, "Replacement confirmed"),
])
def test_each_status_stands_at_its_step_with_the_earlier_ones_done(case_type: CaseType, status: Status,
                                                                   current: str) -> None:
    at, states = _at(case_type, status)
    assert at == current
    i = states.index("current")
    assert states[:i] == ["done"] * i and set(states[i + 1:]) <= {"todo"}


def test_a_completed_case_has_every_step_done_and_a_closed_one_only_the_first() -> None:
    assert _at(T.EXCHANGE, S.COMPLETED) == (None, ["done"] * 6)
    assert _at(T.RETURN_REFUND, S.CLOSED) == (None, ["done", "todo", "todo", "todo", "todo"])


def test_one_action_leads_the_offer_answers_sit_on_the_card_and_the_rest_wait_behind_more() -> None:
    assert labels.split(["modify", "withdraw"]) == ([], [], ["modify", "withdraw"])
    assert labels.split(["modify", "withdraw", "escalate", "accept_offer", "decline_offer"]) == (
        ["escalate"], ["accept_offer", "decline_offer"], ["modify", "withdraw"])
    assert labels.split(["agree", "refuse", "counter_offer"]) == (["agree"], [], ["refuse", "counter_offer"])
    assert labels.split(["rule", "request_evidence", "suspend"])[0] == ["rule"]
    assert labels.split(["counter_offer"]) == (["counter_offer"], [], [])  # alone, it is not hidden
