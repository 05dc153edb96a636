"""The names an integrator sees for what happened to a case: one event type per kind of
history event, in the past tense (``agree`` → ``case.agreed``), as webhooks and ``GET
/api/v1/events`` carry them. The catalogue in ``docs/contract.md`` is generated from
``CATALOGUE``; a history action without a type here is a test failure, not a silent gap.
"""

from __future__ import annotations

from aftersales.domain.model import Text
from aftersales.domain.wording import DONE

# history action → event type
TYPE_OF: dict[str, str] = {
    "open": "case.opened",
    "agree": "case.agreed",
    "refuse": "case.refused",
    "modify": "case.modified",
    "withdraw": "case.withdrawn",
    "ship_return": "case.return_shipped",
    "confirm_receipt": "case.receipt_confirmed",
    "refuse_receipt": "case.receipt_refused",
    "settle": "case.refund_settled",
    "counter_offer": "case.offer_made",
    "accept_offer": "case.offer_accepted",
    "decline_offer": "case.offer_declined",
    "ship_replacement": "case.replacement_shipped",
    "confirm_replacement": "case.replacement_confirmed",
    "reject_replacement": "case.replacement_rejected",
    "complete": "case.completed",
    "close": "case.closed",
    "escalate": "case.escalated",
    "intervene": "case.intervened",
    "request_evidence": "case.evidence_requested",
    "end_evidence_round": "case.evidence_round_ended",
    "suspend": "case.suspended",
    "resume": "case.resumed",
    "rule": "case.ruled",
    "appeal": "case.appealed",
    "reopen_grant": "case.reopen_granted",
    "message": "case.message_posted",
    "evidence": "case.evidence_added",
    "assign": "case.assigned",
    "timer_failed": "case.deadline_failed",
    "deadline_moved": "case.deadline_moved",
}

# Sent only to the endpoint it was asked for, to check that the endpoint receives and verifies.
TEST = "webhook.test"

TYPES: frozenset[str] = frozenset(TYPE_OF.values()) | {TEST}

CATALOGUE: dict[str, tuple[str | None, Text]] = {
    **{kind: (action, DONE[action]) for action, kind in TYPE_OF.items()},
    TEST: (None, Text(zh="测试事件(仅发往请求测试的地址)", en="A test event, sent only to the endpoint that asked")),
}


def type_of(action: str) -> str:
    """The event type of a history action; an action unknown here still has a name."""
    return TYPE_OF.get(action, f"case.{action}")
