"""The transition table of DESIGN 3.2, as data: who may take which action from which status.

The system actor takes the default outcomes of DESIGN 3.3; a policy pack may name a
timeout action only where this table lets the system take it (``system_actions``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aftersales.domain import errors, wording
from aftersales.domain.model import OPEN_STATUSES, Case, CaseType, Role, Status

S = Status
T = CaseType
R = Role


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    roles: frozenset[Role]
    sources: frozenset[Status]
    # One target for every type, or a target per type; None where the target depends on
    # the action's input (a ruling's outcome).
    target: Status | Mapping[CaseType, Status] | None
    # The action changes the case without entering a status: the status and its running
    # deadline stay as they are (an offer made or declined does not stop the clock).
    keeps: bool = False

    def target_for(self, case_type: CaseType) -> Status | None:
        """The status this transition leads a case of ``case_type`` to; None when the input decides."""
        if self.target is None or isinstance(self.target, Status):
            return self.target
        return self.target.get(case_type)


def _t(
    action: str, roles: set[Role], sources: set[Status], target: Status | Mapping[CaseType, Status] | None
) -> Transition:
    return Transition(action, frozenset(roles), frozenset(sources), target)


def _k(action: str, roles: set[Role], sources: set[Status]) -> Transition:
    """An action that keeps the case in its status, deadline running."""
    return Transition(action, frozenset(roles), frozenset(sources), None, keeps=True)


# Where a seller may propose other terms: before answering, after refusing, and on receiving
# the returned goods (a partial refund for goods that came back worn, say).
OFFER_STATUSES = {S.AWAITING_SELLER, S.SELLER_REFUSED, S.AWAITING_RECEIPT}
# The actions that answer an offer; they are offered to the buyer only while one is pending.
OFFER_ANSWERS = ("accept_offer", "decline_offer")


TRANSITIONS: tuple[Transition, ...] = (
    _t("agree", {R.SELLER, R.SYSTEM}, {S.AWAITING_SELLER}, {
        T.REFUND_ONLY: S.REFUNDING,
        T.RETURN_REFUND: S.AWAITING_RETURN,
        T.EXCHANGE: S.AWAITING_RETURN,
        T.REPAIR: S.AWAITING_RETURN,
        T.RESHIP: S.AWAITING_REPLACEMENT,
    }),
    _t("refuse", {R.SELLER}, {S.AWAITING_SELLER}, S.SELLER_REFUSED),
    _t("modify", {R.BUYER}, {S.AWAITING_SELLER, S.SELLER_REFUSED}, S.AWAITING_SELLER),
    _t("withdraw", {R.BUYER}, {S.AWAITING_SELLER, S.SELLER_REFUSED, S.AWAITING_RETURN, S.PLATFORM_REVIEW}, S.CLOSED),
    _t("escalate", {R.BUYER}, {S.SELLER_REFUSED, S.AWAITING_REPLACEMENT, S.AWAITING_BUYER_CONFIRMATION},
       S.PLATFORM_REVIEW),
    _t("escalate", {R.SELLER}, {S.AWAITING_RECEIPT}, S.PLATFORM_REVIEW),
    _t("escalate", {R.SYSTEM}, {S.AWAITING_REPLACEMENT}, S.PLATFORM_REVIEW),
    _t("ship_return", {R.BUYER}, {S.AWAITING_RETURN}, S.AWAITING_RECEIPT),
    _t("confirm_receipt", {R.SELLER, R.SYSTEM}, {S.AWAITING_RECEIPT}, {
        T.RETURN_REFUND: S.REFUNDING,
        T.EXCHANGE: S.AWAITING_REPLACEMENT,
        T.REPAIR: S.AWAITING_REPLACEMENT,
    }),
    _t("refuse_receipt", {R.SELLER}, {S.AWAITING_RECEIPT}, S.SELLER_REFUSED),
    _t("ship_replacement", {R.SELLER}, {S.AWAITING_REPLACEMENT}, S.AWAITING_BUYER_CONFIRMATION),
    _t("confirm_replacement", {R.BUYER}, {S.AWAITING_BUYER_CONFIRMATION}, S.COMPLETED),
    _t("reject_replacement", {R.BUYER}, {S.AWAITING_BUYER_CONFIRMATION}, S.AWAITING_SELLER),
    _t("rule", {R.AGENT, R.OPERATOR}, {S.PLATFORM_REVIEW}, None),
    # An agent steps into any open dispute on their own initiative, or claims one in review.
    _t("intervene", {R.AGENT, R.OPERATOR}, set(OPEN_STATUSES - {S.PLATFORM_REVIEW, S.REFUNDING}),
       S.PLATFORM_REVIEW),
    _k("intervene", {R.AGENT, R.OPERATOR}, {S.PLATFORM_REVIEW}),
    _k("request_evidence", {R.AGENT, R.OPERATOR}, {S.PLATFORM_REVIEW}),
    _k("end_evidence_round", {R.AGENT, R.OPERATOR, R.SYSTEM}, {S.PLATFORM_REVIEW}),
    _t("reopen_grant", {R.AGENT, R.OPERATOR}, {S.PLATFORM_REVIEW}, S.COMPLETED),
    _k("suspend", {R.BUYER, R.SELLER, R.AGENT, R.OPERATOR}, {S.PLATFORM_REVIEW}),
    _k("resume", {R.BUYER, R.SELLER, R.AGENT, R.OPERATOR, R.SYSTEM}, {S.PLATFORM_REVIEW}),
    _k("counter_offer", {R.SELLER}, OFFER_STATUSES),
    _t("accept_offer", {R.BUYER}, OFFER_STATUSES, None),
    _k("decline_offer", {R.BUYER}, OFFER_STATUSES),
    _t("close", {R.SYSTEM}, {S.SELLER_REFUSED, S.AWAITING_RETURN}, S.CLOSED),
    _t("complete", {R.SYSTEM}, {S.AWAITING_BUYER_CONFIRMATION}, S.COMPLETED),
    _t("settle", {R.SYSTEM}, {S.REFUNDING}, S.COMPLETED),
)

ACTIONS: frozenset[str] = frozenset(t.action for t in TRANSITIONS)
# Actions a client may call over the API (``settle`` and the timeout outcomes are the system's).
PUBLIC_ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS if t.roles - {R.SYSTEM}))


def _roles_by_action() -> dict[str, frozenset[Role]]:
    out: dict[str, frozenset[Role]] = {}
    for tr in TRANSITIONS:
        out[tr.action] = out.get(tr.action, frozenset()) | tr.roles
    return out


ROLES_BY_ACTION: Mapping[str, frozenset[Role]] = _roles_by_action()


def system_actions(status: Status) -> frozenset[str]:
    """The default outcomes the system itself may take from ``status`` (what a pack's timeouts may name)."""
    return frozenset(tr.action for tr in TRANSITIONS if R.SYSTEM in tr.roles and status in tr.sources)


def target_of(action: str, case_type: CaseType) -> Status | None:
    """Where ``action`` leads a case of ``case_type`` (as its first transition in the table says)."""
    return next(tr for tr in TRANSITIONS if tr.action == action).target_for(case_type)


def find(case: Case, role: Role, action: str) -> Transition:
    """The transition ``role`` takes with ``action`` from the case's status, or IllegalTransition."""
    for tr in TRANSITIONS:
        if tr.action == action and role in tr.roles and case.status in tr.sources:
            return tr
    status, what = wording.STATUS[case.status], wording.action(action)
    raise errors.IllegalTransition(
        f"a case {status.en} cannot {what.en} ({action} is not allowed while the case is {case.status.value})",
        f"售后单当前{status.zh},不能{what.zh}",
        case_status=case.status.value,
        action=action,
    )


def allowed_actions(case: Case, role: Role) -> list[str]:
    """The actions a party of ``role`` may take on the case now (for clients' buttons)."""
    out = [tr.action for tr in TRANSITIONS if role in tr.roles and case.status in tr.sources]
    if case.receipt_refused and "modify" in out:
        out.remove("modify")
    if case.offer is None:
        out = [a for a in out if a not in OFFER_ANSWERS]
    kind = case.pause.kind if case.pause is not None else None
    hidden = {"end_evidence_round"} if kind != "evidence" else set()
    if kind is not None:
        hidden.add("request_evidence")
    if kind == "evidence":
        hidden.add("suspend")  # one pause at a time: a suspension is asked once the round ends
    if case.kind != "reopening":
        hidden.add("reopen_grant")
    if kind not in ("negotiation", "proceedings", "proceedings_proven") or (
            role in (R.BUYER, R.SELLER) and kind != "negotiation"):
        hidden.add("resume")
    if kind in ("negotiation", "proceedings", "proceedings_proven"):
        # Suspended (中止处理): nothing acts on the review but resuming it, the buyer's withdrawal,
        # and the proof of proceedings (review.check_suspended).
        out = [a for a in out if a in ("resume", "withdraw") or (a == "suspend" and kind == "proceedings")]
    if (role in (R.BUYER, R.SELLER) and case.status.terminal and case.ruling is not None and case.kind == "dispute"
            and case.appeal_id is None):
        out.append("appeal")  # a new case, not a transition of this one; its window is checked on asking
    return [a for a in dict.fromkeys(out) if a not in hidden]
