"""The system's own key, and the secrets derived from it.

A webhook secret is HMAC-SHA256 of the endpoint's id and the secret's generation under the
system key: it can be shown once and then be stored nowhere, and every process that holds the
key signs alike. The key is ``AFTERSALES_SECRET_KEY`` when set, else a file made once beside the
SQLite database (``shop.db.key``), or ``./aftersales-secret.key`` for a server database; every
process of one system must read the same key. Losing it changes every endpoint's secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url


class DerivedSecrets:
    """The ``Secrets`` port. The key is read when a secret is first asked for, so a process that
    never signs (a migration, a failed start) makes no key file."""

    def __init__(self, key: bytes | Callable[[], bytes]) -> None:
        self._load = key if callable(key) else (lambda: key)
        self._key: bytes | None = None

    def webhook_secret(self, endpoint_id: str, generation: int) -> str:
        if self._key is None:
            key = self._load()
            if len(key) < 16:
                raise ValueError("the system key must be at least 16 bytes")
            self._key = key
        mac = hmac.new(self._key, f"webhook-secret:{endpoint_id}:{generation}".encode(), hashlib.sha256).digest()
        return "whsec_" + base64.b64encode(mac).decode()


def key_file(database_url: str) -> Path | None:
    """Where the key is kept for this database; None for an in-memory one (a key per process)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return Path(url.database + ".key") if url.database and url.database != ":memory:" else None
    return Path("aftersales-secret.key")


def system_key(database_url: str, env: dict[str, str] | None = None) -> bytes:
    """The system key: from the environment, else read from (or made once in) its file."""
    given = (env if env is not None else os.environ).get("AFTERSALES_SECRET_KEY")
    if given:
        return hashlib.sha256(given.encode()).digest()
    path = key_file(database_url)
    if path is None:
        return secrets.token_bytes(32)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    # Written whole under another name, then linked into place: a process starting at the same
    # moment either finds no file or the whole key, and the first link wins.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex() + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    finally:
        tmp.unlink()
    return key
