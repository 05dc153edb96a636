from __future__ import annotations

import copy
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from aftersales.adapters import packs
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import CaseType, Reason, Status
from aftersales.domain.policy import Pack


def raw() -> dict[str, Any]:
    text = resources.files("aftersales.policy").joinpath("taobao.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_the_taobao_pack_has_a_source_and_both_languages_on_every_rule(pack: Pack) -> None:
    for rule in [*pack.eligibility, *pack.timeouts]:
        assert rule.source.strip(), rule.id
        assert rule.text.zh and rule.text.en, rule.id
    assert set(pack.sources) == {"after_sale_attempts", "intervention.sla", "freight.compensation_cap",
                                 "freight.buyer_preference_outbound", "intervention.evidence_round",
                                 "intervention.negotiation", "intervention.proceedings_proof",
                                 "intervention.proceedings_limit", "intervention.appeal_window",
                                 "intervention.reopening_sla", "intervention.reopening_window"}
    assert (str(pack.review.evidence_round), str(pack.review.negotiation), str(pack.review.proceedings_proof),
            str(pack.review.appeal_window)) == ("48h", "30d", "7bd", "7d")


def test_every_waiting_status_has_a_deadline_for_every_type(pack: Pack) -> None:
    waiting = {
        Status.AWAITING_SELLER: list(CaseType),
        Status.SELLER_REFUSED: list(CaseType),
        Status.AWAITING_RETURN: [CaseType.RETURN_REFUND, CaseType.EXCHANGE, CaseType.REPAIR],
        Status.AWAITING_RECEIPT: [CaseType.RETURN_REFUND, CaseType.EXCHANGE, CaseType.REPAIR],
        Status.AWAITING_REPLACEMENT: [CaseType.EXCHANGE, CaseType.REPAIR, CaseType.RESHIP],
        Status.AWAITING_BUYER_CONFIRMATION: [CaseType.EXCHANGE, CaseType.REPAIR, CaseType.RESHIP],
    }
    for status, types in waiting.items():
        for t in types:
            for goods in ("not_shipped", "shipped", "delivered"):
                assert pack.timeout_for(status, t, goods) is not None, (status, t, goods)
    assert pack.timeout_for(Status.PLATFORM_REVIEW, CaseType.REFUND_ONLY, "delivered") is None


def test_the_seller_clock_depends_on_the_goods(pack: Pack) -> None:
    def after(t: CaseType, goods: str) -> str:
        rule = pack.timeout_for(Status.AWAITING_SELLER, t, goods)
        assert rule is not None
        return str(rule.after)

    assert after(CaseType.REFUND_ONLY, "not_shipped") == "24h"
    assert after(CaseType.REFUND_ONLY, "shipped") == "36h"
    assert after(CaseType.REFUND_ONLY, "delivered") == "48h"
    assert after(CaseType.RETURN_REFUND, "delivered") == "48h"


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["eligibility"][0].pop("source"), "source"),
    (lambda d: d["timeouts"][0].update(after="3 weeks"), "duration"),
    (lambda d: d["timeouts"][0].update(action="explode"), "action"),
    # `escalate` is a transition of the system's, but not from awaiting_seller: its cases would wait forever.
    (lambda d: d["timeouts"][0].update(action="escalate"), "no transition lets the system take it in awaiting_seller"),
    (lambda d: d["eligibility"][0].update(types=["refund_all"]), "refund_all"),
    (lambda d: d["pack"].update(zone="Mars/Olympus"), "zone"),
    (lambda d: d["freight"].update(compensation_cap="30.001"), "compensation_cap"),
    (lambda d: d["eligibility"][1].update(id=d["eligibility"][0]["id"]), "duplicate"),
    (lambda d: d["timeouts"][0].pop("en"), "zh"),
    (lambda d: d["eligibility"][0].update(overrides=["nothing_of_the_sort"]), "overrides"),
    (lambda d: d["eligibility"][0].update(phase="after_dark"), "phase"),
    (lambda d: d["eligibility"][0]["window"].update(cap="shoe_size"), "cap"),
    (lambda d: d["eligibility"][0].pop("reason_classes"), "reason"),
])
def test_a_broken_pack_is_refused_naming_what_is_wrong(mutate: Any, message: str) -> None:
    data = copy.deepcopy(raw())
    mutate(data)
    with pytest.raises(InvalidPolicy, match=message):
        Pack.from_dict(data)


def test_an_unknown_pack_name_is_refused() -> None:
    with pytest.raises(InvalidPolicy, match="no policy pack"):
        packs.load("nowhere")


def test_pair_rules_cover_exactly_what_the_rules_say(pack: Pack) -> None:
    assert [r.id for r in pack.pair_rules[(CaseType.RETURN_REFUND, Reason.NO_REASON)]] == ["no_reason_7d"]
    assert [r.id for r in pack.pair_rules[(CaseType.REPAIR, Reason.QUALITY)]] == [
        "seller_fault_general", "sanbao_durable_quality", "sanbao_nondurable_quality"]
    assert [r.id for r in pack.pair_rules[(CaseType.REFUND_ONLY, Reason.NOT_RECEIVED)]] == [
        "in_sale_unshipped", "in_sale_undelivered", "virtual_not_received"]
    assert pack.pair_rules[(CaseType.REPAIR, Reason.WRONG_ITEM)] == ()
    assert pack.pair_rules[(CaseType.RESHIP, Reason.QUALITY)] == ()


def test_no_code_branches_on_a_pack_name() -> None:
    """Packs are data: the only mention of a pack's name in code is the default setting."""
    src = Path(__file__).parents[3] / "src" / "aftersales"
    hits = []
    for path in src.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"""["']taobao["']""", line) and "default" not in line.lower() and "getenv" not in line:
                hits.append(f"{path.relative_to(src)}:{n}: {line.strip()}")
    # Defaults only: the setting's default, a scenario file's default, the lint command's default.
    allowed = {"bootstrap.py", "entrypoints/scenario/runner.py", "entrypoints/cli.py", "entrypoints/policy_lint.py",
               "adapters/db/migrations/versions/0005_queue_and_token_expiry.py"}
    assert [h for h in hits if h.split(":")[0] not in allowed] == []
