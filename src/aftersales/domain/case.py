"""The case state machine: the transition table (``transitions``) driven, guards and changes
applied (``effects``), and everything a change means returned as one ``Outcome``.

``open_case``, ``act``, ``note`` and ``timer_failed`` are pure: they take the case and
what it acts on (``inputs.Context``) and return the changed case, its one history event,
the timer to arm or drop and any payouts to make. They read no clock; the caller says
when the action happens. Checks run in the contract's order (DESIGN 3.2): not_found,
forbidden, version_conflict, illegal_transition, case_already_open, attempts_exhausted,
not_eligible, window_expired, refusal_not_allowed, amount_exceeds_paid.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales.domain import access, eligibility, errors, evidence, freight, review, transitions, wording
from aftersales.domain.dispute import Offer, Pause
from aftersales.domain.effects import EFFECTS, amount_for, check_amount
from aftersales.domain.inputs import CaseRequest, Context, Params
from aftersales.domain.model import Actor, Case, DueTimer, Event, Status, Text
from aftersales.domain.narrative import says
from aftersales.domain.payouts import PayoutRequest
from aftersales.domain.policy import EVIDENCE_ACTIONS, Pack
from aftersales.domain.timecalc import BusinessCalendar, add

# The actions whose guards read the line's other cases (amounts already refunded,
# eligibility again). Services load that history only for these; a test runs every
# other action with a history that fails when read, so this set cannot go stale.
READS_LINE_HISTORY = frozenset({"modify", "rule", "counter_offer", "accept_offer"})
# The actions that make or answer an offer; every other action lets a pending offer lapse.
_OFFER_ACTIONS = frozenset({"counter_offer", "accept_offer", "decline_offer"})


@dataclass(frozen=True)
class Outcome:
    """Everything one change means, for the services to write in one transaction."""

    case: Case
    event: Event
    payouts: tuple[PayoutRequest, ...] = ()
    # The case's timer after the change: armed anew, dropped, or (neither: a message, an
    # upload) left as it was, so that adding to a case never defuses its deadline.
    arm: DueTimer | None = None
    disarm: bool = False
    # The system's sentence for the negotiation's thread, where the change is one it tells.
    says: Text | None = None


# Fields whose before/after values an event records.
_TRACKED = (
    "status", "type", "reason", "amount", "refunded", "deadline", "deadline_action", "return_address",
    "repair_failures", "refusal_reason", "offer", "agent", "pause", "sla_due",
)


def snapshot(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _TRACKED:
        v = getattr(case, name)
        if isinstance(v, Offer | Pause):
            out[name] = v.as_dict()
        else:
            out[name] = v.isoformat() if isinstance(v, datetime) else (v.value if hasattr(v, "value") else v)
    return out


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def sla_due(at: datetime, pack: Pack, calendar: BusinessCalendar, kind: str = "dispute") -> datetime:
    """When the platform owes a look at a case that needs it from ``at`` (DESIGN 3.3: 2 business
    days; a request to reopen a window has the pack's own review time)."""
    sla = pack.review.reopening_sla if kind == "reopening" else pack.intervention_sla
    return add(at, sla, pack.zone, calendar).at


def enter(case: Case, at: datetime, ctx: Context) -> DueTimer | None:
    """Enter the case's (new) status at ``at``: a new entry, the status's deadline if it has
    one (returned as the timer to arm), and the agents' SLA if the status is theirs."""
    case.entry += 1
    case.status_since = at
    case.attention = None
    case.pause = case.suspend_asked = None
    case.sla_due = sla_due(at, ctx.pack, ctx.calendar, case.kind) if case.status is Status.PLATFORM_REVIEW else None
    rule = None
    if not case.status.terminal:
        rule = ctx.pack.timeout_for(case.status, case.type, ctx.order.goods_state(at))
    if rule is None:
        case.deadline = case.deadline_action = case.deadline_rule = None
        case.deadline_provisional = False
        return None
    d = add(at, rule.after, ctx.pack.zone, ctx.calendar)
    case.deadline, case.deadline_provisional = d.at, d.provisional
    case.deadline_action, case.deadline_rule = rule.action, rule.id
    return DueTimer(case.id, case.entry, d.at, rule.action)


def settle_freight(case: Case, ctx: Context) -> None:
    case.freight = freight.settle(case, ctx.order, ctx.pack, ctx.order_refunded_elsewhere, ctx.store)


def open_case(case_id: str, actor: Actor, at: datetime, ctx: Context, request: CaseRequest) -> Outcome:
    """Open a case on ``ctx.line`` for its buyer (the first status, ``awaiting_seller``)."""
    access.require(actor, "open_case")
    if actor.id != ctx.order.buyer_id:
        raise errors.NotFound("no such order line", "订单商品不存在")
    fen = amount_for(request.type, request.amount)
    option = eligibility.require(ctx.facts, request.type, request.reason, at)
    check_amount(fen, ctx)
    case = Case(
        id=case_id, order_id=ctx.order.id, line_id=ctx.line.id, store_id=ctx.order.store_id,
        buyer_id=ctx.order.buyer_id, type=request.type, reason=request.reason, status=Status.AWAITING_SELLER,
        phase=ctx.order.phase(at), amount=fen, refunded=0, line_paid=ctx.line.paid, opened_at=at, status_since=at,
        description=request.description, evidence_ids=list(request.evidence_ids), eligibility_rule=option.rule,
    )
    timer = enter(case, at, ctx)
    settle_freight(case, ctx)
    case.version = 1
    case.updated_at = at
    data: dict[str, Any] = {"eligibility_rule": option.rule, "line_paid": ctx.line.paid}
    if request.evidence_ids:
        data["evidence_ids"] = list(request.evidence_ids)
    if request.description:
        data["description"] = request.description
    event = Event(case.id, 1, at, actor, "open", None, case.status, {}, snapshot(case), data)
    return Outcome(case, event, arm=timer, disarm=timer is None, says=says(event, case, ctx.pack))


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != case.version:
        raise errors.VersionConflict(
            f"the case is at version {case.version}, not {expected_version}",
            f"售后单已更新(版本 {case.version}),请刷新后重试",
            current_version=case.version,
        )


def _target(case: Case, tr: transitions.Transition, action: str) -> Status:
    target = tr.target_for(case.type)
    if target is None:
        kind, what = wording.TYPE[case.type], wording.action(action)
        raise errors.IllegalTransition(f"a {kind.en} case cannot {what.en} ({action})",
                                       f"{kind.zh}售后单不能{what.zh}")
    return target


def _payouts(before: Status, case: Case) -> tuple[PayoutRequest, ...]:
    """What entering the new status owes the buyer: the goods refund on entering ``refunding``;
    the freight compensation and insurance with it, or on completing without a refund."""
    out: list[PayoutRequest] = []
    entering_refund = case.status is Status.REFUNDING and before is not Status.REFUNDING
    if entering_refund:
        out.append(PayoutRequest(case.id, "goods", case.amount, f"{case.id}:goods"))
    pays_freight = entering_refund or (case.status is Status.COMPLETED and before is not Status.REFUNDING)
    if pays_freight and case.freight is not None:
        if case.freight.compensation > 0:
            out.append(PayoutRequest(case.id, "freight", case.freight.compensation, f"{case.id}:freight"))
        if case.freight.insurance > 0:
            out.append(PayoutRequest(case.id, "insurance", case.freight.insurance, f"{case.id}:insurance"))
    return tuple(out)


def act(case: Case, action: str, actor: Actor, at: datetime, ctx: Context, params: Params | None = None,
        expected_version: int | None = None) -> Outcome:
    """Take ``action`` on ``case`` at ``at``; return the changed copy and its history event."""
    p = params or Params()
    access.authorize_action(case, actor, action)
    access.authorize_handler(case, actor)
    _check_version(case, expected_version)
    tr = transitions.find(case, actor.role, action)
    review.check_suspended(case, action, ctx)
    if action in EVIDENCE_ACTIONS:
        evidence.require_for(ctx.pack.evidence_rules, action, actor.role.value, case.reason, ctx.line.category,
                             ctx.order.delivered_at, at, ctx.kinds_of(actor.role.value), ctx.pack.zone, ctx.calendar)
    new = dataclasses.replace(case, evidence_ids=list(case.evidence_ids))
    before = snapshot(case)
    effect = EFFECTS.get(action)
    target = effect(new, tr, actor, at, ctx, p) if effect is not None else None
    data = p.data()
    if case.offer is not None and action not in _OFFER_ACTIONS:
        # Whatever else happens to the case answers the offer too: it lapses (a deadline's
        # default outcome, the seller agreeing, the buyer escalating or modifying).
        new.offer = None
        data["offer_lapsed"] = case.offer.seq
    timer: DueTimer | None = None
    rearmed = tr.keeps and new.entry != case.entry  # the effect set or dropped the deadline itself
    if not tr.keeps:
        new.status = target if target is not None else _target(new, tr, action)
        timer = enter(new, at, ctx)
    elif rearmed and new.deadline is not None and new.deadline_action is not None:
        timer = DueTimer(new.id, new.entry, new.deadline, new.deadline_action)
    if p.evidence_ids:
        new.evidence_ids.extend(e for e in p.evidence_ids if e not in new.evidence_ids)
    settle_freight(new, ctx)
    new.version = case.version + 1
    new.updated_at = at
    b, a = _diff(before, snapshot(new))
    event = Event(new.id, new.version, at, actor, action, case.status, new.status, b, a, data)
    return Outcome(new, event, _payouts(case.status, new), arm=timer,
                   disarm=timer is None and (rearmed or not tr.keeps),
                   says=says(event, new, ctx.pack))


def note(case: Case, actor: Actor, at: datetime, action: str, data: dict[str, Any],
         expected_version: int | None = None) -> Outcome:
    """A change that enters no status: a message or an uploaded piece of evidence.

    It is a change, so it has its history event and bumps ``version``; it leaves
    ``entry`` and the timer alone, so it never defuses the deadline running (DESIGN 4)."""
    access.authorize_note(case, actor, action)
    _check_version(case, expected_version)
    if case.status.terminal:
        raise errors.IllegalTransition(
            f"the case is {case.status.value}; nothing more can be added",
            f"售后单{wording.STATUS[case.status].zh},不能再补充"
        )
    new = dataclasses.replace(case, evidence_ids=list(case.evidence_ids))
    if action == "evidence":
        new.evidence_ids.append(str(data["evidence_id"]))
    new.version = case.version + 1
    new.updated_at = at
    event = Event(new.id, new.version, at, actor, action, case.status, case.status, {}, {}, data)
    return Outcome(new, event)


def assign(case: Case, actor: Actor, at: datetime, assignee: str | None,
           expected_version: int | None = None) -> Outcome:
    """Give the case to a member of the store's team (None: to nobody). A change with its
    history event, like a message: it leaves the deadline running."""
    access.assign(actor, case)
    out = note(case, actor, at, "assign", {"assignee": assignee}, expected_version)
    out.case.assignee = assignee
    return out


def timer_failed(case: Case, timer: DueTimer, error: errors.DomainError, pack: Pack,
                 calendar: BusinessCalendar) -> Outcome:
    """The rules refused a deadline's default outcome when it fell due. The case keeps its
    status, loses the deadline that could not act, and is flagged for an agent: it joins the
    agents' queue with the platform's SLA counted from the due time. Recorded in its history."""
    new = dataclasses.replace(case, evidence_ids=list(case.evidence_ids))
    before = snapshot(case)
    new.deadline = new.deadline_action = new.deadline_rule = None
    new.deadline_provisional = False
    new.attention = "timer_failed"
    new.sla_due = sla_due(timer.due_at, pack, calendar)
    new.version = case.version + 1
    new.updated_at = timer.due_at
    b, a = _diff(before, snapshot(new))
    data = {"timer_action": timer.action, "due_at": timer.due_at.isoformat(), "code": error.code,
            "detail": error.en, "detail_zh": error.zh}
    event = Event(new.id, new.version, timer.due_at, Actor.system(), "timer_failed", case.status, case.status, b, a,
                  data)
    return Outcome(new, event, disarm=True)
