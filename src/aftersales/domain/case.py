"""The case state machine: the transition table of DESIGN 3.2 as data, guards as functions.

``open_case`` and ``act`` are pure: they take the case and what it acts on
(order, line, store, the line's other cases, the pack) and return the changed
case, its one history event and any payouts to make. They read no clock; the
caller says when the action happens. Checks run in the contract's order
(DESIGN 3.2): forbidden, version_conflict, illegal_transition, case_already_open,
attempts_exhausted, not_eligible, window_expired, refusal_not_allowed,
amount_exceeds_paid.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aftersales.domain import eligibility, errors, freight, store_policy
from aftersales.domain.eligibility import LineHistory
from aftersales.domain.model import (
    REASON_CLASS,
    Actor,
    Case,
    CaseType,
    Event,
    Line,
    Order,
    Party,
    PayoutRequest,
    Reason,
    ReasonClass,
    Role,
    Ruling,
    RulingOutcome,
    Shipment,
    Status,
    Store,
)
from aftersales.domain.money import format_fen
from aftersales.domain.policy import EligibilityRule, Pack
from aftersales.domain.timecalc import BusinessCalendar, WeekdayCalendar, add

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


def _t(
    action: str, roles: set[Role], sources: set[Status], target: Status | Mapping[CaseType, Status] | None
) -> Transition:
    return Transition(action, frozenset(roles), frozenset(sources), target)


# DESIGN 3.2. The system actor takes the default outcomes of DESIGN 3.3.
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
    _t("close", {R.SYSTEM}, {S.SELLER_REFUSED, S.AWAITING_RETURN}, S.CLOSED),
    _t("complete", {R.SYSTEM}, {S.AWAITING_BUYER_CONFIRMATION}, S.COMPLETED),
    _t("settle", {R.SYSTEM}, {S.REFUNDING}, S.COMPLETED),
)

ACTIONS: frozenset[str] = frozenset(t.action for t in TRANSITIONS)
# Actions a client may call over the API (``settle`` and the timeout outcomes are the system's).
PUBLIC_ACTIONS: tuple[str, ...] = tuple(
    dict.fromkeys(t.action for t in TRANSITIONS if t.roles - {R.SYSTEM})
)
_ROLES_BY_ACTION: dict[str, frozenset[Role]] = {}
for _tr in TRANSITIONS:
    _ROLES_BY_ACTION[_tr.action] = _ROLES_BY_ACTION.get(_tr.action, frozenset()) | _tr.roles

# The actions whose guards read the line's other cases (amounts already refunded,
# eligibility again). Services load that history only for these; a test runs every
# other action with a history that fails when read, so this set cannot go stale.
READS_LINE_HISTORY = frozenset({"modify", "rule"})


@dataclass(frozen=True, slots=True)
class Params:
    """An action's input, already parsed (money in fen). Unused fields stay None."""

    reason: str | None = None
    note: str | None = None
    evidence_ids: tuple[str, ...] = ()
    carrier: str | None = None
    tracking_no: str | None = None
    fee: int | None = None
    type: CaseType | None = None
    case_reason: Reason | None = None
    amount: int | None = None
    outcome: RulingOutcome | None = None
    fault: Party | None = None

    def data(self) -> dict[str, Any]:
        """The parts worth keeping in the history, JSON-ready."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v is None or v == ():
                continue
            out[f.name] = list(v) if isinstance(v, tuple) else (v.value if hasattr(v, "value") else v)
        return out


@dataclass(frozen=True)
class Context:
    """What an action acts on besides the case itself, read in the same transaction."""

    pack: Pack
    order: Order
    line: Line
    store: Store
    history: LineHistory  # the line's *other* cases
    calendar: BusinessCalendar = field(default_factory=WeekdayCalendar)

    @property
    def store_rules(self) -> tuple[EligibilityRule, ...]:
        return store_policy.store_rules(self.store.policy, self.pack)


@dataclass(frozen=True)
class Outcome:
    case: Case
    event: Event
    payouts: tuple[PayoutRequest, ...] = ()
    # False for a change that enters no status (a message, an upload): the armed timer stays.
    rearmed: bool = True


# Fields whose before/after values an event records.
_TRACKED = (
    "status", "type", "reason", "amount", "refunded", "deadline", "deadline_action", "return_address",
    "repair_failures", "refusal_reason",
)


def _snapshot(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _TRACKED:
        v = getattr(case, name)
        out[name] = v.isoformat() if isinstance(v, datetime) else (v.value if hasattr(v, "value") else v)
    return out


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _arm(case: Case, at: datetime, ctx: Context) -> None:
    """Enter the case's (new) status at ``at``: a new entry, and the status's deadline if it has one."""
    case.entry += 1
    case.status_since = at
    rule = None
    if not case.status.terminal:
        rule = ctx.pack.timeout_for(case.status, case.type, ctx.order.goods_state(at))
    if rule is None:
        case.deadline = case.deadline_action = case.deadline_rule = None
        case.deadline_provisional = False
        return
    d = add(at, rule.after, ctx.pack.zone, ctx.calendar)
    case.deadline, case.deadline_provisional = d.at, d.provisional
    case.deadline_action, case.deadline_rule = rule.action, rule.id


def _check_amount(amount: int, ctx: Context) -> None:
    room = ctx.line.paid - ctx.history.refunded
    if amount > room:
        raise errors.AmountExceedsPaid(
            f"{format_fen(amount)} plus {format_fen(ctx.history.refunded)} already refunded exceeds the line's "
            f"paid {format_fen(ctx.line.paid)}",
            f"申请金额 {format_fen(amount)} 加上已退款 {format_fen(ctx.history.refunded)} "
            f"超过该商品实付 {format_fen(ctx.line.paid)}",
            max_amount=format_fen(max(room, 0)),
        )


def _amount_for(case_type: CaseType, amount: int | None) -> int:
    if case_type.refunds_goods:
        if not amount:
            raise errors.ValidationFailed(
                "amount is required and must be above 0.00 for a refund",
                "退款申请需填写大于 0.00 的金额",
                field="amount",
            )
        return amount
    if amount:
        raise errors.ValidationFailed(
            f"a {case_type.value} case refunds nothing: amount must be 0.00 or absent",
            "换货、维修、补寄不退款,金额须为 0.00 或不填",
            field="amount",
        )
    return 0


def open_case(
    case_id: str,
    actor: Actor,
    case_type: CaseType,
    reason: Reason,
    amount: int | None,
    at: datetime,
    ctx: Context,
    description: str | None = None,
    evidence_ids: tuple[str, ...] = (),
) -> Outcome:
    """Open a case on ``ctx.line`` for its buyer (the first status, ``awaiting_seller``)."""
    if actor.role is not Role.BUYER:
        raise errors.Forbidden("only the buyer opens a case", "只有买家可以发起售后")
    if actor.id != ctx.order.buyer_id:
        raise errors.NotFound("no such order line", "订单商品不存在")
    fen = _amount_for(case_type, amount)
    option = eligibility.require(ctx.order, ctx.line, case_type, reason, at, ctx.pack, ctx.history, ctx.calendar,
                                 ctx.store_rules)
    _check_amount(fen, ctx)
    case = Case(
        id=case_id,
        order_id=ctx.order.id,
        line_id=ctx.line.id,
        store_id=ctx.order.store_id,
        buyer_id=ctx.order.buyer_id,
        type=case_type,
        reason=reason,
        status=Status.AWAITING_SELLER,
        phase=ctx.order.phase(at),
        amount=fen,
        refunded=0,
        line_paid=ctx.line.paid,
        opened_at=at,
        status_since=at,
        description=description,
        evidence_ids=list(evidence_ids),
        eligibility_rule=option.rule,
    )
    _arm(case, at, ctx)
    case.freight = freight.settle(case, ctx.order, ctx.pack, store=ctx.store)
    case.version = 1
    case.updated_at = at
    after = _snapshot(case)
    data: dict[str, Any] = {"eligibility_rule": option.rule, "line_paid": ctx.line.paid}
    if evidence_ids:
        data["evidence_ids"] = list(evidence_ids)
    if description:
        data["description"] = description
    event = Event(case.id, 1, at, actor, "open", None, case.status, {}, after, data)
    return Outcome(case, event)


def authorize(case: Case, actor: Actor, action: str) -> None:
    """Object-level and role-level authorization, in the contract's order (404 before 403)."""
    if actor.role is Role.BUYER and actor.id != case.buyer_id:
        raise errors.NotFound("no such case", "售后单不存在")
    if actor.role is Role.SELLER and actor.id != case.store_id:
        raise errors.NotFound("no such case", "售后单不存在")
    roles = _ROLES_BY_ACTION.get(action)
    if roles is None:
        raise errors.NotFound(f"no action {action!r}", f"没有操作 {action!r}")
    if actor.role not in roles:
        raise errors.Forbidden(
            f"a {actor.role.value} may not {action}", f"{actor.role.value} 无权执行 {action}", action=action
        )


def find_transition(case: Case, actor: Actor, action: str) -> Transition:
    for tr in TRANSITIONS:
        if tr.action == action and actor.role in tr.roles and case.status in tr.sources:
            return tr
    raise errors.IllegalTransition(
        f"{action} is not allowed while the case is {case.status.value}",
        f"售后单当前状态为 {case.status.value},不能执行 {action}",
        case_status=case.status.value,
        action=action,
    )


def allowed_actions(case: Case, role: Role) -> list[str]:
    """The actions a party of ``role`` may take on the case now (for clients' buttons)."""
    out = [tr.action for tr in TRANSITIONS if role in tr.roles and case.status in tr.sources]
    if case.receipt_refused and "modify" in out:
        out.remove("modify")
    return list(dict.fromkeys(out))


def act(
    case: Case,
    action: str,
    actor: Actor,
    at: datetime,
    ctx: Context,
    params: Params | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Take ``action`` on ``case`` at ``at``; return the changed copy and its history event."""
    p = params or Params()
    authorize(case, actor, action)
    if expected_version is not None and expected_version != case.version:
        raise errors.VersionConflict(
            f"the case is at version {case.version}, not {expected_version}",
            f"售后单已更新(版本 {case.version}),请刷新后重试",
            current_version=case.version,
        )
    tr = find_transition(case, actor, action)
    new = dataclasses.replace(case, evidence_ids=list(case.evidence_ids))
    before = _snapshot(case)
    payouts: list[PayoutRequest] = []
    handler = _EFFECTS.get(action)
    target = handler(new, tr, actor, at, ctx, p) if handler is not None else None
    if target is None:
        if not isinstance(tr.target, Status):
            assert tr.target is not None
            if new.type not in tr.target:
                raise errors.IllegalTransition(
                    f"{action} does not apply to a {new.type.value} case",
                    f"{new.type.value} 类型的售后单不能执行 {action}",
                )
            target = tr.target[new.type]
        else:
            target = tr.target
    entering_refund = target is Status.REFUNDING and case.status is not Status.REFUNDING
    new.status = target
    _arm(new, at, ctx)
    if p.evidence_ids:
        new.evidence_ids.extend(e for e in p.evidence_ids if e not in new.evidence_ids)
    new.freight = freight.settle(new, ctx.order, ctx.pack, store=ctx.store)
    if entering_refund:
        payouts.append(PayoutRequest(new.id, "goods", new.amount, f"{new.id}:goods"))
    pays_freight = entering_refund or (target is Status.COMPLETED and case.status is not Status.REFUNDING)
    if pays_freight and new.freight.compensation > 0:
        payouts.append(PayoutRequest(new.id, "freight", new.freight.compensation, f"{new.id}:freight"))
    if pays_freight and new.freight.insurance > 0:
        payouts.append(PayoutRequest(new.id, "insurance", new.freight.insurance, f"{new.id}:insurance"))
    new.version = case.version + 1
    new.updated_at = at
    b, a = _diff(before, _snapshot(new))
    event = Event(new.id, new.version, at, actor, action, case.status, new.status, b, a, p.data())
    return Outcome(new, event, tuple(payouts))


NOTE_ROLES = frozenset({Role.BUYER, Role.SELLER, Role.AGENT, Role.OPERATOR})


def note(case: Case, actor: Actor, at: datetime, action: str, data: dict[str, Any],
         expected_version: int | None = None) -> Outcome:
    """A change that enters no status: a message or an uploaded piece of evidence.

    It is a change, so it has its history event and bumps ``version``; it leaves
    ``entry`` alone, so it never defuses the deadline running (DESIGN 4)."""
    stranger = (actor.role is Role.BUYER and actor.id != case.buyer_id) or (
        actor.role is Role.SELLER and actor.id != case.store_id
    )
    if stranger:
        raise errors.NotFound("no such case", "售后单不存在")
    if actor.role not in NOTE_ROLES:
        raise errors.Forbidden(f"a {actor.role.value} may not {action}", f"{actor.role.value} 无权执行 {action}")
    if expected_version is not None and expected_version != case.version:
        raise errors.VersionConflict(
            f"the case is at version {case.version}, not {expected_version}",
            f"售后单已更新(版本 {case.version}),请刷新后重试",
            current_version=case.version,
        )
    if case.status.terminal:
        raise errors.IllegalTransition(
            f"the case is {case.status.value}; nothing more can be added", f"售后单已{case.status.value},不能再补充"
        )
    new = dataclasses.replace(case, evidence_ids=list(case.evidence_ids))
    if action == "evidence":
        new.evidence_ids.append(str(data["evidence_id"]))
    new.version = case.version + 1
    new.updated_at = at
    event = Event(new.id, new.version, at, actor, action, case.status, case.status, {}, {}, data)
    return Outcome(new, event, (), rearmed=False)


# --- effects: each may check its guards, change the case, and return a target status ---

# An action's guards and changes: it may refuse (raise), change the case in place, and
# return the target status where the transition table cannot say (a ruling's outcome).
Effect = Callable[[Case, Transition, Actor, datetime, Context, Params], Status | None]


def _agree(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    if case.type.has_return:
        # Copied now, so a later change of the store's address never rewrites this case.
        case.return_address = ctx.store.return_address
    return None


def _need_reason(p: Params) -> str:
    if not p.reason or not p.reason.strip():
        raise errors.ValidationFailed("a refusal needs a reason", "拒绝需要填写理由", field="reason")
    return p.reason.strip()


def _no_reason_return(case: Case) -> bool:
    """A 7-day no-reason request in law (消保法 第二十五条): one made as `no_reason`, or a return or
    exchange for any buyer preference, which the pack allows only inside the no-reason window.
    Naming a preference (size, a change of mind) does not make a return the buyer needed no
    reason for refusable. (A refund of goods still in transit is not a return.)"""
    return case.reason is Reason.NO_REASON or (
        REASON_CLASS[case.reason] is ReasonClass.BUYER_PREFERENCE and case.type.has_return
    )


def _refuse(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    reason = _need_reason(p)
    if not ctx.order.shipped(at):
        raise errors.RefusalNotAllowed(
            "the goods have not been shipped: a refund of goods not shipped cannot be refused",
            "商品尚未发货,不能拒绝退款",
        )
    if _no_reason_return(case):
        raise errors.RefusalNotAllowed(
            "a 7-day no-reason request opened inside its window cannot be refused; "
            "a return that arrives not intact may be refused at receipt",
            "七天无理由退货申请在期限内发起,不能拒绝;退回商品不完好的,可在收货时拒绝",
        )
    case.refusal_reason, case.refusal_note = reason, p.note
    return None


def _refuse_receipt(
    case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params
) -> Status | None:
    reason = _need_reason(p)
    if _no_reason_return(case) and not ctx.pack.is_not_intact_reason(reason):
        ids = ", ".join(r.id for r in ctx.pack.not_intact)
        raise errors.RefusalNotAllowed(
            f"a no-reason return may be refused at receipt only as not intact; reason must be one of: {ids}",
            f"七天无理由退货只能以商品不完好为由拒绝收货,理由须为:{ids}",
            allowed_reasons=[r.id for r in ctx.pack.not_intact],
        )
    if _no_reason_return(case) and ctx.pack.not_intact_needs_evidence and not p.evidence_ids:
        raise errors.RefusalNotAllowed(
            "refusing a no-reason return as not intact needs evidence of the goods' condition (evidence_ids)",
            "以商品不完好为由拒绝七天无理由退货,须提供商品状况的凭证",
        )
    case.refusal_reason, case.refusal_note = reason, p.note
    case.receipt_refused = True
    return None


def _modify(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    if case.receipt_refused:
        raise errors.IllegalTransition(
            "a request cannot be modified after the seller refused the returned goods; escalate instead",
            "卖家拒绝收货后不能修改申请,请申请平台介入",
        )
    new_type = p.type or case.type
    new_reason = p.case_reason or case.reason
    amount = p.amount if p.amount is not None else (case.amount if new_type.refunds_goods else None)
    fen = _amount_for(new_type, amount)
    after_failed_repairs = (
        case.type is CaseType.REPAIR
        and case.repair_failures >= 2
        and new_type in (CaseType.EXCHANGE, CaseType.RETURN_REFUND)
    )
    if (new_type, new_reason) != (case.type, case.reason) and not after_failed_repairs:
        # The original request's eligibility holds: judged at opened_at, not now.
        eligibility.require(
            ctx.order, ctx.line, new_type, new_reason, case.opened_at, ctx.pack, ctx.history, ctx.calendar,
            ctx.store_rules,
        )
    _check_amount(fen, ctx)
    case.type, case.reason, case.amount = new_type, new_reason, fen
    case.refusal_reason = case.refusal_note = None
    return None


def _withdraw(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    case.closed_by = "buyer_withdrew"
    return None


def _close(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    case.closed_by = "timeout"
    return None


def _shipment(p: Params, at: datetime) -> Shipment:
    if not p.carrier or not p.tracking_no:
        raise errors.ValidationFailed(
            "carrier and tracking_no are required", "需填写快递公司和运单号", field="tracking_no"
        )
    return Shipment(p.carrier, p.tracking_no, p.fee, at)


def _ship_return(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    case.return_shipment = _shipment(p, at)
    return None


def _ship_replacement(
    case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params
) -> Status | None:
    case.replacement_shipment = _shipment(p, at)
    return None


def _reject_replacement(
    case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params
) -> Status | None:
    if case.type is CaseType.REPAIR:
        case.repair_failures += 1
    case.replacement_shipment = None
    return None


def _rule(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    if p.outcome is None:
        raise errors.ValidationFailed("a ruling needs an outcome", "裁决需要结果", field="outcome")
    room = ctx.line.paid - ctx.history.refunded
    outcome = RulingOutcome(p.outcome)  # by value: a caller's plain string means the same
    if outcome is RulingOutcome.REJECT:
        target = Status.CLOSED
        case.closed_by = "ruling"
    else:
        if p.amount is not None:
            amount = p.amount
        elif outcome is RulingOutcome.REFUND or not case.amount:
            amount = room  # DESIGN 3.2: a refund without an amount is paid minus already refunded
        else:
            amount = case.amount
        if amount <= 0:
            raise errors.ValidationFailed(
                "a refund ruling needs an amount above 0.00", "退款裁决金额须大于 0.00", field="amount"
            )
        _check_amount(amount, ctx)
        case.amount = amount
        if outcome is RulingOutcome.REFUND:
            target = Status.REFUNDING
        else:
            case.type = CaseType.RETURN_REFUND
            case.return_address = ctx.store.return_address
            target = Status.AWAITING_RETURN
    fault = Party(p.fault) if p.fault is not None else None
    case.ruling = Ruling(outcome, case.amount if outcome is not RulingOutcome.REJECT else None, fault, p.note,
                         actor.id, at)
    return target


def _settle(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    case.refunded = case.amount
    return None


_EFFECTS: dict[str, Effect] = {
    "agree": _agree,
    "refuse": _refuse,
    "refuse_receipt": _refuse_receipt,
    "modify": _modify,
    "withdraw": _withdraw,
    "close": _close,
    "ship_return": _ship_return,
    "ship_replacement": _ship_replacement,
    "reject_replacement": _reject_replacement,
    "rule": _rule,
    "settle": _settle,
}
