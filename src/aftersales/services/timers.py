"""What happens when nobody acts: deadlines fire their default outcomes, refunds settle.

Claims are leases in real time (a test clock does not move by itself, so a lease
measured on it would never lapse); due times are on the system's clock. A timer is
re-checked against its case when it fires, so a stale or repeated firing changes
nothing, and a refused one is recorded and flagged for an agent, never dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from aftersales.domain import case as case_engine
from aftersales.domain import errors
from aftersales.domain.model import Actor, Status
from aftersales.domain.payouts import Payout
from aftersales.services import commands as c
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.record import context_for, record

log = logging.getLogger(__name__)


def _lease(deps: Deps, seconds: float) -> tuple[datetime, datetime]:
    real = deps.wall_clock.now()
    return real, real + timedelta(seconds=seconds)


def fire_timer(cmd: c.FireTimer, uow: UnitOfWork, deps: Deps) -> bool:
    """Carry out one claimed timer's default outcome at its due time, if still current.

    The case must still be in the status entry that armed the timer (its ``entry``
    counter). Where the rules refuse the outcome now, the case is not left silently
    without one: the refusal is recorded in its history and the case joins the agents' queue.
    """
    timer = cmd.timer
    with uow.transaction():
        case = uow.cases.get(timer.case_id)
        if case is None or case.entry != timer.entry or case.status.terminal or case.deadline_action != timer.action:
            uow.timers.discard(timer)
            return False
        try:
            out = case_engine.act(case, timer.action, Actor.system(), timer.due_at,
                                  context_for(uow, deps, case, timer.action))
        except errors.DomainError as exc:
            log.warning("timer %s of case %s refused (%s); flagged for an agent", timer.action, case.id, exc.code)
            out = case_engine.timer_failed(case, timer, exc, deps.pack, deps.calendar)
        record(uow, deps, out, case.version)
        return True


def fire_due_timers(cmd: c.FireDueTimers, uow: UnitOfWork, deps: Deps) -> int:
    """Claim the timers due by now and fire them in due order.

    Returns how many were claimed (stale ones included), so a caller looping until
    nothing is due stops only when nothing is."""
    lease_now, lease_until = _lease(deps, cmd.lease_seconds)
    with uow.transaction():
        due = uow.timers.claim_due(deps.clock.now(), cmd.owner, lease_until, lease_now, cmd.limit)
    for timer in sorted(due, key=lambda t: (t.due_at, t.case_id)):
        fire_timer(c.FireTimer(timer=timer), uow, deps)
    return len(due)


def settle_payouts(cmd: c.SettlePayouts, uow: UnitOfWork, deps: Deps) -> int:
    """Send pending payouts to the gateway; a confirmed goods refund completes its case.

    The batch is claimed first, in one transaction (a lease and one more attempt each), so a
    second worker leaves it alone while the gateway answers: the idempotency key alone made
    its second call harmless to the buyer's money but doubled the gateway's load and left
    the attempts uncounted. A worker that dies holding a claim loses it when the lease lapses;
    the next call carries the same key. Returns how many were claimed.
    """
    lease_now, lease_until = _lease(deps, cmd.lease_seconds)
    with uow.transaction():
        pending = uow.payouts.claim(lease_now, cmd.owner, lease_until, cmd.limit)
    for payout in pending:
        result = deps.gateway.refund(payout.key, payout.case_id, payout.amount, payout.requested_at)
        if result.status == "pending":
            with uow.transaction():  # ask again once the lease lapses, with the same key
                uow.payouts.defer(payout.key, cmd.owner, lease_until)
            continue
        _settle_one(uow, deps, payout, result.status, result.reference, result.settled_at or payout.requested_at)
    return len(pending)


def _settle_one(uow: UnitOfWork, deps: Deps, payout: Payout, state: str, reference: str, settled_at: datetime) -> None:
    """Record the gateway's final answer for one payout, once."""
    with uow.transaction():
        current = uow.payouts.get(payout.key)
        if current is None or current.state != "pending":
            return  # already recorded by an earlier (crashed or concurrent) round
        uow.payouts.mark(payout.key, state, reference, settled_at)
        if state != "succeeded":
            log.error("payout %s for case %s failed at the gateway: %s", payout.key, payout.case_id, reference)
            return
        if current.kind != "goods":
            return
        case = uow.cases.get(current.case_id)
        if case is None or case.status is not Status.REFUNDING:
            return
        at = max(settled_at, case.status_since)
        out = case_engine.act(case, "settle", Actor.system(), at, context_for(uow, deps, case, "settle"))
        record(uow, deps, out, case.version)


def run_to_rest(cmd: c.RunToRest, uow: UnitOfWork, deps: Deps) -> int:
    """Fire every timer due by now and settle every payout, again and again until
    nothing is left (a timer armed during the run fires too if already due)."""
    total = 0
    while True:
        n = fire_due_timers(c.FireDueTimers(owner=cmd.owner, lease_seconds=3600, limit=500), uow, deps)
        n += settle_payouts(c.SettlePayouts(owner=cmd.owner, lease_seconds=3600, limit=500), uow, deps)
        if n == 0:
            return total
        total += n

