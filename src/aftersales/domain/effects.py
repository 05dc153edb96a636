"""What each action does besides moving the case: its guards and its changes (DESIGN 3.2).

An effect may refuse (raise a domain error; nothing is written), change the case in
place, and return the target status where the transition table cannot say (a ruling's
outcome). The table of effects is at the bottom.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from aftersales.domain import eligibility, errors, review
from aftersales.domain.dispute import Offer
from aftersales.domain.inputs import Context, Params
from aftersales.domain.model import (
    REASON_CLASS,
    Actor,
    Case,
    CaseType,
    Party,
    Reason,
    ReasonClass,
    Ruling,
    RulingOutcome,
    Shipment,
    Status,
)
from aftersales.domain.money import format_fen
from aftersales.domain.transitions import Transition, target_of


def check_amount(amount: int, ctx: Context) -> None:
    room = ctx.line.paid - ctx.history.refunded
    if amount > room:
        raise errors.AmountExceedsPaid(
            f"{format_fen(amount)} plus {format_fen(ctx.history.refunded)} already refunded exceeds the line's "
            f"paid {format_fen(ctx.line.paid)}",
            f"申请金额 {format_fen(amount)} 加上已退款 {format_fen(ctx.history.refunded)} "
            f"超过该商品实付 {format_fen(ctx.line.paid)}",
            max_amount=format_fen(max(room, 0)),
        )


def amount_for(case_type: CaseType, amount: int | None) -> int:
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
            f"{'an' if case_type.value[0] in 'aeiou' else 'a'} {case_type.value} case refunds nothing: amount must "
            "be 0.00 or absent",
            "换货、维修、补寄不退款,金额须为 0.00 或不填",
            field="amount",
        )
    return 0


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
            f"七天无理由退货只能以商品不完好为由拒绝收货,理由须为:{'、'.join(r.text.zh for r in ctx.pack.not_intact)}",
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
    fen = amount_for(new_type, amount)
    after_failed_repairs = (
        case.type is CaseType.REPAIR
        and case.repair_failures >= 2
        and new_type in (CaseType.EXCHANGE, CaseType.RETURN_REFUND)
    )
    if (new_type, new_reason) != (case.type, case.reason) and not after_failed_repairs:
        # The original request's eligibility holds: judged at opened_at, not now.
        eligibility.require(ctx.facts, new_type, new_reason, case.opened_at)
    check_amount(fen, ctx)
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
    review.handling(case, actor)
    if p.outcome is None:
        raise errors.ValidationFailed("a ruling needs an outcome", "裁决需要结果", field="outcome")
    if case.kind == "reopening" and RulingOutcome(p.outcome) is not RulingOutcome.REJECT:
        raise errors.ValidationFailed("a request to reopen is granted (reopen_grant) or refused (outcome reject)",
                                      "重新开启申请只能批准或驳回", field="outcome")
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
        check_amount(amount, ctx)
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


def _counter_offer(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    new_type = p.type or case.type
    if case.status is Status.AWAITING_RECEIPT and not new_type.has_return:
        raise errors.ValidationFailed(
            "the goods are on their way back: offer a return_refund of less, an exchange or a repair",
            "商品已在退回途中:可提出部分退款(退货退款)、换货或维修", field="type")
    amount = amount_for(new_type, p.amount)
    if (new_type, amount) == (case.type, case.amount):
        raise errors.ValidationFailed(
            "the offer is what the buyer asked for: agree instead", "方案与买家的申请相同,请直接同意", field="amount")
    check_amount(amount, ctx)
    case.offer = Offer(new_type, amount, p.note, p.evidence_ids, at, case.version + 1)
    return None


def _pending_offer(case: Case) -> Offer:
    if case.offer is None:
        raise errors.IllegalTransition("there is no offer to answer", "没有待回复的协商方案")
    return case.offer


def _accept_offer(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    """The case goes on under the offer's terms, as if the seller had agreed to them: from
    the goods' receipt as a confirmed receipt, otherwise as an agreement."""
    offer = _pending_offer(case)
    check_amount(offer.amount, ctx)  # another case on the line may have refunded since
    case.type, case.amount, case.offer = offer.type, offer.amount, None
    case.refusal_reason = case.refusal_note = None
    action = "confirm_receipt" if case.status is Status.AWAITING_RECEIPT else "agree"
    if action == "agree" and case.type.has_return:
        case.return_address = ctx.store.return_address
    target = target_of(action, case.type)
    assert target is not None  # counter_offer admits only types the two transitions lead on
    return target


def _decline_offer(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    _pending_offer(case)
    case.offer = None
    return None


def _settle(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    case.refunded = case.amount
    return None


EFFECTS: Mapping[str, Effect] = {
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
    **review.EFFECTS,
    "counter_offer": _counter_offer,
    "accept_offer": _accept_offer,
    "decline_offer": _decline_offer,
    "settle": _settle,
}
