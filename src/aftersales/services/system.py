"""Use cases of the platform itself: API tokens, the agents' queue, the test clock, calendar
years, health, and running a request once per idempotency key."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from aftersales.domain import access, errors
from aftersales.domain.model import Actor, Role
from aftersales.domain.payouts import Payout
from aftersales.services import commands as c
from aftersales.services import lockout
from aftersales.services import queries as q
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.values import IssuedToken, Overview, Page, QueueItem, StoredReply, TokenRecord

ROLES = ("buyer", "seller", "agent", "operator", "integration")


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 cannot be brute-forced; a slow
    password hash (argon2) would only cost every request a few milliseconds."""
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(query: q.Authenticate, uow: UnitOfWork, deps: Deps) -> Actor:
    """Looked up on every request (no cache), so a revocation holds on the next request everywhere."""
    admin = deps.admin_token
    if admin and hmac.compare_digest(query.token.encode(), admin.encode()):
        return Actor(Role.OPERATOR, "admin")
    found = uow.tokens.lookup(token_hash(query.token))
    if found is None or found.revoked_at is not None or found.kind != "api":
        raise errors.Unauthorized("the token is not valid", "访问令牌无效")
    if found.expires_at is not None and found.expires_at <= deps.wall_clock.now():
        raise errors.Unauthorized("the token has expired", "访问令牌已过期")
    return Actor(Role(found.role), found.subject)


def issue_token(cmd: c.IssueToken, uow: UnitOfWork, deps: Deps) -> IssuedToken:
    """A new token, stored hashed: its plaintext is in the answer and nowhere else."""
    access.require(cmd.actor, "manage_tokens")
    if cmd.role not in ROLES:
        raise errors.ValidationFailed(f"role must be one of {', '.join(ROLES)}", "角色无效", field="role")
    now = deps.wall_clock.now()
    if cmd.expires_at is not None and cmd.expires_at <= now:
        raise errors.ValidationFailed("expires_at is in the past", "过期时间已过", field="expires_at")
    token = deps.new_secret(cmd.role)
    with uow.transaction():
        token_id = uow.tokens.create(token_hash(token), cmd.role, cmd.subject, now, cmd.expires_at)
    return IssuedToken(token_id, token, cmd.role, cmd.subject, cmd.expires_at)


def revoke_token(cmd: c.RevokeToken, uow: UnitOfWork, deps: Deps) -> None:
    access.require(cmd.actor, "manage_tokens")
    with uow.transaction():
        if not uow.tokens.revoke(cmd.token_id, deps.wall_clock.now()):
            raise errors.NotFound("no such token", "令牌不存在")


def list_tokens(query: q.ListTokens, uow: UnitOfWork, deps: Deps) -> Page[TokenRecord]:
    access.require(query.actor, "manage_tokens")
    with uow.read():
        rows = uow.tokens.page(query.after, query.limit + 1)
    return Page.of(rows, query.limit, lambda t: (t.id,))


def operator_overview(query: q.OperatorOverview, uow: UnitOfWork, deps: Deps) -> Overview:
    """Counted in the database, except the days of the deadlines that acted, which are put on the
    pack's local calendar here (a day in Beijing is not a day in UTC)."""
    access.require(query.actor, "see_operations")
    now = deps.clock.now()
    zone = deps.pack.zone
    today = now.astimezone(zone).date()
    first = today - timedelta(days=query.days - 1)
    since = datetime.combine(first, time.min, tzinfo=zone)
    actions = sorted({rule.action for rule in deps.pack.timeouts})
    with uow.read():
        counts = uow.cases.status_counts()
        fired = uow.cases.system_actions_since(since, actions)
        stores = uow.stores.all(200)
        years = sorted(y.year for y in uow.system.calendar_years())
        provisional = uow.cases.provisional_open()
        locks = lockout.sign_in_locks(uow, deps)
    per_day = {first + timedelta(days=i): 0 for i in range(query.days)}
    for at in fired:
        day = at.astimezone(zone).date()
        if day in per_day:
            per_day[day] += 1
    return Overview(counts, [(d.isoformat(), n) for d, n in per_day.items()], stores, years, provisional, locks)


def case_payouts(query: q.CasePayouts, uow: UnitOfWork, deps: Deps) -> list[Payout]:
    access.require(query.actor, "see_operations")
    with uow.read():
        if uow.cases.get(query.case_id) is None:
            raise errors.NotFound("no such case", "售后单不存在")
        return uow.payouts.for_case(query.case_id)


def intervention_queue(query: q.InterventionQueue, uow: UnitOfWork, deps: Deps) -> Page[QueueItem]:
    """Soonest due first, so breached ones lead (DESIGN 3.3); a keyset query in the database."""
    access.require(query.actor, "see_queue")
    now = deps.clock.now()
    with uow.read():
        rows = uow.cases.queue(after=query.after, limit=query.limit + 1, now=now,
                               status=query.status.value if query.status else None, store_id=query.store,
                               breached=query.breached, agent=query.agent, kind=query.kind)
        page = Page.of(rows, query.limit, lambda row: (row[1].sla_due, row[0]))
        extra = uow.cases.listed([case.id for _, case in page.items])
    return Page([QueueItem(case, case.sla_due, now >= case.sla_due, extra[case.id].title, extra[case.id].photo)
                 for _, case in page.items if case.sla_due and case.id in extra], page.after)


def _test_clock_on(deps: Deps) -> None:
    if not deps.test_clock:
        raise errors.NotFound("test clocks are off (set AFTERSALES_CLOCK=test)", "测试时钟未启用")


def get_test_clock(query: q.GetTestClock, uow: UnitOfWork, deps: Deps) -> tuple[datetime, bool]:
    _test_clock_on(deps)
    with uow.read():
        stored = uow.system.test_clock()
    return (stored or deps.wall_clock.now()), stored is not None


def set_test_clock(cmd: c.SetTestClock, uow: UnitOfWork, deps: Deps) -> datetime:
    """The first call may set any time, later ones only move it forward. In the caller's
    transaction, so it composes with an idempotency key like any command."""
    _test_clock_on(deps)
    access.require(cmd.actor, "set_test_clock")
    with uow.transaction():
        current = uow.system.test_clock()
        if current is not None and cmd.now < current:
            raise errors.ClockMovedBackwards(
                f"the test clock is at {current.isoformat()}; it only moves forward", "测试时钟只能向前调整")
        uow.system.set_test_clock(cmd.now, deps.wall_clock.now())
    return cmd.now


def load_calendar_year(cmd: c.LoadCalendarYear, uow: UnitOfWork, deps: Deps) -> None:
    access.require(cmd.actor, "load_calendar")
    with uow.transaction():
        uow.system.put_calendar_year(cmd.year, deps.wall_clock.now())


def check_health(query: q.CheckHealth, uow: UnitOfWork, deps: Deps) -> bool:
    """The database answers a read, and a write could begin (a stuck writer makes this false)."""
    with uow.read():
        uow.system.test_clock()
    return uow.writable(query.timeout)


def purge_idempotency(cmd: c.PurgeIdempotency, uow: UnitOfWork, deps: Deps) -> int:
    with uow.transaction():
        return uow.idempotency.purge(cmd.before)


def run_once(cmd: c.Idempotent[Any], uow: UnitOfWork, deps: Deps,
             run: Callable[[c.Request[Any], UnitOfWork], Any]) -> Any:
    """Run ``cmd.inner`` once per key. The lookup, the change and the stored reply are one
    transaction; a refusal is stored too (its own writes undone to a savepoint) and then
    raised, so a retry gets the same answer either way."""
    for attempt in range(2):
        try:
            with uow.transaction():
                stored = uow.idempotency.get(cmd.principal, cmd.key)
                if stored is not None:
                    if stored.fingerprint != cmd.fingerprint:
                        raise errors.IdempotencyConflict(
                            "this Idempotency-Key was used with a different request",
                            "该 Idempotency-Key 已用于另一个请求")
                    return stored
                result: Any
                try:
                    with uow.savepoint():
                        result = run(cmd.inner, uow)
                except errors.DomainError as exc:
                    result = exc
                reply = cmd.keep(result)
                uow.idempotency.put(cmd.principal, cmd.key, StoredReply(
                    cmd.fingerprint, reply.status_code, reply.body, reply.headers), deps.wall_clock.now())
        except errors.KeyTaken:
            # A concurrent request with the same key committed first; go round once more
            # and replay what it stored.
            if attempt:
                raise
            continue
        if isinstance(result, errors.DomainError):
            raise result
        return result
    raise AssertionError("unreachable")
