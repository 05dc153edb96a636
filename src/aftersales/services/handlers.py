"""Use cases: one function per command, each one transaction over a unit of work.

The services load what an action acts on, call the pure domain, and hand the
outcome (case, history event, timer, payouts) to the repositories in the same
transaction. Time is a parameter: the caller reads its clock (a test clock,
the system clock, or a timer's due time).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aftersales.domain import case as case_engine
from aftersales.domain import eligibility, errors
from aftersales.domain import evidence as evidence_rules
from aftersales.domain import store_policy as store_policies
from aftersales.domain.case import Context, Params
from aftersales.domain.eligibility import Option
from aftersales.domain.model import Actor, Case, CaseType, Order, Reason, Reopening, Role, Status, Store
from aftersales.domain.policy import Pack
from aftersales.domain.store_policy import StorePolicy
from aftersales.domain.timecalc import BusinessCalendar, Duration, Unit, WeekdayCalendar, add
from aftersales.services.ports import DueTimer, EvidenceItem, Message, PaymentGateway, UnitOfWork

log = logging.getLogger(__name__)

# Handed to actions that never read the line's history (case.READS_LINE_HISTORY).
UNREAD = eligibility.LineHistory()

# Roles that see every case; a buyer sees their own, a seller their store's.
_SEE_ALL = frozenset({Role.AGENT, Role.OPERATOR, Role.INTEGRATION, Role.SYSTEM})


@dataclass(frozen=True)
class Deps:
    """What every use case needs besides the unit of work."""

    pack: Pack
    new_id: Callable[[], str]
    calendar: BusinessCalendar = field(default_factory=WeekdayCalendar)


def can_see_case(actor: Actor, case: Case) -> bool:
    if actor.role in _SEE_ALL:
        return True
    if actor.role is Role.BUYER:
        return actor.id == case.buyer_id
    if actor.role is Role.SELLER:
        return actor.id == case.store_id
    return False


def can_see_order(actor: Actor, order: Order) -> bool:
    if actor.role in _SEE_ALL:
        return True
    if actor.role is Role.BUYER:
        return actor.id == order.buyer_id
    if actor.role is Role.SELLER:
        return actor.id == order.store_id
    return False


# --- stores and orders (the marketplace's order system pushes them in) ---


def upsert_store(uow: UnitOfWork, actor: Actor, store: Store) -> bool:
    """Create or update a store; True when created."""
    _require_role(actor, {Role.INTEGRATION, Role.OPERATOR}, "stores are written by the order system")
    if not store.return_address.strip():
        raise errors.ValidationFailed("return_address must not be empty", "退货地址不能为空", field="return_address")
    with uow.transaction():
        return uow.stores.upsert(store)


_PROGRESS = ("shipped_at", "delivered_at", "completed_at")


def upsert_order(uow: UnitOfWork, actor: Actor, order: Order) -> bool:
    """Create an order or advance it; True when created.

    A later post may fill in or move later ``shipped_at``, ``delivered_at`` and
    ``completed_at``; it may not move them back, change the buyer or store, or
    drop a line (cases refer to them).
    """
    _require_role(actor, {Role.INTEGRATION, Role.OPERATOR}, "orders are written by the order system")
    _validate_order(order)
    with uow.transaction():
        if uow.stores.get(order.store_id) is None:
            raise errors.ValidationFailed(
                f"unknown store {order.store_id!r}; create it first", f"店铺 {order.store_id!r} 不存在,请先创建",
                field="store",
            )
        old = uow.orders.get(order.id)
        if old is not None:
            _validate_advance(old, order)
        return uow.orders.upsert(order)


def _validate_order(order: Order) -> None:
    if not order.lines:
        raise errors.ValidationFailed("an order needs at least one line", "订单至少需要一个商品", field="lines")
    ids = [line.id for line in order.lines]
    if len(set(ids)) != len(ids):
        raise errors.ValidationFailed("line ids must be unique within the order", "订单内商品 id 不能重复",
                                      field="lines")
    prev_name, prev = "paid_at", order.paid_at
    for name in _PROGRESS:
        value: datetime | None = getattr(order, name)
        if value is None:
            continue
        if value < prev:
            raise errors.ValidationFailed(f"{name} is before {prev_name}", f"{name} 早于 {prev_name}", field=name)
        prev_name, prev = name, value


def _validate_advance(old: Order, new: Order) -> None:
    if (old.buyer_id, old.store_id) != (new.buyer_id, new.store_id):
        raise errors.ValidationFailed("an order's buyer and store cannot change", "订单的买家和店铺不能修改",
                                      field="buyer")
    for name in _PROGRESS:
        before: datetime | None = getattr(old, name)
        after: datetime | None = getattr(new, name)
        if before is not None and (after is None or after < before):
            raise errors.ValidationFailed(
                f"{name} may only be filled in or moved later", f"{name} 只能补充或推后,不能撤回或提前", field=name
            )
    missing = {line.id for line in old.lines} - {line.id for line in new.lines}
    if missing:
        raise errors.ValidationFailed(
            f"lines cannot be removed: {', '.join(sorted(missing))}", "订单商品不能删除", field="lines"
        )


def _require_role(actor: Actor, roles: set[Role], why: str) -> None:
    if actor.role not in roles:
        raise errors.Forbidden(f"a {actor.role.value} may not do this: {why}", f"{actor.role.value} 无权执行此操作")


def set_store_policy(uow: UnitOfWork, deps: Deps, actor: Actor, store_id: str, policy: StorePolicy | None
                     ) -> list[store_policies.Finding]:
    """Replace a store's policy. Refused whole when a clause is void, naming each and the rule it
    breaks; otherwise stored, with every clause's finding returned."""
    with uow.transaction():
        store = uow.stores.get(store_id)
        allowed = actor.role in (Role.OPERATOR, Role.INTEGRATION) or (
            actor.role is Role.SELLER and actor.id == store_id)
        if store is None or (actor.role is Role.SELLER and actor.id != store_id):
            raise errors.NotFound("no such store", "店铺不存在")
        if not allowed:
            raise errors.Forbidden("only the store, the order system or an operator sets a store's policy",
                                   "只有店铺、订单系统或运营可以设置店铺售后政策")
        findings = store_policies.lint(policy, deps.pack) if policy is not None else []
        void = [f for f in findings if f.verdict is store_policies.Verdict.VOID]
        if void:
            raise errors.PolicyVoidClause(
                "these clauses take away what the rules give the buyer: "
                + "; ".join(f"{f.clause} ({f.scope or 'all'}): {f.why.en}" for f in void),
                "以下条款减损了买家的权利:" + ";".join(f"{f.clause}({f.scope or '全部'}):{f.why.zh}" for f in void),
                findings=[f.as_dict() for f in findings],
            )
        uow.stores.set_policy(store_id, policy)
        return findings


# --- eligibility ---


def line_options(uow: UnitOfWork, deps: Deps, actor: Actor, order_id: str, line_id: str,
                 at: datetime) -> list[Option]:
    """Every type and reason pair for one line, as the buyer would be answered at ``at``."""
    with uow.read():
        order = uow.orders.get(order_id)
        if order is None or not can_see_order(actor, order):
            raise errors.NotFound("no such order", "订单不存在")
        line = order.line(line_id)
        if line is None:
            raise errors.NotFound("no such order line", "订单商品不存在")
        history = uow.cases.line_history(order_id, line_id)
        store = _store(uow, order.store_id)
    return eligibility.options(order, line, at, deps.pack, history, deps.calendar,
                               store_policies.store_rules(store.policy, deps.pack))


def reopen_line(uow: UnitOfWork, deps: Deps, actor: Actor, order_id: str, line_id: str, days: int,
                note: str | None, at: datetime) -> Reopening:
    """After review, the platform reopens a line's closed windows for ``days`` natural days
    from now, with one more after-sale claim (DESIGN 3.4). Recorded; never edited."""
    if actor.role not in (Role.AGENT, Role.OPERATOR):
        raise errors.Forbidden("only an agent or an operator reopens a line's window", "只有客服或运营可以重新开放售后")
    if not 1 <= days <= 365:
        raise errors.ValidationFailed("days must be between 1 and 365", "天数须在 1 到 365 之间", field="days")
    with uow.transaction():
        order = uow.orders.get(order_id)
        if order is None or order.line(line_id) is None:
            raise errors.NotFound("no such order line", "订单商品不存在")
        until = add(at, Duration(days, Unit.DAYS), deps.pack.zone, deps.calendar).at
        grant = Reopening(order_id, line_id, at, until, days, actor, note)
        uow.reopenings.add(grant)
        return grant


# --- cases ---


def open_case(
    uow: UnitOfWork,
    deps: Deps,
    actor: Actor,
    order_id: str,
    line_id: str,
    case_type: CaseType,
    reason: Reason,
    amount: int | None,
    at: datetime,
    description: str | None = None,
    evidence_ids: tuple[str, ...] = (),
) -> Case:
    """A buyer opens a case on one of their order lines."""
    with uow.transaction():
        order = uow.orders.get(order_id)
        if order is None or not can_see_order(actor, order):
            raise errors.NotFound("no such order", "订单不存在")
        line = order.line(line_id)
        if line is None:
            raise errors.NotFound("no such order line", "订单商品不存在")
        _check_evidence(uow, actor, None, evidence_ids)
        store = _store(uow, order.store_id)
        history = uow.cases.line_history(order_id, line_id)
        ctx = Context(deps.pack, order, line, store, history, deps.calendar)
        out = case_engine.open_case(
            deps.new_id(), actor, case_type, reason, amount, at, ctx, description, evidence_ids
        )
        uow.cases.add(out)
        if evidence_ids:
            uow.evidence.attach(list(evidence_ids), out.case.id)
        return out.case


def _check_evidence(uow: UnitOfWork, actor: Actor, case_id: str | None, ids: tuple[str, ...]) -> None:
    if not ids:
        return
    missing = sorted(set(ids) - uow.evidence.usable(list(ids), actor, case_id))
    if missing:
        raise errors.ValidationFailed(
            f"unknown evidence: {', '.join(missing)} (upload it first; only your own uploads can be cited)",
            f"凭证不存在:{', '.join(missing)}(请先上传;只能引用自己上传的凭证)",
            field="evidence_ids",
        )


def get_case(uow: UnitOfWork, actor: Actor, case_id: str) -> Case:
    with uow.read():
        case = uow.cases.get(case_id)
    if case is None or not can_see_case(actor, case):
        raise errors.NotFound("no such case", "售后单不存在")
    return case


def act(
    uow: UnitOfWork,
    deps: Deps,
    actor: Actor,
    case_id: str,
    action: str,
    at: datetime,
    params: Params | None = None,
    expected_version: int | None = None,
) -> Case:
    """A party takes an action of DESIGN 3.2 on a case."""
    if action not in case_engine.PUBLIC_ACTIONS:
        raise errors.NotFound(f"no action {action!r}", f"没有操作 {action!r}")
    with uow.transaction():
        case = uow.cases.get(case_id)
        if case is None or not can_see_case(actor, case):
            raise errors.NotFound("no such case", "售后单不存在")
        out = case_engine.act(case, action, actor, at, _context(uow, deps, case, action), params, expected_version)
        if params is not None and params.evidence_ids:
            _check_evidence(uow, actor, case.id, params.evidence_ids)
        uow.cases.update(out, case.version)
        if params is not None and params.evidence_ids:
            uow.evidence.attach(list(params.evidence_ids), case.id)
        return out.case


def _store(uow: UnitOfWork, store_id: str) -> Store:
    store = uow.stores.get(store_id)
    if store is None:  # an order cannot be written without its store: a broken database
        raise RuntimeError(f"store {store_id} of an order is missing")
    return store


def _context(uow: UnitOfWork, deps: Deps, case: Case, action: str) -> Context:
    order = uow.orders.get(case.order_id)
    line = order.line(case.line_id) if order is not None else None
    if order is None or line is None:
        raise RuntimeError(f"order line {case.order_id}/{case.line_id} of case {case.id} is missing")
    history = (
        uow.cases.line_history(case.order_id, case.line_id, exclude_case=case.id)
        if action in case_engine.READS_LINE_HISTORY
        else UNREAD
    )
    return Context(deps.pack, order, line, _store(uow, case.store_id), history, deps.calendar)


# --- the platform's queue ---


def sla_due(deps: Deps, case: Case) -> datetime:
    """When the platform owes a ruling on a case in review (DESIGN 3.3: 2 business days)."""
    return add(case.status_since, deps.pack.intervention_sla, deps.pack.zone, deps.calendar).at


# --- timers and payouts: what happens when nobody acts ---


def fire_timer(uow: UnitOfWork, deps: Deps, timer: DueTimer) -> bool:
    """Carry out one claimed timer's default outcome at its due time, if still current.

    The case must still be in the status entry that armed the timer (its ``entry``
    counter), so a stale or repeated firing changes nothing.
    """
    with uow.transaction():
        case = uow.cases.get(timer.case_id)
        if (
            case is None
            or case.entry != timer.entry
            or case.status.terminal
            or case.deadline_action != timer.action
        ):
            uow.timers.discard(timer)
            return False
        try:
            out = case_engine.act(case, timer.action, Actor.system(), timer.due_at,
                                  _context(uow, deps, case, timer.action))
        except errors.DomainError as exc:
            # The rules refuse the default outcome now; keep the case for a person to look at.
            log.error("timer %s/%s on case %s refused: %s", timer.action, timer.entry, case.id, exc)
            uow.timers.discard(timer)
            return False
        uow.cases.update(out, case.version)
        return True


def fire_due_timers(
    uow: UnitOfWork, deps: Deps, now: datetime, owner: str, lease_now: datetime, lease_until: datetime,
    limit: int = 100,
) -> int:
    """Claim the timers due by ``now`` and fire them in due order.

    Returns how many were claimed (stale ones included), so a caller looping until
    nothing is due stops only when nothing is."""
    with uow.transaction():
        due = uow.timers.claim_due(now, owner, lease_until, lease_now, limit)
    for timer in sorted(due, key=lambda t: (t.due_at, t.case_id)):
        fire_timer(uow, deps, timer)
    return len(due)


def settle_payouts(
    uow: UnitOfWork, deps: Deps, gateway: PaymentGateway, owner: str, lease_now: datetime,
    lease_until: datetime, limit: int = 100,
) -> int:
    """Send pending payouts to the gateway; a confirmed goods refund completes its case.

    No claim is written first: the payout's idempotency key makes a second worker's
    call for the same payout harmless (the gateway pays once), and the recording
    transaction checks the payout is still pending. Skipping the claim saves a
    durable commit per refund. Returns how many were looked at.
    """
    with uow.read():
        pending = uow.payouts.pending(lease_now, limit)
    for payout in pending:
        result = gateway.refund(payout.key, payout.case_id, payout.amount, payout.requested_at)
        if result.status == "pending":
            with uow.transaction():  # ask again once the lease lapses, with the same key
                uow.payouts.defer(payout.key, owner, lease_until)
            continue
        settle_payout(uow, deps, payout.key, result.status, result.reference,
                      result.settled_at or payout.requested_at)
    return len(pending)


def settle_payout(uow: UnitOfWork, deps: Deps, key: str, state: str, reference: str, settled_at: datetime) -> int:
    """Record the gateway's final answer for one payout; 1 when this call recorded it."""
    with uow.transaction():
        current = uow.payouts.get(key)
        if current is None or current.state != "pending":
            return 0  # already recorded by an earlier (crashed or concurrent) round
        uow.payouts.mark(key, state, reference, settled_at)
        if state != "succeeded" or current.kind != "goods":
            if state != "succeeded":
                log.error("payout %s for case %s failed at the gateway: %s", key, current.case_id, reference)
            return 1
        case = uow.cases.get(current.case_id)
        if case is None or case.status is not Status.REFUNDING:
            return 1
        at = max(settled_at, case.status_since)
        out = case_engine.act(case, "settle", Actor.system(), at, _context(uow, deps, case, "settle"))
        uow.cases.update(out, case.version)
        return 1


def run_to_rest(
    uow: UnitOfWork, deps: Deps, gateway: PaymentGateway, now: datetime, owner: str, lease_now: datetime,
    lease_until: datetime,
) -> int:
    """Fire every timer due by ``now`` and settle every payout, again and again until
    nothing is left (a timer armed during the run fires too if already due)."""
    total = 0
    while True:
        n = fire_due_timers(uow, deps, now, owner, lease_now, lease_until, limit=500)
        n += settle_payouts(uow, deps, gateway, owner, lease_now, lease_until, limit=500)
        if n == 0:
            return total
        total += n


# --- the negotiation: messages and evidence ---


def post_message(uow: UnitOfWork, actor: Actor, case_id: str, text: str, at: datetime,
                 expected_version: int | None = None) -> Message:
    """A party or an agent writes in the case's negotiation."""
    text = text.strip()
    if not text:
        raise errors.ValidationFailed("a message needs text", "消息不能为空", field="text")
    with uow.transaction():
        case = uow.cases.get(case_id)
        if case is None or not can_see_case(actor, case):
            raise errors.NotFound("no such case", "售后单不存在")
        msg = Message(0, case_id, actor, text, at)
        msg_id = uow.messages.add(msg)
        out = case_engine.note(case, actor, at, "message", {"message_id": msg_id}, expected_version)
        uow.cases.update(out, case.version)
        return Message(msg_id, case_id, actor, text, at)


def _checked_file(kind: str, content: bytes) -> str:
    if not evidence_rules.valid_kind(kind):
        raise errors.ValidationFailed(
            f"kind is a short lower-case name such as {', '.join(evidence_rules.KINDS)}", "凭证类型无效", field="kind")
    if not content:
        raise errors.ValidationFailed("the file is empty", "文件为空", field="file")
    if len(content) > evidence_rules.MAX_BYTES:
        raise errors.ValidationFailed(
            f"the file is larger than {evidence_rules.MAX_BYTES // (1024 * 1024)} MB", "文件超过 10 MB", field="file"
        )
    ctype = evidence_rules.sniff(content)
    if ctype is None:
        raise errors.ValidationFailed(
            "only images (PNG, JPEG, GIF, WebP), PDF and UTF-8 text are accepted", "只接受图片、PDF 和文本文件",
            field="file",
        )
    return ctype


def upload_evidence(
    uow: UnitOfWork, actor: Actor, kind: str, content: bytes, filename: str | None, evidence_id: str,
    at: datetime,
) -> EvidenceItem:
    """Upload a file not yet on any case; the action that cites it attaches it."""
    ctype = _checked_file(kind, content)
    if actor.role not in case_engine.NOTE_ROLES:
        raise errors.Forbidden(f"a {actor.role.value} may not upload evidence", "无权上传凭证")
    item = EvidenceItem(evidence_id, None, kind, hashlib.sha256(content).hexdigest(), ctype, len(content),
                        filename, actor, at)
    with uow.transaction():
        uow.evidence.add(item, content)
    return item


def attach_evidence(
    uow: UnitOfWork, actor: Actor, case_id: str, kind: str, content: bytes, filename: str | None,
    evidence_id: str, at: datetime, expected_version: int | None = None,
) -> EvidenceItem:
    """Upload one file of evidence to a case (its history records who and which)."""
    ctype = _checked_file(kind, content)
    with uow.transaction():
        case = uow.cases.get(case_id)
        if case is None or not can_see_case(actor, case):
            raise errors.NotFound("no such case", "售后单不存在")
        item = EvidenceItem(evidence_id, case_id, kind, hashlib.sha256(content).hexdigest(), ctype, len(content),
                            filename, actor, at)
        out = case_engine.note(case, actor, at, "evidence", {"evidence_id": evidence_id, "kind": kind,
                                                             "sha256": item.sha256}, expected_version)
        uow.evidence.add(item, content)
        uow.cases.update(out, case.version)
        return item
