"""Wiring: settings from the environment, the adapters behind each port, and the dispatcher
every face calls. The one module outside ``adapters`` that may touch the database directly."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError, ProgrammingError

from aftersales.adapters import calendars, ids, packs
from aftersales.adapters.blobs import FolderBlobStore, MemoryBlobStore
from aftersales.adapters.clocks import DatabaseTestClock, SystemClock
from aftersales.adapters.db import migrate
from aftersales.adapters.db.engine import DEFAULT_URL, UNREACHABLE, Database, unreachable
from aftersales.adapters.db.uow import SqlUnitOfWork
from aftersales.adapters.files import PillowInspector
from aftersales.adapters.keys import DerivedSecrets, system_key
from aftersales.adapters.passwords import Argon2Hasher
from aftersales.adapters.payments import LedgerGateway
from aftersales.adapters.webhooks import HttpSender
from aftersales.domain.policy import Pack
from aftersales.domain.timecalc import YearData
from aftersales.services.deps import Deps
from aftersales.services.dispatch import REACTIONS, Dispatcher
from aftersales.services.files import BlobStore
from aftersales.services.ports import Clock, PaymentGateway, UnitOfWork


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    admin_token: str | None = None
    clock: str = "real"  # "real" | "test"
    pack: str = "taobao"
    # Where evidence bytes are kept (a folder, content-addressed); left out: beside an SQLite
    # file, or ./aftersales-blobs for a server database.
    blob_dir: str | None = None

    @classmethod
    def from_env(cls, **overrides: str | None) -> Settings:
        env = os.environ
        values: dict[str, str | None] = {
            "database_url": env.get("AFTERSALES_DATABASE_URL") or DEFAULT_URL,
            "admin_token": env.get("AFTERSALES_ADMIN_TOKEN") or None,
            "clock": env.get("AFTERSALES_CLOCK") or "real",
            "pack": env.get("AFTERSALES_PACK") or "taobao",
            "blob_dir": env.get("AFTERSALES_BLOB_DIR") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values["clock"] not in ("real", "test"):
            raise ValueError(f"AFTERSALES_CLOCK must be 'real' or 'test', not {values['clock']!r}")
        return cls(**values)  # type: ignore[arg-type]


@dataclass
class System:
    """A running system: its settings and the dispatcher its faces call."""

    settings: Settings
    dispatch: Dispatcher
    # Set when something may have fallen due (an action, a moved test clock), so an
    # in-process worker wakes at once instead of at its next poll.
    wake: threading.Event = field(default_factory=threading.Event)
    db: Database | None = None

    @property
    def pack(self) -> Pack:
        return self.dispatch.deps.pack

    def close(self) -> None:
        if self.db is not None:
            self.db.dispose()

    def schema_missing(self) -> bool:
        """Whether the database has no schema yet (an empty file, a new PostgreSQL database)."""
        if self.db is None:
            return False
        from sqlalchemy import inspect

        return not inspect(self.db.engine).has_table("cases")


def blob_store(settings: Settings) -> BlobStore:
    """Where evidence bytes are kept: the folder set, or beside the SQLite file (``shop.db`` →
    ``shop.db.blobs``), ``./aftersales-blobs`` for a server database, memory for an in-memory
    one. Every process of one system must name the same folder."""
    url = settings.database_url
    if settings.blob_dir:
        return FolderBlobStore(settings.blob_dir)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return FolderBlobStore(url.removeprefix("sqlite:///").split("?")[0] + ".blobs")
    if url.startswith("sqlite:"):
        return MemoryBlobStore()
    return FolderBlobStore("aftersales-blobs")


def webhook_sender(env: dict[str, str] | os._Environ[str] = os.environ) -> HttpSender:
    """The webhook sender as the environment sets it: ``AFTERSALES_WEBHOOK_ALLOW_PRIVATE=1`` lets
    it reach loopback and private addresses (tests, a closed network); ``AFTERSALES_WEBHOOK_TIMEOUT``
    is the seconds an answer may take (10)."""
    return HttpSender(allow_private=env.get("AFTERSALES_WEBHOOK_ALLOW_PRIVATE") == "1",
                      total_timeout=float(env.get("AFTERSALES_WEBHOOK_TIMEOUT") or 10))


def deps_for(pack: Pack, *, clock: Clock, gateway: PaymentGateway, years: Iterable[YearData] = (),
             new_id: Callable[[str], str] = ids.new_id, admin_token: str | None = None,
             test_clock: bool = False, blobs: BlobStore | None = None,
             key: Callable[[], bytes] | None = None) -> Deps:
    return Deps(pack=pack, calendar=calendars.for_pack(pack.calendar, years), clock=clock, wall_clock=SystemClock(),
                gateway=gateway, new_id=new_id, new_secret=ids.new_token, passwords=Argon2Hasher(),
                files=PillowInspector(),
                blobs=blobs if blobs is not None else MemoryBlobStore(),
                sender=webhook_sender(), secrets=DerivedSecrets(key or (lambda: system_key("sqlite://"))),
                admin_token=admin_token, test_clock=test_clock,
                retry_scale=float(os.environ.get("AFTERSALES_WEBHOOK_RETRY_SCALE") or 1), reactions=REACTIONS)


def bootstrap(settings: Settings | None = None, *, db: Database | None = None,
              gateway: PaymentGateway | None = None, clock: Clock | None = None) -> System:
    """The system over the database the settings name (SQLite or PostgreSQL)."""
    settings = settings or Settings.from_env()
    db = db or Database(settings.database_url)
    if clock is None:
        clock = DatabaseTestClock(db) if settings.clock == "test" else SystemClock()
    gateway = gateway or LedgerGateway(db, int(os.environ.get("AFTERSALES_SIM_GATEWAY_DELAY_MS", "0")))
    pack = packs.load(settings.pack)
    deps = deps_for(pack, clock=clock, gateway=gateway, years=_loaded_years(db), admin_token=settings.admin_token,
                    test_clock=settings.clock == "test", blobs=blob_store(settings),
                    key=lambda: system_key(settings.database_url))
    return System(settings, Dispatcher(lambda: SqlUnitOfWork(db), deps), db=db)


def _loaded_years(db: Database) -> list[YearData]:
    """Years an operator loaded override the package's data; read once at start-up, so a
    newly loaded year takes effect when the server and workers restart."""
    uow = SqlUnitOfWork(db)
    try:
        with uow.read():
            return uow.system.calendar_years()
    except (OperationalError, ProgrammingError):  # a database not yet migrated: the command will say so itself
        return []


def in_memory(pack: Pack, *, clock: Clock, gateway: PaymentGateway, years: Iterable[YearData] = (),
              new_id: Callable[[str], str] = ids.new_id) -> System:
    """A fresh system in an in-memory SQLite database (scenario files, the API's contract)."""
    db = Database("sqlite://")
    db.create_all()
    deps = deps_for(pack, clock=clock, gateway=gateway, years=years, new_id=new_id)
    return System(Settings(database_url="sqlite://"), Dispatcher(lambda: SqlUnitOfWork(db), deps), db=db)


def with_uow(uow: Callable[[], UnitOfWork], deps: Deps, settings: Settings | None = None) -> System:
    """A system over any unit of work (the in-memory fakes of the tests)."""
    return System(settings or Settings(), Dispatcher(uow, deps))


def upgrade_database(url: str) -> None:
    """Create or migrate the database at ``url`` to the newest schema."""
    db = Database(url)
    try:
        migrate.upgrade(db.engine)
    finally:
        db.dispose()


# The errors that by their class alone say the database cannot be reached (see unreachable).
DATABASE_UNREACHABLE = UNREACHABLE


def database_unreachable(exc: BaseException) -> bool:
    """Whether an error means the database cannot be reached now (the faces answer 503)."""
    return unreachable(exc)
