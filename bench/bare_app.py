"""The HTTP baseline: a bare FastAPI endpoint doing one durable SQLite INSERT per request.

Same server settings as ours (uvicorn, one process, a sync endpoint in the thread
pool, WAL with synchronous=FULL, BEGIN IMMEDIATE under a process lock, a small
JSON body validated by Pydantic). Run: ``python -m bench.bare_app PORT DBFILE``.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The same thread pool as `aftersales serve` uses on SQLite.
    anyio.to_thread.current_default_thread_limiter().total_tokens = int(os.environ.get("AFTERSALES_THREADS", "8"))
    yield


app = FastAPI(lifespan=lifespan)
_local = threading.local()
_lock = threading.Lock()
DB = sys.argv[2] if len(sys.argv) > 2 else "/tmp/bare.db"


class Body(BaseModel):
    note: str | None = None


def _conn() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(DB, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
        _local.conn = conn
    return conn


@app.post("/bare")
def bare(body: Body) -> dict[str, int]:
    conn = _conn()
    with _lock:
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute("INSERT INTO t (v) VALUES (?)", (body.note or "x",))
        conn.execute("COMMIT")
    return {"id": int(cur.lastrowid or 0)}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
