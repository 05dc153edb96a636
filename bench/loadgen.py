"""A small HTTP/1.1 load generator: N keep-alive connections, each a loop of requests.

Written for this benchmark so that the generator costs little per request (raw
asyncio sockets, no client library), and pinned to its own core by the caller.
Prints one JSON line: requests, seconds, requests_per_s, p50_ms, p99_ms, errors.

    python -m bench.loadgen bare PORT CONNS SECONDS
    python -m bench.loadgen cases PORT CONNS SECONDS BUYER_TOKEN SELLER_TOKEN ORDERS_PER_CONN
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Callable

WARMUP = 2.0


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, token: str | None,
                   body: dict[str, object] | None) -> tuple[int, bytes]:
    payload = json.dumps(body or {}).encode()
    head = [f"POST {path} HTTP/1.1", "Host: bench", "Content-Type: application/json",
            f"Content-Length: {len(payload)}"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return status, await reader.readexactly(length)


Plan = Callable[[int], AsyncIterator[tuple[str, str | None, dict[str, object] | None]]]


async def run(port: int, conns: int, seconds: float, plan: Callable[..., object]) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    measure_from, stop_at = start + WARMUP, start + WARMUP + seconds

    async def client(i: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            await plan(i, reader, writer, record, stop_at)  # type: ignore[operator]
        finally:
            writer.close()

    def record(t0: float, ok: bool) -> None:
        nonlocal errors
        now = time.perf_counter()
        if t0 >= measure_from and now <= stop_at:
            latencies.append(now - t0)
            if not ok:
                errors += 1

    await asyncio.gather(*(client(i) for i in range(conns)))
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "seconds": seconds,
        "requests_per_s": round(n / seconds, 1),
        "p50_ms": round(latencies[n // 2] * 1000, 2) if n else 0.0,
        "p99_ms": round(latencies[min(n - 1, int(n * 0.99))] * 1000, 2) if n else 0.0,
        "errors": errors,
    }


def bare_plan() -> Callable[..., object]:
    async def plan(i: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   record: Callable[[float, bool], None], stop_at: float) -> None:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            status, _ = await _request(reader, writer, "/bare", None, {"note": "x"})
            record(t0, status == 200)
    return plan


def cases_plan(buyer: str, seller: str, per_conn: int) -> Callable[..., object]:
    async def plan(i: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   record: Callable[[float, bool], None], stop_at: float) -> None:
        for k in range(per_conn):
            if time.perf_counter() >= stop_at:
                return
            t0 = time.perf_counter()
            status, body = await _request(reader, writer, "/api/v1/cases", buyer, {
                "order_id": f"h{i}-{k}", "line_id": "l1", "type": "return_refund", "reason": "no_reason",
                "amount": "199.00"})
            record(t0, status == 201)
            if status != 201:
                continue
            case_id = json.loads(body)["id"]
            for action, token, payload in (("agree", seller, None),
                                           ("ship_return", buyer, {"carrier": "SF", "tracking_no": "SF1"}),
                                           ("confirm_receipt", seller, None)):
                if time.perf_counter() >= stop_at:
                    return
                t0 = time.perf_counter()
                status, _ = await _request(reader, writer, f"/api/v1/cases/{case_id}/{action}", token, payload)
                record(t0, status == 200)
        raise RuntimeError(f"connection {i} ran out of orders; seed more")
    return plan


def main() -> None:
    kind, port, conns, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    plan = bare_plan() if kind == "bare" else cases_plan(sys.argv[5], sys.argv[6], int(sys.argv[7]))
    print(json.dumps(asyncio.run(run(port, conns, seconds, plan))))


if __name__ == "__main__":
    main()
