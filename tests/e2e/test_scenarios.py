"""Every scenario file (DESIGN 3.7) as a test of its own: a failing file fails here with its messages.

Each case view a scenario checks its expectations against is also checked against openapi.json,
as the answer of ``GET /api/v1/cases/{id}`` it claims to be. ``make scenarios`` also plays the
files through the command line, as an operator would."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest

from aftersales.entrypoints.scenario import run_file
from aftersales.entrypoints.scenario.runner import Runner
from tests.contract import conforms

FILES = sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))


@pytest.fixture
def views_conform(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    view = Runner.view

    def checked(self: Runner, name: str) -> dict[str, Any]:
        found = view(self, name)
        request = httpx2.Request("GET", f"http://scenario/api/v1/cases/{found['id']}")
        response = httpx2.Response(200, json=found, request=request)
        response.elapsed = timedelta(0)
        conforms(response)
        seen.append(name)
        return found

    monkeypatch.setattr(Runner, "view", checked)
    return seen


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario(path: Path, views_conform: list[str]) -> None:
    result = run_file(path)
    assert result.invalid is None, f"not a valid scenario: {result.invalid}"
    assert not result.failures, "\n".join(str(f) for f in result.failures)
    assert views_conform or "eligibility" in path.read_text(encoding="utf-8")
