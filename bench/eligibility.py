"""Benchmark: eligibility answers per second, in-process, on one core.

One "line" is every type x reason pair (50 answers) for one order line, from the
pure domain function, explanations included, no serialisation. The lines vary
(category, order progress, history) so no answer is cached between them.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

from aftersales.adapters import calendars, packs
from aftersales.domain.eligibility import LineFacts, LineHistory, options
from aftersales.domain.model import Category, Line, Order

T0 = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


def _lines() -> list[tuple[Order, LineHistory]]:
    out = []
    cats = list(Category)
    for i in range(200):
        cat = cats[i % len(cats)]
        progress = i % 4
        order = Order(
            f"o{i}", "s1", "b1", T0 - timedelta(days=10),
            T0 - timedelta(days=9) if progress >= 1 else None,
            T0 - timedelta(days=8) if progress >= 2 else None,
            T0 - timedelta(days=1 + i % 20) if progress >= 3 else None,
            0, [Line("l1", "x", cat, 1, 19900, no_reason_waived=bool(i % 2), usage_days=(i % 30) or None)])
        out.append((order, LineHistory(after_sale_cases=i % 2 if progress == 3 else 0)))
    return out


def run(seconds: float = 5.0) -> dict[str, float]:
    pack = packs.load("taobao")
    cal = calendars.for_pack(pack.calendar)
    lines = _lines()
    answers, n, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        order, history = lines[n % len(lines)]
        answers += len(options(LineFacts(order, order.lines[0], pack, history, cal), T0))
        n += 1
    rate = n / (time.perf_counter() - start)
    assert answers == n * 50
    return {"eligibility_lines_per_s": round(rate, 1)}


if __name__ == "__main__":
    print(run(float(os.environ.get("BENCH_SECONDS", "5"))))
