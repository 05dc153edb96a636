"""docs/contract.md, the integrators' contract, is generated from the code and must match it."""

from __future__ import annotations

from pathlib import Path

from aftersales.domain.model import Status
from aftersales.domain.transitions import ACTIONS
from aftersales.entrypoints.api.problems import TITLES
from aftersales.entrypoints.contract_doc import document

DOC = Path(__file__).parents[3] / "docs" / "contract.md"


def test_the_committed_contract_matches_the_code() -> None:
    assert document() == DOC.read_text(encoding="utf-8"), "the contract changed: run `make docs/contract.md`"


def test_every_status_action_and_error_code_is_in_it_with_its_status() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert all(f"| `{s.value}` |" in text for s in Status)
    assert all(f"| `{a}` |" in text for a in ACTIONS)
    for code in TITLES:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{code}` |"))
        assert row.split("|")[2].strip().isdigit(), row  # every code says the HTTP status it comes with
