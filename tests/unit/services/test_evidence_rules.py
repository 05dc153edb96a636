"""The evidence a claim needs (the pack's `evidence` rules): a counterfeit escalated needs an
authentication, a penalty decision or the seller's admission; a 三包 quality claim needs photos;
a seller refusing a durable good's defect within six months of delivery needs an inspection
report. Refused with what is missing, in both languages; the other party's files do not count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.domain import errors
from aftersales.domain.model import Actor, CaseType, Category, Role
from aftersales.services import commands as cmd
from tests import files
from tests.builders import World, make_order
from tests.fakes import FakeUnitOfWork

D = timedelta(days=1)
BUYER, SELLER = Actor(Role.BUYER, "b1"), Actor(Role.SELLER, "s1")


def upload(w: World, who: Actor, kind: str) -> str:
    content = files.png() if kind == "photo" else files.pdf()
    return str(w(cmd.UploadEvidence(actor=who, kind=kind, content=content)).id)


def test_a_counterfeit_claim_is_escalated_with_the_evidence_the_seed_names(w: World) -> None:
    c = w.act(w.open(CaseType.RETURN_REFUND, "counterfeit", 19900), "refuse", reason="not_as_claimed")
    with pytest.raises(errors.EvidenceRequired) as refused:
        w.act(c, "escalate")
    assert "鉴定凭证、行政处罚决定书或卖家承认假货的聊天记录" in refused.value.zh
    assert refused.value.extra["any_of"] == ["comparison_photo", "authentication", "penalty_decision", "chat_log"]
    with pytest.raises(errors.EvidenceRequired):  # a photo is not one of them
        w.act(c, "escalate", evidence_ids=(upload(w, BUYER, "photo"),))
    w(cmd.AttachEvidence(actor=SELLER, case_id=c.id, kind="authentication", content=files.pdf()))
    with pytest.raises(errors.EvidenceRequired):  # the seller's file is not the buyer's evidence
        w.act(c, "escalate")
    w(cmd.AttachEvidence(actor=BUYER, case_id=c.id, kind="chat_log", content=files.png()))
    assert w.act(c, "escalate").status.value == "platform_review"


def sanbao(state: str = "delivered") -> World:
    w = World(FakeUnitOfWork())
    w.order(make_order(state=state, category=Category.SANBAO_DURABLE))
    return w


def test_a_sanbao_quality_claim_needs_photos_and_its_refusal_an_inspection_report() -> None:
    w = sanbao()
    c = w.open(CaseType.REPAIR, "quality", None)
    with pytest.raises(errors.EvidenceRequired) as refused:
        w.act(c, "refuse", reason="not_as_claimed")
    assert "检测报告" in refused.value.zh and "inspection report" in refused.value.en
    c = w.act(c, "refuse", reason="not_as_claimed", evidence_ids=(upload(w, SELLER, "inspection_report"),))
    with pytest.raises(errors.EvidenceRequired):
        w.act(c, "escalate")
    assert w.act(c, "escalate", evidence_ids=(upload(w, BUYER, "photo"),)).status.value == "platform_review"


def test_after_six_months_the_burden_of_proof_is_no_longer_the_sellers() -> None:
    w = sanbao(state="completed")
    w.now += 170 * D  # delivered a day before completion: 171 days after delivery
    c = w.open(CaseType.REPAIR, "quality", None)
    with pytest.raises(errors.EvidenceRequired):
        w.act(c, "refuse", reason="not_as_claimed")
    w.now += 9 * D  # 180 days after delivery
    assert w.act(c, "refuse", reason="not_as_claimed").status.value == "seller_refused"


def test_other_claims_need_no_particular_evidence(w: World) -> None:
    c = w.act(w.open(CaseType.RETURN_REFUND, "quality", 19900), "refuse", reason="not_as_claimed")
    assert w.act(c, "escalate").status.value == "platform_review"
