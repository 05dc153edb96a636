"""Facts about an order that come in one at a time from the order system: it shipped, it was
delivered, it completed (交易成功), it was cancelled. They may arrive late and out of order (a
`delivered` after the `completed` it preceded); each fills in what was not known and never
undoes what was. A fact whose time contradicts what is known is refused, naming what is known.
And where a case's deadline depends on the goods' state (the seller's answer: 24 h not shipped,
36 h in transit, 48 h delivered), a fact that changes the state moves the deadline with it,
counted from when the case entered its status as if the fact had been known then.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from aftersales.domain import errors
from aftersales.domain.case import Outcome, _diff, snapshot
from aftersales.domain.model import Actor, Case, DueTimer, Event, Order, Text
from aftersales.domain.policy import Pack
from aftersales.domain.timecalc import BusinessCalendar, add

KINDS = ("shipped", "delivered", "completed", "cancelled")
FIELD = {"shipped": "shipped_at", "delivered": "delivered_at", "completed": "completed_at",
         "cancelled": "cancelled_at"}
PROGRESS = ("shipped", "delivered", "completed")  # each at or after the one before it
_ZH = {"shipped": "发货", "delivered": "签收", "completed": "交易成功", "cancelled": "取消"}


def _conflict(en: str, zh: str, order: Order) -> errors.OrderEventConflict:
    known = {k: getattr(order, f).isoformat() for k, f in FIELD.items() if getattr(order, f) is not None}
    return errors.OrderEventConflict(en, zh, known={"paid": order.paid_at.isoformat(), **known})


def apply(order: Order, kind: str, at: datetime) -> Order | None:
    """The order once ``kind`` at ``at`` is known; None when it was known already (a repeat).
    Raises OrderEventConflict where ``at`` contradicts what is known."""
    field = FIELD[kind]
    known: datetime | None = getattr(order, field)
    if known is not None:
        if known == at:
            return None
        raise _conflict(f"the order is already known as {kind} at {known.isoformat()}",
                        f"订单已记录{_ZH[kind]}于 {known.isoformat()},时间不一致", order)
    if at < order.paid_at:
        raise _conflict(f"{kind} at {at.isoformat()} is before the order was paid",
                        f"{_ZH[kind]}时间早于付款时间", order)
    if kind == "cancelled":
        if any(getattr(order, FIELD[k]) is not None for k in PROGRESS):
            raise _conflict("an order that shipped is not cancelled: its buyer asks for after-sales",
                            "已发货的订单不能取消,买家可申请售后", order)
    elif order.cancelled_at is not None:
        raise _conflict(f"the order was cancelled at {order.cancelled_at.isoformat()}",
                        f"订单已于 {order.cancelled_at.isoformat()} 取消", order)
    else:
        place = PROGRESS.index(kind)
        for i, other in enumerate(PROGRESS):
            when: datetime | None = getattr(order, FIELD[other])
            if when is not None and ((i < place and at < when) or (i > place and at > when)):
                raise _conflict(f"{kind} at {at.isoformat()} contradicts {other} at {when.isoformat()}",
                                f"{_ZH[kind]}时间与已记录的{_ZH[other]}时间({when.isoformat()})矛盾", order)
    new = dataclasses.replace(order, lines=list(order.lines))
    setattr(new, field, at)
    return new


def follow(case: Case, order: Order, actor: Actor, at: datetime, pack: Pack, calendar: BusinessCalendar,
           fact: str) -> Outcome | None:
    """The case's deadline once the order's goods are in the state ``order`` says at ``at``:
    re-armed under the rule that now matches, from when the case entered its status; None when
    its rule stays the same (or the case has no deadline to move)."""
    if case.status.terminal or case.deadline_rule is None or case.pause is not None:
        return None
    rule = pack.timeout_for(case.status, case.type, order.goods_state(at))
    if rule is None or rule.id == case.deadline_rule:
        return None
    new = dataclasses.replace(case, evidence_ids=list(case.evidence_ids))
    before = snapshot(case)
    due = add(case.status_since, rule.after, pack.zone, calendar)
    new.entry = case.entry + 1  # the old deadline's timer no longer acts
    new.deadline, new.deadline_provisional = due.at, due.provisional
    new.deadline_action, new.deadline_rule = rule.action, rule.id
    new.version = case.version + 1
    new.updated_at = at
    b, a = _diff(before, snapshot(new))
    data = {"order_event": fact, "rule": rule.id, "was": case.deadline_rule}
    event = Event(new.id, new.version, at, actor, "deadline_moved", case.status, case.status, b, a, data)
    says = Text(f"订单已{_ZH[fact]},处理时限随之按新的规则计算。",
                f"The order was {fact}: the deadline now follows the rule for that.")
    return Outcome(new, event, arm=DueTimer(new.id, new.entry, due.at, rule.action), says=says)
