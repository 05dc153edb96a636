"""Wiring: settings from the environment, and the adapters behind each port."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError, ProgrammingError

from aftersales.adapters import calendars, ids, packs
from aftersales.adapters.clocks import DatabaseTestClock, SystemClock
from aftersales.adapters.db.sql import DEFAULT_URL, Database, SqlUnitOfWork
from aftersales.adapters.payments import LedgerGateway
from aftersales.services.handlers import Deps
from aftersales.services.ports import Clock, PaymentGateway


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    admin_token: str | None = None
    clock: str = "real"  # "real" | "test"
    pack: str = "taobao"

    @classmethod
    def from_env(cls, **overrides: str | None) -> Settings:
        env = os.environ
        values: dict[str, str | None] = {
            "database_url": env.get("AFTERSALES_DATABASE_URL") or DEFAULT_URL,
            "admin_token": env.get("AFTERSALES_ADMIN_TOKEN") or None,
            "clock": env.get("AFTERSALES_CLOCK") or "real",
            "pack": env.get("AFTERSALES_PACK") or "taobao",
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values["clock"] not in ("real", "test"):
            raise ValueError(f"AFTERSALES_CLOCK must be 'real' or 'test', not {values['clock']!r}")
        return cls(**values)  # type: ignore[arg-type]


@dataclass
class System:
    settings: Settings
    db: Database
    clock: Clock
    gateway: PaymentGateway
    deps: Deps
    # Set when something may have fallen due (an action, a moved test clock), so an
    # in-process worker wakes at once instead of at its next poll.
    wake: threading.Event = field(default_factory=threading.Event)

    def uow(self) -> SqlUnitOfWork:
        return self.db.uow()

    @property
    def test_clock(self) -> DatabaseTestClock | None:
        return self.clock if isinstance(self.clock, DatabaseTestClock) else None


def bootstrap(settings: Settings | None = None, *, db: Database | None = None,
              gateway: PaymentGateway | None = None, clock: Clock | None = None) -> System:
    settings = settings or Settings.from_env()
    db = db or Database(settings.database_url)
    if clock is None:
        clock = DatabaseTestClock(db) if settings.clock == "test" else SystemClock()
    gateway = gateway or LedgerGateway(db, int(os.environ.get("AFTERSALES_SIM_GATEWAY_DELAY_MS", "0")))
    pack = packs.load(settings.pack)
    # Years an operator loaded override the package's data; read once at start-up, so a
    # newly loaded year takes effect when the server and workers restart.
    try:
        loaded = calendars.load_years(db)
    except (OperationalError, ProgrammingError):  # a database not yet migrated: the command will say so itself
        loaded = []
    deps = Deps(pack, ids.new_case_id, calendars.for_pack(pack.calendar, loaded))
    return System(settings, db, clock, gateway, deps)
