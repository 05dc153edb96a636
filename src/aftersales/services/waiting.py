"""What waits for each person: read state per person and case (when they last looked), and the
list of their open cases that want them now. A case's turn belongs to a party; a store's member
is waited for on the store's cases given to them or to nobody, an agent on the disputes they
handle."""

from __future__ import annotations

from datetime import datetime, timedelta

from aftersales.domain import access
from aftersales.domain.model import Actor, Case, Role, Status
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.values import Waiting

# Whose turn each status is, by the role that plays it.
TURN = {
    Role.BUYER: frozenset({Status.SELLER_REFUSED, Status.AWAITING_RETURN, Status.AWAITING_BUYER_CONFIRMATION}),
    Role.SELLER: frozenset(q.STORE_TURN),
    Role.AGENT: frozenset({Status.PLATFORM_REVIEW}),
    Role.OPERATOR: frozenset({Status.PLATFORM_REVIEW}),
}
SOON = timedelta(hours=24)


def reader_of(actor: Actor) -> str:
    """Who reads, as read state is kept: the role, the party, and the member of staff."""
    return f"{actor.role.value}:{actor.id}:{actor.staff or ''}"


def mark_seen(cmd: c.MarkSeen, uow: UnitOfWork, deps: Deps) -> datetime | None:
    with uow.read():
        access.visible_case(cmd.actor, uow.cases.get(cmd.case_id))
    reader = reader_of(cmd.actor)
    with uow.transaction():
        before = uow.messages.seen(reader, [cmd.case_id]).get(cmd.case_id)
        uow.messages.mark_seen(reader, cmd.case_id, deps.clock.now())
    return before


def _mine(uow: UnitOfWork, actor: Actor, limit: int, now: datetime) -> list[Case]:
    if actor.role is Role.BUYER:
        return [case for _, case in uow.cases.page(buyer_id=actor.id, store_id=None, status=None, before_seq=None,
                                                   limit=limit) if case.open]
    if actor.role is Role.SELLER:
        if actor.team_role == "viewer":
            return []
        found = uow.cases.page(buyer_id=None, store_id=actor.id, status=None, before_seq=None, limit=limit)
        return [case for _, case in found if case.open and case.assignee in (None, actor.staff)]
    if actor.role in (Role.AGENT, Role.OPERATOR):
        return [case for _, case in uow.cases.queue(after=None, limit=limit, now=now, agent=actor.id)]
    return []


def _why(case: Case, actor: Actor, seen: datetime | None, last: datetime | None, now: datetime) -> tuple[str, ...]:
    out = []
    if last is not None and (seen is None or last > seen):
        out.append("messages")
    if actor.role is Role.BUYER and case.offer is not None:
        out.append("offer")
    pause = case.pause
    if pause is not None and pause.kind == "evidence" and any(p.value == actor.role.value for p in pause.parties):
        out.append("evidence")
    due = case.sla_due if actor.role in (Role.AGENT, Role.OPERATOR) else case.deadline
    if case.status in TURN.get(actor.role, ()) and due is not None and due - now <= SOON:
        out.append("deadline")
    return tuple(out)


def waiting_for(query: q.WaitingFor, uow: UnitOfWork, deps: Deps) -> list[Waiting]:
    actor, now = query.actor, deps.clock.now()
    with uow.read():
        cases = _mine(uow, actor, query.limit, now)
        ids = [case.id for case in cases]
        seen = uow.messages.seen(reader_of(actor), ids)
        last = uow.messages.last_from_others(ids, actor.role.value)
        listed = uow.cases.listed(ids)
    out = []
    for case in cases:
        why = _why(case, actor, seen.get(case.id), last.get(case.id), now)
        if why:
            out.append(Waiting(case, listed[case.id].title if case.id in listed else "", why))
    return out
