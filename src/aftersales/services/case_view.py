"""The pages' reads: a case page and a line page each come from one query, answered in one
read of the database, so a page never shows a case from one moment beside its history from
another, and a face never stitches a view from several requests."""

from __future__ import annotations

from aftersales.domain import access, eligibility
from aftersales.domain.model import Case
from aftersales.services import queries as q
from aftersales.services.deps import Deps
from aftersales.services.orders import line_facts, visible_line
from aftersales.services.ports import UnitOfWork
from aftersales.services.values import CaseView, LineView, ThreadItem
from aftersales.services.waiting import reader_of


def case_page(query: q.CasePage, uow: UnitOfWork, deps: Deps) -> CaseView:
    """The case as ``query.actor`` may see it, with everything its page shows (another
    party's case is not found)."""
    actor = query.actor
    with uow.read():
        case = access.visible_case(actor, uow.cases.get(query.case_id))
        order = access.visible_order(actor, uow.orders.get(case.order_id))
        events = uow.cases.events(case.id, 0, query.limit)
        messages = uow.messages.for_case(case.id, 0, query.limit,
                                         notes=actor.role in access.CAPABILITIES["private_notes"].roles)
        evidence = uow.evidence.for_case(case.id)
        team: list[str] = []
        if "assign" in access.forms_for(actor, case):
            # An owner gives a case to anyone on the team who handles cases; a member, to themself.
            members = uow.users.of_store(case.store_id) if actor.team_role in (None, "owner") else []
            team = [m.name for m in members if m.role != "viewer"] or ([actor.staff] if actor.staff else [])
        reopenings = (uow.reopenings.for_line(case.order_id, case.line_id)
                      if actor.role in access.CAPABILITIES["reopen_line"].roles else None)
        seen_before = uow.messages.seen(reader_of(actor), [case.id]).get(case.id)
        uses, scope = access.phrase_scope(actor)
        phrases = uow.phrases.of(scope) if uses and case.open else []
    thread = [*(ThreadItem(m.created_at, "message", message=m) for m in messages),
              *(ThreadItem(e.created_at, "evidence", evidence=e) for e in evidence),
              *((ThreadItem(case.offer.at, "offer"),) if case.offer else ())]
    thread.sort(key=lambda item: item.at)  # stable: a message and the change it tells keep their order
    return CaseView(case, order, order.line(case.line_id), events, messages, evidence, thread, team, reopenings,
                    seen_before, phrases)


def line_page(query: q.LinePage, uow: UnitOfWork, deps: Deps) -> LineView:
    """The buyer's line: what they may ask for now and until when, and the case already open on it."""
    at = deps.now(None)
    with uow.read():
        order, line = visible_line(uow, query.actor, query.order_id, query.line_id)
        facts = line_facts(uow, deps, order, line)
        history = facts.history
        found = uow.cases.get(history.open_case_id) if history.open_case_id else None
    open_case: Case | None = found if found is not None and access.can_see_case(query.actor, found) else None
    return LineView(order, line, at, eligibility.options(facts, at), open_case, history.refunded)
