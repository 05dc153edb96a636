"""Writing what a change means, in one place, and reading what a change acts on.

``record`` is the one function that turns a domain ``Outcome`` into writes: the case,
its history event, its timer (armed or dropped) and its payouts, all in the caller's
transaction, and then what reacts to the event (``Deps.reactions``: its event object in the
outbox), so that no face and no repository can change a case without its consequences.
"""

from __future__ import annotations

import dataclasses

from aftersales.domain import case as case_engine
from aftersales.domain import errors
from aftersales.domain.eligibility import LineHistory
from aftersales.domain.inputs import Context
from aftersales.domain.model import Actor, Case, Event, Message, Order
from aftersales.domain.policy import EVIDENCE_ACTIONS
from aftersales.domain.stores import Store
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork

# Handed to actions that never read the line's history (case.READS_LINE_HISTORY).
UNREAD = LineHistory()


def record(uow: UnitOfWork, deps: Deps, outcome: case_engine.Outcome, expected_version: int | None = None) -> Event:
    """Write everything ``outcome`` means and run the reactions to its history event, which it
    answers. ``expected_version`` None: a new case."""
    if expected_version is None:
        uow.cases.add(outcome.case)
    else:
        uow.cases.update(outcome.case, expected_version)
    event = outcome.event
    if event.actor.staff is not None and event.actor.staff != event.actor.id:
        # A store acts through a member of its team: the history names them.
        event = dataclasses.replace(event, data={**event.data, "staff": event.actor.staff})
    uow.cases.append(event)
    if outcome.arm is not None:
        uow.timers.arm(outcome.arm)
    elif outcome.disarm:
        uow.timers.clear(outcome.case.id)
    if outcome.payouts:
        uow.payouts.add(outcome.payouts, outcome.event.at)
    if outcome.says is not None:
        uow.messages.add(Message(0, event.case_id, Actor.system(), outcome.says.en, event.at, "system",
                                 outcome.says.zh))
    for react in (*deps.reactions.get("*", ()), *deps.reactions.get(event.action, ())):
        react(uow, deps, outcome.case, event)
    return event


def store_of(uow: UnitOfWork, store_id: str) -> Store:
    store = uow.stores.get(store_id)
    if store is None:  # an order cannot be written without its store: a broken database
        raise RuntimeError(f"store {store_id} of an order is missing")
    return store


def refunded_elsewhere(uow: UnitOfWork, order: Order, exclude_case: str | None) -> int:
    """Goods the order's other cases refunded; read only where a free-shipping threshold can need it."""
    if order.free_shipping_threshold is None:
        return 0
    return uow.cases.order_refunded(order.id, exclude_case)


def evidence_kinds(uow: UnitOfWork, case_id: str | None, cited: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """(party, kind) of the evidence on a case and of the files an action cites (whose owner
    ``check_evidence`` verifies after): what a pack's evidence rules are read against."""
    items = uow.evidence.for_case(case_id) if case_id is not None else []
    items += [item for item in (uow.evidence.get(i) for i in cited) if item is not None]
    return frozenset((item.uploaded_by.role.value, item.kind) for item in items)


def context_for(uow: UnitOfWork, deps: Deps, case: Case, action: str, cited: tuple[str, ...] = ()) -> Context:
    """What ``action`` on ``case`` acts on, read in the caller's transaction."""
    order = uow.orders.get(case.order_id)
    line = order.line(case.line_id) if order is not None else None
    if order is None or line is None:
        raise RuntimeError(f"order line {case.order_id}/{case.line_id} of case {case.id} is missing")
    history = (
        uow.cases.line_history(case.order_id, case.line_id, exclude_case=case.id)
        if action in case_engine.READS_LINE_HISTORY
        else UNREAD
    )
    kinds = evidence_kinds(uow, case.id, cited) if action in EVIDENCE_ACTIONS else frozenset()
    return Context(deps.pack, order, line, store_of(uow, case.store_id), history, deps.calendar,
                   refunded_elsewhere(uow, order, case.id), evidence=kinds)


def check_evidence(uow: UnitOfWork, actor: Actor, case_id: str | None, ids: tuple[str, ...]) -> None:
    """Evidence cited by an action must exist and be the actor's own upload (or already on the case)."""
    if not ids:
        return
    missing = sorted(set(ids) - uow.evidence.usable(list(ids), actor, case_id))
    if missing:
        raise errors.ValidationFailed(
            f"unknown evidence: {', '.join(missing)} (upload it first; only your own uploads can be cited)",
            f"凭证不存在:{', '.join(missing)}(请先上传;只能引用自己上传的凭证)",
            field="evidence_ids",
        )
