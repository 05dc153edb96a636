"""How failed sign-ins lock: the numbers, and what the operator's page shows of them."""

from __future__ import annotations

from datetime import timedelta

from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.values import SignInLocks

# OWASP's authentication guidance: lock what attacks, not whom it attacks. Failed sign-ins
# from one source (for any names) within the window lock that source until they age out; a
# name that failed that often from everywhere is never locked, its answers are only slowed.
LOCKOUT_FAILURES = 10
LOCKOUT_WINDOW = timedelta(minutes=15)
SLOWED_NAME_FAILURES = 10
SLOWED_ANSWER = 1.0  # seconds


def sign_in_locks(uow: UnitOfWork, deps: Deps) -> SignInLocks:
    """What the operator's page shows: the sources locked now and the names being slowed."""
    since = deps.wall_clock.now() - LOCKOUT_WINDOW
    sources = uow.users.busiest(since, LOCKOUT_FAILURES, by="source")
    names = uow.users.busiest(since, SLOWED_NAME_FAILURES, by="name")
    return SignInLocks({f.key: f.first_at + LOCKOUT_WINDOW for f in sources}, sources, names)
