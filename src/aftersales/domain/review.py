"""The platform's review of a dispute (客服介入) as effects of its actions: who handles it,
evidence rounds and suspensions that pause it and give the SLA back when they end.

An effect may refuse (raise a domain error), changes the case in place and keeps it in
``platform_review``; one that arms or drops the case's deadline says so by bumping ``entry``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aftersales.domain import access, errors, wording
from aftersales.domain.dispute import Pause
from aftersales.domain.inputs import Context, Params
from aftersales.domain.model import Actor, Case, Party, Role, Status, Text
from aftersales.domain.timecalc import Duration, Unit, add, add_business_seconds, business_seconds
from aftersales.domain.transitions import Transition


def handling(case: Case, actor: Actor) -> None:
    """An agent acts on a dispute only as the one handling it; the first to act claims it.
    An operator may act on any (and give it to an agent with ``intervene``)."""
    if actor.role is not Role.AGENT:
        return
    access.authorize_handler(case, actor)
    case.agent = actor.id


def _intervene(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    if actor.role is Role.OPERATOR:
        case.agent = p.agent or actor.id
    else:
        if p.agent is not None and p.agent != actor.id:
            raise errors.Forbidden("an agent claims a dispute for themselves; an operator gives it to another",
                                   "客服只能自己认领纠纷;指派他人需由运营操作")
        if case.agent == actor.id and case.status is Status.PLATFORM_REVIEW:
            raise errors.IllegalTransition("you handle this dispute already", "您已在处理该纠纷")
        handling(case, actor)
    case.attention = None
    return None


# While a suspension runs the dispute's handling stands still (T3 §82-83): it resumes, the buyer
# withdraws, or the party gone to court or the police proves it (a ``suspend`` with evidence).
_WHILE_SUSPENDED = frozenset({"resume", "withdraw", "suspend"})
_SUSPENSIONS = {
    "negotiation": ("intervention.negotiation", Text("双方申请自行协商", "both parties asked to negotiate themselves")),
    "proceedings": ("intervention.proceedings_proof", Text("一方已提起诉讼或报案,等待受理凭证",
                                                           "one party went to court or the police; proof of "
                                                           "acceptance is awaited")),
    "proceedings_proven": ("intervention.proceedings_limit", Text("诉讼或报案已受理,等待结果",
                                                                  "proceedings were accepted; their outcome is "
                                                                  "awaited")),
}


def check_suspended(case: Case, action: str, ctx: Context) -> None:
    """Refuse every review action but resuming it (and the buyer's withdrawal) while the review
    is suspended (中止处理); the party gone to court may still prove it."""
    pause = case.pause
    if pause is None or pause.kind not in _SUSPENSIONS or action in _WHILE_SUSPENDED:
        return
    key, why = _SUSPENSIONS[pause.kind]
    source = ctx.pack.sources.get(key, "")
    what = wording.action(action)
    raise errors.ReviewSuspended(
        f"the platform's review is suspended ({why.en}) until it resumes: it cannot {what.en} now; it may be "
        f"resumed, or the buyer may withdraw (source: {source})",
        f"平台处理已中止({why.zh}),恢复处理前不能{what.zh};可恢复处理,或由买家撤销申请(依据:{source})",
        reason="review_suspended", rule=key, until=pause.until.isoformat(), pause=pause.kind)


def _sla_left(case: Case, at: datetime, ctx: Context) -> int:
    """The SLA left at ``at``, in business time: a pause gives back what the business-day clock
    had left, so the due falls in business time whatever days off the pause spans (DESIGN 3.3)."""
    if case.sla_due is None:
        return 0
    return business_seconds(at, case.sla_due, ctx.pack.zone, ctx.calendar)


def _given_back(pause: Pause, at: datetime, ctx: Context) -> datetime:
    """Where the SLA falls due when the review goes on at ``at`` with what the pause kept."""
    if pause.clock == "natural":  # a pause stored before business time was counted
        return at + timedelta(seconds=pause.sla_left)
    return add_business_seconds(at, pause.sla_left, ctx.pack.zone, ctx.calendar).at


def _request_evidence(
    case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params
) -> Status | None:
    handling(case, actor)
    if case.pause is not None:
        raise errors.IllegalTransition("an evidence round or a suspension is already running",
                                       "举证或中止处理进行中,请等其结束")
    if not p.parties:
        raise errors.ValidationFailed("ask the buyer, the seller or both (parties)", "请选择向哪一方要求举证",
                                      field="parties")
    length = Duration(p.hours, Unit.HOURS) if p.hours else ctx.pack.review.evidence_round
    until = add(at, length, ctx.pack.zone, ctx.calendar).at
    pause = Pause("evidence", tuple(dict.fromkeys(p.parties)), p.note, at, until, _sla_left(case, at, ctx))
    _pause(case, pause, "evidence_round", ctx)
    return None


def _pause(case: Case, pause: Pause, rule: str, ctx: Context) -> None:
    """Stop the review's clock: the pause's end is the case's deadline, and the SLA's due
    moves to where it will stand if the pause runs its course."""
    case.pause = pause
    case.deadline, case.deadline_action, case.deadline_rule = pause.until, pause.action, rule
    case.deadline_provisional = False
    case.sla_due = _given_back(pause, pause.until, ctx)
    case.entry += 1  # re-armed: a timer of the entry before is stale


def _unpause(case: Case, at: datetime, ctx: Context) -> Pause:
    """The review goes on at ``at``: the SLA left when the pause began counts from now."""
    pause = case.pause
    assert pause is not None
    case.pause = None
    case.deadline = case.deadline_action = case.deadline_rule = None
    case.sla_due = _given_back(pause, at, ctx)
    case.entry += 1
    return pause


def _end_evidence_round(
    case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params
) -> Status | None:
    if case.pause is None or case.pause.kind != "evidence":
        raise errors.IllegalTransition("no evidence round is running", "当前没有进行中的举证")
    handling(case, actor)
    _unpause(case, at, ctx)
    return None


def _party(actor: Actor) -> Party | None:
    return Party(actor.role.value) if actor.role in (Role.BUYER, Role.SELLER) else None


def _suspend(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    """Both parties ask to negotiate themselves (the second request starts the suspension; an
    agent who heard both starts it at once), or one reports going to court or the police:
    the review waits for proof the proceedings were accepted, then for their outcome."""
    handling(case, actor)
    party, review = _party(actor), ctx.pack.review
    pause = case.pause
    if p.kind == "proceedings" and pause is not None and pause.kind == "proceedings" and p.evidence_ids:
        if party is not None and party is not pause.by:
            raise errors.Forbidden("only the party that went to court or the police proves it",
                                   "只有提起诉讼或报案的一方可以提交受理凭证")
        until = add(pause.since, review.proceedings_limit, ctx.pack.zone, ctx.calendar).at
        _pause(case, Pause("proceedings_proven", pause.parties, p.note or pause.note, pause.since, until,
                           pause.sla_left, pause.by, pause.clock), "proceedings_limit", ctx)
        return None
    if pause is not None:
        raise errors.IllegalTransition("an evidence round or a suspension is already running",
                                       "举证或中止处理进行中,请等其结束")
    if p.kind == "negotiation":
        if party is not None and case.suspend_asked in (None, party):
            case.suspend_asked = party  # the other party's agreement starts it
            return None
        case.suspend_asked = None
        until = add(at, review.negotiation, ctx.pack.zone, ctx.calendar).at
        _pause(case, Pause("negotiation", (Party.BUYER, Party.SELLER), p.note, at, until,
                           _sla_left(case, at, ctx)), "negotiation", ctx)
        return None
    if p.kind == "proceedings":
        until = add(at, review.proceedings_proof, ctx.pack.zone, ctx.calendar).at
        _pause(case, Pause("proceedings", tuple(x for x in (party,) if x), p.note, at, until,
                           _sla_left(case, at, ctx), party), "proceedings_proof", ctx)
        return None
    raise errors.ValidationFailed("kind must be negotiation or proceedings", "中止类型须为自行协商或诉讼/报案",
                                  field="kind")


def _resume(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    """The review goes on: a negotiation that failed (either party), proceedings that ended
    (an agent), or the suspension's end (the system)."""
    if case.pause is None or case.pause.kind == "evidence":
        raise errors.IllegalTransition("no suspension is running", "当前没有中止处理")
    if _party(actor) is not None and case.pause.kind != "negotiation":
        raise errors.Forbidden("an agent resumes a dispute held for proceedings", "诉讼或报案中止的纠纷由客服恢复处理")
    handling(case, actor)
    _unpause(case, at, ctx)
    return None


def _reopen_grant(case: Case, tr: Transition, actor: Actor, at: datetime, ctx: Context, p: Params) -> Status | None:
    if case.kind != "reopening":
        raise errors.IllegalTransition("only a request to reopen a window is granted", "只有重新开启申请可以批准")
    handling(case, actor)
    if p.days is not None and not 1 <= p.days <= 365:
        raise errors.ValidationFailed("days must be between 1 and 365", "天数须在 1 到 365 之间", field="days")
    case.closed_by = "reopened"
    return None


EFFECTS = {
    "intervene": _intervene,
    "request_evidence": _request_evidence,
    "end_evidence_round": _end_evidence_round,
    "suspend": _suspend,
    "resume": _resume,
    "reopen_grant": _reopen_grant,
}
