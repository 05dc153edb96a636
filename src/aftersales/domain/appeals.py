"""Second looks, each a new case in the agents' hands: an appeal of a ruling (decided by
another agent; it may add a refund, never reverse one paid), and a buyer's request to
reopen a line's closed window after review (the seed's two cases: suspected counterfeits
and quality problems under 三包), which the seed's one chance (维权只有一次机会) bounds.

Pure, as ``case``: the caller loads what they act on and writes the outcomes.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from aftersales.domain import access, eligibility, errors, evidence
from aftersales.domain.case import Outcome, enter, settle_freight, snapshot
from aftersales.domain.effects import check_amount
from aftersales.domain.eligibility import Verdict
from aftersales.domain.inputs import CaseRequest, Context
from aftersales.domain.model import Actor, Case, Category, Event, Line, Reason, Reopening, Role, Status
from aftersales.domain.narrative import says
from aftersales.domain.timecalc import Duration, Unit, add

_SANBAO = frozenset({Category.SANBAO_DURABLE, Category.SANBAO_NONDURABLE})


def _new_case(case_id: str, ctx: Context, at: datetime, request: CaseRequest, amount: int, kind: str,
              appeal_of: str | None = None) -> Case:
    return Case(
        id=case_id, order_id=ctx.order.id, line_id=ctx.line.id, store_id=ctx.order.store_id,
        buyer_id=ctx.order.buyer_id, type=request.type, reason=request.reason, status=Status.PLATFORM_REVIEW,
        phase=ctx.order.phase(at), amount=amount, refunded=0, line_paid=ctx.line.paid, opened_at=at,
        status_since=at, description=request.description, evidence_ids=list(request.evidence_ids),
        eligibility_rule=kind, kind=kind, appeal_of=appeal_of)


def _opened(case: Case, actor: Actor, at: datetime, ctx: Context, data: dict[str, object]) -> Outcome:
    """The new case enters review: the agents' SLA runs from now; no deadline acts on it."""
    enter(case, at, ctx)
    settle_freight(case, ctx)
    case.version, case.updated_at = 1, at
    event = Event(case.id, 1, at, actor, "open", None, case.status, {}, snapshot(case), dict(data))
    return Outcome(case, event, disarm=True, says=says(event, case, ctx.pack))


def appeal(original: Case, actor: Actor, at: datetime, ctx: Context, appeal_id: str, amount: int | None,
           note: str | None) -> tuple[Outcome, Outcome]:
    """A party appeals the ruling on ``original`` (ended, not itself an appeal, not appealed
    before, within the pack's window from its end): the ruled case records the appeal, and
    the appeal opens in review. The buyer asks for what is left to refund unless they say less."""
    access.authorize_appeal(original, actor)
    if original.kind == "appeal":
        raise errors.IllegalTransition("an appeal's ruling is final", "申诉裁决为终局裁决,不能再申诉")
    if original.kind != "dispute":
        raise errors.IllegalTransition("a refused request to reopen is not appealed: the line had its one chance",
                                       "重新开启申请被驳回后不能申诉:维权只有一次机会")
    if original.ruling is None:
        raise errors.IllegalTransition("only a ruling can be appealed", "只有平台裁决可以申诉")
    if original.open:
        raise errors.IllegalTransition("the ruling is still being carried out; appeal once the case has ended",
                                       "裁决执行中,售后单结束后可申诉")
    if original.appeal_id is not None:
        raise errors.IllegalTransition(f"this ruling was appealed already ({original.appeal_id}): one appeal per "
                                       "ruling", f"该裁决已申诉过({original.appeal_id}),每个裁决只能申诉一次")
    window = ctx.pack.review.appeal_window
    ends = add(original.status_since, window, ctx.pack.zone, ctx.calendar).at
    if at >= ends:
        zh, en = window.describe()
        raise errors.WindowExpired(f"a ruling may be appealed within {en} of the case's end",
                                   f"裁决须在售后单结束后 {zh} 内申诉", deadline=ends.isoformat())
    room = ctx.line.paid - ctx.history.refunded
    fen = 0 if actor.role is Role.SELLER else (room if amount is None else amount)
    check_amount(fen, ctx)
    if actor.role is Role.BUYER and fen <= 0 and original.type.refunds_goods:
        raise errors.ValidationFailed("everything paid for the line has been refunded: there is nothing to appeal for",
                                      "该商品已全额退款,无可申诉的金额", field="amount")
    request = CaseRequest(original.type, original.reason, fen, note)
    new = _new_case(appeal_id, ctx, at, request, fen, "appeal", original.id)
    new.first_agent = original.ruling.agent_id
    opened = _opened(new, actor, at, ctx, {"appeal_of": original.id, "by": actor.role.value})

    marked = dataclasses.replace(original, evidence_ids=list(original.evidence_ids), appeal_id=appeal_id,
                                 version=original.version + 1, updated_at=at)
    event = Event(original.id, marked.version, at, actor, "appeal", original.status, original.status, {},
                  {"appeal_id": appeal_id}, {"appeal_id": appeal_id, **({"note": note} if note else {})})
    return Outcome(marked, event, says=says(event, marked, ctx.pack)), opened


def request_reopening(case_id: str, actor: Actor, at: datetime, ctx: Context, request: CaseRequest) -> Outcome:
    """A buyer past the window asks the platform to reopen it, with evidence: a suspected
    counterfeit, or a quality problem on goods under 三包. Refused where the window is still
    open, where no rule speaks to the request at all, and where the line has had its one
    chance (a ruling, or an earlier request to reopen)."""
    access.require(actor, "open_case")
    if actor.id != ctx.order.buyer_id:
        raise errors.NotFound("no such order line", "订单商品不存在")
    if not reviewable(ctx.line, request.reason):
        raise errors.NotEligible(
            "a closed window is reopened after review only for suspected counterfeits and quality problems under "
            "the three guarantees (三包)", "售后期已过的,仅疑似假货和三包商品质量问题可申请平台审核后重新开启")
    history = ctx.history
    if history.ruled or history.reopening_requests:
        raise errors.AttemptsExhausted(
            "this line has had its one chance: the platform has ruled on it or reviewed a request to reopen it "
            "(维权只有一次机会)", "维权只有一次机会:该商品已经平台裁决或审核过重新开启申请")
    option = eligibility.assess(ctx.facts, request.type, request.reason, at)
    if option.allowed:
        raise errors.ValidationFailed("the window is still open: open a case instead", "售后期未过,请直接申请售后",
                                      field="reason")
    if option.verdict is Verdict.CASE_OPEN:
        raise errors.CaseAlreadyOpen(option.explanation.en, option.explanation.zh)
    if option.verdict is Verdict.NOT_ELIGIBLE:
        raise errors.NotEligible(option.explanation.en, option.explanation.zh, rule=option.rule)
    if not eligibility.reopenable(ctx.facts, request.type, request.reason, at).allowed:
        # The 三包 tiers: past 15 days from delivery the law gives a repair, and no review gives more.
        raise errors.WindowExpired(
            f"a review reopens the chance to claim, not a remedy the law has narrowed since: {option.explanation.en}",
            f"平台审核重新开启的是维权机会,不会恢复法律已不再提供的处理方式:{option.explanation.zh}",
            rule=option.rule)
    if not request.evidence_ids:
        raise errors.ValidationFailed("a request to reopen needs evidence (evidence_ids)", "申请重新开启需提供凭证",
                                      field="evidence_ids")
    evidence.require_for(ctx.pack.evidence_rules, "reopen_request", "buyer", request.reason, ctx.line.category,
                         ctx.order.delivered_at, at, ctx.kinds_of("buyer"), ctx.pack.zone, ctx.calendar)
    new = _new_case(case_id, ctx, at, request, 0, "reopening")
    return _opened(new, actor, at, ctx, {"reopening": True, "evidence_ids": list(request.evidence_ids)})


def reviewable(line: Line, reason: Reason) -> bool:
    """Whether a closed window may be reopened after review for ``reason`` on ``line`` (the seed:
    a suspected counterfeit; a quality problem on goods under 三包)."""
    return reason is Reason.COUNTERFEIT or (reason is Reason.QUALITY and line.category in _SANBAO)


def reopening_granted(case: Case, actor: Actor, at: datetime, ctx: Context, days: int | None) -> Reopening:
    """What granting a request to reopen writes: the line's window open for ``days`` (the
    pack's number unless the agent gives another) with one more claim."""
    length = Duration(days, Unit.DAYS) if days else ctx.pack.review.reopening_window
    until = add(at, length, ctx.pack.zone, ctx.calendar).at
    return Reopening(case.order_id, case.line_id, at, until, length.amount, actor, f"request {case.id}",
                     case.reason)
