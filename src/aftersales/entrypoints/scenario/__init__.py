"""Scenario files (DESIGN 3.7): a story played against a fresh in-memory system, and checked."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from aftersales.domain import errors
from aftersales.entrypoints.scenario.files import Failure, FileResult, InvalidScenario, load
from aftersales.entrypoints.scenario.runner import Runner

__all__ = ["Failure", "FileResult", "InvalidScenario", "run_file", "run_files"]


def run_file(path: str | Path) -> FileResult:
    p = Path(path)
    result = FileResult(str(p), p.name)
    try:
        data, lines = load(p)
        result.name = str(data.get("name", p.name))
        runner = Runner(data, lines, str(p))
        try:
            result.failures = runner.run()
            result.steps = len(data.get("steps") or [])
        finally:
            runner.close()
    except InvalidScenario as exc:
        result.invalid = str(exc)
    except errors.DomainError as exc:  # outside a step's action: the file itself is broken
        result.invalid = f"{exc.code}: {exc}"
    return result


def run_files(paths: Iterable[str | Path]) -> tuple[int, list[FileResult]]:
    """Run every file; the exit code is 2 if any was invalid, else 1 if any failed, else 0."""
    results = [run_file(p) for p in paths]
    code = 2 if any(r.invalid for r in results) else (1 if any(r.failures for r in results) else 0)
    return code, results
