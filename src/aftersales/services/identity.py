"""People who use the pages: staff who sign in with a password, buyers who arrive by a
one-time link from the marketplace's own app, and the sessions both are given.

A session and a login link are tokens like the API's (``tokens`` table, kinds "session" and
"login_link"): 256 random bits, stored as their SHA-256, revocable on the next request by
every process. Signing out everywhere revokes every session of the user.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from aftersales.domain import access, errors
from aftersales.domain.model import Actor, Role
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.deps import Deps
from aftersales.services.lockout import LOCKOUT_FAILURES, LOCKOUT_WINDOW, SLOWED_ANSWER, SLOWED_NAME_FAILURES
from aftersales.services.ports import UnitOfWork
from aftersales.services.system import token_hash
from aftersales.services.values import IssuedToken, Session, TokenRecord, User

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)
LINK_LIFETIME = timedelta(minutes=10)  # DESIGN 3.8
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 hashes anything; a bound keeps a sign-in from being a CPU sink


def actor_of(user: User) -> Actor:
    """The party a member of staff acts for: their store, or the platform in their own name."""
    if user.store_id is not None:
        return Actor(Role.SELLER, user.store_id, staff=user.name, team_role=user.role)
    return Actor(Role(user.role), user.name, staff=user.name)


def add_user(cmd: c.AddUser, uow: UnitOfWork, deps: Deps) -> User:
    name = cmd.name.strip()
    if not name or len(name) > 64 or any(ch.isspace() or ord(ch) < 32 for ch in name):
        raise errors.ValidationFailed("a user name is 1 to 64 characters without spaces",
                                      "用户名为 1 至 64 个字符,不含空格", field="name")
    if not MIN_PASSWORD <= len(cmd.password) <= MAX_PASSWORD:
        raise errors.ValidationFailed(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                                      f"密码长度为 {MIN_PASSWORD} 至 {MAX_PASSWORD} 个字符", field="password")
    hashed = deps.passwords.hash(cmd.password)  # slow: outside the transaction
    with uow.transaction():
        exists = cmd.store_id is not None and uow.stores.get(cmd.store_id) is not None
        access.add_user(cmd.actor, cmd.role, cmd.store_id, exists)
        now = deps.wall_clock.now()
        user_id = uow.users.add(name, cmd.role, cmd.store_id, hashed, now)
        if user_id is None:
            raise errors.ValidationFailed(f"the name {name!r} is taken", f"用户名 {name!r} 已被使用", field="name")
    return User(user_id, name, cmd.role, cmd.store_id, hashed, now)


def store_team(query: q.StoreTeam, uow: UnitOfWork, deps: Deps) -> list[User]:
    with uow.read():
        access.see_team(query.actor, query.store_id, uow.stores.get(query.store_id) is not None)
        return uow.users.of_store(query.store_id)


def sign_in(cmd: c.SignIn, uow: UnitOfWork, deps: Deps) -> Session:
    """The same answer for an unknown name and a wrong password, and failures counted for
    both, so the form tells a guesser nothing about which names exist."""
    now = deps.wall_clock.now()
    name, source = cmd.name[:64], cmd.source[:64]
    wrong = errors.Unauthorized("the name or the password is wrong", "用户名或密码错误")
    with uow.read():
        from_source = uow.users.source_failures_since(source, now - LOCKOUT_WINDOW)
        user = uow.users.by_name(cmd.name)
    if from_source >= LOCKOUT_FAILURES:
        # Not recorded: a locked source does not keep its own lock going, nor fill the table.
        minutes = LOCKOUT_WINDOW.seconds // 60
        raise errors.AccountLocked(
            f"too many failed sign-ins from your address: try again in {minutes} minutes",
            f"您所在地址的登录失败次数过多,请 {minutes} 分钟后再试")
    ok = user is not None and len(cmd.password) <= MAX_PASSWORD and deps.passwords.verify(user.password_hash,
                                                                                           cmd.password)
    if not ok or user is None:
        with uow.transaction():
            uow.users.fail(name, source, now)
        if from_source + 1 == LOCKOUT_FAILURES:
            log.warning("sign-ins from %r locked for %s after %d failures (the last for %r)",
                        source, LOCKOUT_WINDOW, LOCKOUT_FAILURES, name)
        raise wrong
    with uow.transaction():
        # Only this source's failures: a right password elsewhere must not unlock an attacker.
        uow.users.clear_failures(user.name, source)
        return _open_session(uow, deps, actor_of(user), user.id)


def sign_in_delay(query: q.SignInDelay, uow: UnitOfWork, deps: Deps) -> float:
    with uow.read():
        failed = uow.users.failures_since(query.name[:64], deps.wall_clock.now() - LOCKOUT_WINDOW)
    return SLOWED_ANSWER if failed >= SLOWED_NAME_FAILURES else 0.0


def _open_session(uow: UnitOfWork, deps: Deps, actor: Actor, user_id: int | None) -> Session:
    now = deps.wall_clock.now()
    token = deps.new_secret("session")
    expires = now + SESSION_LIFETIME
    uow.tokens.create(token_hash(token), actor.role.value, actor.id, now, expires, kind="session", user_id=user_id)
    return Session(token, actor, expires)


def issue_login_link(cmd: c.IssueLoginLink, uow: UnitOfWork, deps: Deps) -> IssuedToken:
    access.require(cmd.actor, "issue_login_links")
    buyer = cmd.buyer.strip()
    if not buyer or len(buyer) > 64:
        raise errors.ValidationFailed("buyer is 1 to 64 characters", "买家编号为 1 至 64 个字符", field="buyer")
    now = deps.wall_clock.now()
    token = deps.new_secret("link")
    with uow.transaction():
        token_id = uow.tokens.create(token_hash(token), Role.BUYER.value, buyer, now, now + LINK_LIFETIME,
                                     kind="login_link")
    return IssuedToken(token_id, token, Role.BUYER.value, buyer, now + LINK_LIFETIME)


def redeem_login_link(cmd: c.RedeemLoginLink, uow: UnitOfWork, deps: Deps) -> Session:
    now = deps.wall_clock.now()
    with uow.transaction():
        found = uow.tokens.lookup(token_hash(cmd.token))
        if found is None or not uow.tokens.consume(token_hash(cmd.token), "login_link", now):
            raise errors.LinkUsed("this sign-in link was used already or has expired: ask for a new one",
                                  "该登录链接已使用或已过期,请重新获取")
        return _open_session(uow, deps, Actor(Role.BUYER, found.subject), None)


def sign_out(cmd: c.SignOut, uow: UnitOfWork, deps: Deps) -> int:
    now = deps.wall_clock.now()
    with uow.transaction():
        found = _live_session(uow, deps, cmd.token)
        if found is None:
            return 0
        if cmd.everywhere:
            if found.user_id is not None:
                return uow.tokens.revoke_all("session", now, user_id=found.user_id)
            return uow.tokens.revoke_all("session", now, subject=found.subject)
        return int(uow.tokens.revoke(found.id, now))


def _live_session(uow: UnitOfWork, deps: Deps, token: str) -> TokenRecord | None:
    found = uow.tokens.lookup(token_hash(token))
    if found is None or found.kind != "session" or found.revoked_at is not None:
        return None
    if found.expires_at is not None and found.expires_at <= deps.wall_clock.now():
        return None
    return found


def authenticate_session(query: q.AuthenticateSession, uow: UnitOfWork, deps: Deps) -> Actor:
    """Read on every request, so signing out (anywhere) holds on the next one."""
    found = _live_session(uow, deps, query.token)
    if found is None:
        raise errors.Unauthorized("please sign in", "请登录")
    if found.user_id is None:
        return Actor(Role(found.role), found.subject)
    with uow.read():
        user = uow.users.by_id(found.user_id)
    if user is None:
        raise errors.Unauthorized("please sign in", "请登录")
    return actor_of(user)
