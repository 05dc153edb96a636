"""docs/rules.md is generated from the packs and must match them."""

from __future__ import annotations

from pathlib import Path

from aftersales.adapters import packs
from aftersales.entrypoints.rules_doc import document

DOC = Path(__file__).parents[3] / "docs" / "rules.md"


def test_the_committed_rules_page_matches_the_packs() -> None:
    assert document() == DOC.read_text(encoding="utf-8"), "a pack changed: run `make docs/rules.md` and commit"


def test_every_rule_id_is_on_the_page() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in packs.available():
        pack = packs.load(name)
        for rule in [*pack.eligibility, *pack.timeouts]:
            assert f"`{rule.id}`" in text
            assert rule.source.split(":")[0] in text
