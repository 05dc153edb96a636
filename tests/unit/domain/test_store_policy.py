"""Store policies: the lint, clause by clause, and generous clauses in force."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from aftersales.domain.eligibility import LineFacts, assess
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import CaseType, Category, Line, Order, Reason
from aftersales.domain.policy import Pack
from aftersales.domain.store_policy import StorePolicy, Verdict, lint, parse, store_rules
from aftersales.entrypoints import policy_lint
from tests.conftest import dt

ROOT = Path(__file__).parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "store-policy-clothing.toml"


def verdicts(policy: StorePolicy, pack: Pack) -> dict[tuple[str, str], str]:
    return {(f.clause, f.scope): f.verdict.value for f in lint(policy, pack)}


def test_the_seed_clothing_policy_clause_by_clause(pack: Pack) -> None:
    got = verdicts(policy_lint.load(FIXTURE), pack)
    assert got == {
        ("1-size-exchange", "return_leg"): "stands",
        ("1-size-exchange", "replacement_leg"): "stands",
        ("2a-quality-exchange-only", "quality: refund_only, return_refund, repair"): "void",
        ("2b-quality-freight", "return_leg"): "stands",
        ("2b-quality-freight", "replacement_leg"): "stands",
        ("2c-minor-flaws", ""): "no_effect",
        ("2d-photo-for-quality", "quality"): "stands",
        ("3-wrong-item", "return_leg"): "stands",
        ("3-wrong-item", "replacement_leg"): "stands",
        ("4a-no-returns-of-clothes", "apparel"): "void",
        ("4a-no-returns-of-clothes", "intimate_apparel"): "conditional",
        ("4b-subjective-reasons", "no_reason (apparel)"): "void",
        ("4b-subjective-reasons", "changed_mind (apparel)"): "void",
        ("4b-subjective-reasons", "size (apparel)"): "void",
        ("4c-not-quality-problems", ""): "no_effect",
        ("5-preference-freight", "return_leg"): "stands",
        ("5-preference-freight", "replacement_leg"): "stands",
        ("6a-photo-and-contact-first", "no_reason, changed_mind, size"): "void",
        ("6a-photo-and-contact-first",
         "quality, not_as_described, wrong_item, damaged, missing_parts, counterfeit, not_received"): "stands",
        ("6b-damaged-by-the-buyer", "soiled_or_damaged"): "stands",
        ("7-nothing-after-signing", ""): "void",
        ("8-return-shipping", ""): "stands",
    }


def test_void_findings_name_the_law_they_break(pack: Pack) -> None:
    for f in lint(policy_lint.load(FIXTURE), pack):
        if f.verdict is Verdict.VOID:
            assert f.rules or "第" in f.why.zh
            assert ("第二十五条" in f.why.zh or "第二十四条" in f.why.zh or "第二十六条" in f.why.zh
                    or "第十八条" in f.why.zh), f


def test_the_lint_page_in_the_docs_is_current(pack: Pack) -> None:
    policy = policy_lint.load(FIXTURE)
    expected = policy_lint.markdown(policy, pack, lint(policy, pack), "tests/fixtures/store-policy-clothing.toml")
    assert (ROOT / "docs" / "store-policy-lint.md").read_text(encoding="utf-8") == expected, (
        "regenerate: python -m aftersales.entrypoints.policy_lint tests/fixtures/store-policy-clothing.toml "
        "> docs/store-policy-lint.md")


GENEROUS: dict[str, Any] = {"store": "s1", "clauses": [
    {"id": "thirty-days", "kind": "extend_window", "text": "30 天无理由退货", "rule": "no_reason_7d", "length": "30d"},
    {"id": "size-exchange-free", "kind": "freight", "text": "尺码换货往返运费由本店承担", "types": ["exchange"],
     "reasons": ["size"], "return_leg": "seller", "replacement_leg": "seller"},
    {"id": "apparel-only-from-us", "kind": "exclude_categories", "text": "定制商品不退", "rule": "no_reason_7d",
     "categories": ["custom_made"]},
]}


def test_generous_clauses_apply(pack: Pack) -> None:
    policy = parse(GENEROUS)
    assert verdicts(policy, pack) == {
        ("thirty-days", ""): "applies",
        ("size-exchange-free", "return_leg: size"): "applies",
        ("size-exchange-free", "replacement_leg: size"): "applies",
        ("apparel-only-from-us", "custom_made"): "stands",
    }
    delivered = dt("2026-03-03T12:00:00+08:00")
    o = Order("o1", "s1", "b1", delivered - timedelta(days=2), delivered - timedelta(days=1), delivered, None, 0,
              [Line("l1", "毛衣", Category.APPAREL, 1, 19900)])
    day20 = delivered + timedelta(days=20)
    plain = assess(LineFacts(o, o.lines[0], pack), CaseType.RETURN_REFUND, Reason.NO_REASON, day20)
    assert not plain.allowed
    extended = assess(LineFacts(o, o.lines[0], pack, store_rules=store_rules(policy, pack)), CaseType.RETURN_REFUND,
                      Reason.NO_REASON, day20)
    assert extended.allowed and extended.rule == "store:thirty-days"
    assert extended.deadline == dt("2026-04-03T00:00:00+08:00")
    assert "30 天无理由退货" in extended.explanation.zh and "law floor" in extended.explanation.en


def test_a_shorter_window_or_a_buyer_paying_a_seller_leg_is_void(pack: Pack) -> None:
    stingy = parse({"store": "s1", "clauses": [
        {"id": "five-days", "kind": "extend_window", "text": "5 天无理由", "rule": "no_reason_7d", "length": "5d"},
        {"id": "buyer-pays", "kind": "freight", "text": "质量问题运费买家出", "reasons": ["quality"],
         "return_leg": "buyer"},
        {"id": "outbound", "kind": "freight", "text": "包邮商品退货扣运费", "reason_classes": ["buyer_preference"],
         "outbound_leg": "buyer"},
    ]})
    assert set(verdicts(stingy, pack).values()) == {"void"}
    assert store_rules(stingy, pack) == ()


@pytest.mark.parametrize(("clauses", "message"), [
    ([], "clauses"),
    ([{"id": "x", "kind": "magic", "text": "t"}], "kind"),
    ([{"id": "x", "kind": "freight", "text": "t"}], "freight"),
    ([{"id": "x", "kind": "freight", "text": "", "return_leg": "seller"}], "text"),
    ([{"id": "x", "kind": "extend_window", "text": "t", "rule": "no_reason_7d", "length": "a week"}], "duration"),
    ([{"id": "x", "kind": "refuse_reasons", "text": "t", "reasons": ["boredom"]}], "boredom"),
    ([{"id": "x", "kind": "not_a_defect", "text": "t"}, {"id": "x", "kind": "not_a_defect", "text": "t"}], "unique"),
])
def test_a_malformed_policy_is_refused(clauses: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(InvalidPolicy, match=message):
        parse({"store": "s1", "clauses": clauses})


def test_a_policy_round_trips(pack: Pack) -> None:
    policy = policy_lint.load(FIXTURE)
    assert parse(policy.as_dict()) == policy


CHINESE_LAW = ("消费者权益保护法", "七日无理由退货暂行办法", "淘宝", "C1 ", "C2 ", "C3 ", "T3 ", "C1 art", "T3 §")


def test_a_lint_cites_the_law_of_the_pack_it_is_held_to() -> None:
    """The same clauses linted against the eu pack cite EU law, never Chinese law."""
    from aftersales.adapters import packs

    eu = packs.load("eu")
    findings = lint(policy_lint.load(FIXTURE), eu)
    said = " ".join(f"{f.why.zh} {f.why.en}" for f in findings)
    assert not [law for law in CHINESE_LAW if law in said], said
    assert "SGD art. 6-7" in said
    widened = parse({"store": "s1", "clauses": [{"id": "no-returns", "kind": "exclude_categories",
                                                 "text": "no returns of clothes", "rule": "withdrawal_14d",
                                                 "categories": ["apparel"]}]})
    (finding,) = lint(widened, eu)
    assert finding.verdict is Verdict.VOID and "CRD art. 25" in finding.why.en and "第二十六条" not in finding.why.zh
    # Where EU law has no counterpart, the lint says the pack names none instead of borrowing one.
    assert "this pack names no source for this" in said


@pytest.mark.parametrize(("clause", "message"), [
    ({"id": "x", "kind": "limit_remedies", "text": "只换不退", "reasons": ["quality"]}, "allowed_types"),
    ({"id": "x", "kind": "limit_remedies", "text": "只换不退", "reasons": ["quality"], "allowed_types": ["swap"]},
     "allowed_types"),
    ({"id": "x", "kind": "refuse_reasons", "text": "不退"}, "reasons"),
    ({"id": "x", "kind": "freight", "text": "运费", "return_leg": "nobody"}, "buyer or seller"),
    ({"id": "x", "kind": "exclude_categories", "text": "不退", "rule": "no_reason_7d"}, "categories"),
    ({"id": "x", "kind": "extend_window", "text": "更长", "length": "30d"}, "rule"),
    ({"id": "x", "kind": "extend_window", "text": "  ", "rule": "no_reason_7d", "length": "30d"}, "text"),
    ({"id": "x", "kind": "freight", "text": "运费", "types": ["teleport"], "return_leg": "seller"}, "teleport"),
])
def test_each_kind_of_clause_has_a_shape(clause: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidPolicy, match=message):
        parse({"store": "s1", "clauses": [clause]})
