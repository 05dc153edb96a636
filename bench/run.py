"""`make bench`: run every benchmark, write bench/results/latest.json, print the table.

Figures are ratios against baselines measured in the same run on the same machine
(raw SQLite commits; a bare FastAPI endpoint), never absolute promises.
"""

from __future__ import annotations

import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import case_page, eligibility, http_actions, lifecycle, queue, webhooks, workbench

RESULTS = Path(__file__).parent / "results" / "latest.json"


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "10"))
    started = time.monotonic()
    out: dict[str, object] = {}
    out.update(eligibility.run(min(seconds, 5.0)))
    out.update(lifecycle.run(seconds))
    out.update(http_actions.run(seconds))
    out.update(workbench.run())
    out.update(case_page.run())
    out.update(queue.run())
    out.update(webhooks.run(min(seconds, 5.0)))
    lc, raw = float(out["lifecycles_per_s"]), float(out["raw_commits_per_s"])  # type: ignore[arg-type]
    req, bare = float(out["http_requests_per_s"]), float(out["bare_requests_per_s"])  # type: ignore[arg-type]
    p99 = float(out["http_p99_ms"])  # type: ignore[arg-type]
    lines = float(out["eligibility_lines_per_s"])  # type: ignore[arg-type]
    out["targets"] = {
        "eligibility_lines_per_s": {"value": lines, "target": ">= 5000", "met": lines >= 5000},
        "lifecycles_x5_over_raw_commits": {"value": round(lc * 5 / raw, 3), "target": ">= 0.5",
                                           "met": lc * 5 >= 0.5 * raw},
        "http_over_bare": {"value": round(req / bare, 3), "target": ">= 0.5", "met": req >= 0.5 * bare},
        "http_p99_ms": {"value": p99, "target": "< 50", "met": p99 < 50},
        "workbench_page_over_json": {"value": out["workbench_over_json"], "target": "<= 2",
                                     "met": float(out["workbench_over_json"]) <= 2},  # type: ignore[arg-type]
        "case_page_200_events_over_5": {"value": out["case_page_200_over_5"], "target": "<= 3",
                                        "met": float(out["case_page_200_over_5"]) <= 3},  # type: ignore[arg-type]
    }
    for engine in ("sqlite", "postgres"):  # the agents' queue, 100,000 cases in review (issue 8)
        worst = out.get(f"queue_{engine}_worst_median_ms")
        if worst is not None:
            out["targets"][f"queue_{engine}_first_page_ms"] = {  # type: ignore[index]
                "value": worst, "target": "< 50", "met": float(worst) < 50}  # type: ignore[arg-type]
    out["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    out["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    out["seconds_per_measurement"] = seconds
    out["wall_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
