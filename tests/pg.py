"""Finding a PostgreSQL server for the tests.

In order: ``AFTERSALES_TEST_PG_URL``; a server answering on 127.0.0.1:5432 (trust
auth, user postgres); a throwaway cluster started from Debian's packages as the
``postgres`` user (PostgreSQL refuses to run as root). Where none of these is
possible the PostgreSQL tests skip with the reason, unless
``AFTERSALES_REQUIRE_PG=1`` (set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import psycopg

_state: dict[str, str | None] = {}


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _throwaway_cluster() -> tuple[str | None, str]:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        return None, "no PostgreSQL server answers and no initdb is installed (apt-get install postgresql)"
    bindir = os.path.dirname(bins[-1])
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            return None, "running as root and `runuser` is missing, so postgres cannot be started as its user"
        as_user = [runuser, "-u", "postgres", "--"]
    base = tempfile.mkdtemp(prefix="aftersales-pg-")
    os.chmod(base, 0o777)  # noqa: S103 - the postgres user must write its cluster here
    data = os.path.join(base, "data")
    port = _free_port()
    try:
        subprocess.run([*as_user, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(base, "log"), "-w", "-o",
                        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"could not start a throwaway PostgreSQL cluster: {exc}"

    def stop() -> None:
        subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True,
                       check=False)
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres", ""


def admin_url() -> tuple[str | None, str]:
    """A libpq URL of a server we may create databases on, or None and why not."""
    if "url" not in _state:
        url = os.environ.get("AFTERSALES_TEST_PG_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
        why = ""
        if not _answers(url):
            url, why = _throwaway_cluster()
            if url is not None:
                deadline = time.monotonic() + 30
                while not _answers(url) and time.monotonic() < deadline:
                    time.sleep(0.2)
        _state["url"], _state["why"] = url, why
    return _state["url"], _state["why"] or ""


def create_database(admin: str) -> tuple[str, str]:
    """A new empty database; returns (SQLAlchemy URL, name)."""
    name = f"aftersales_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}", name


def drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
