"""Who may see and do what (domain/access.py): another party's object does not exist for them;
a role that may never act is told so before the object's status is looked at."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aftersales.domain import access, errors
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.model import Actor, Case, CaseType, Phase, Reason, Role, Status

NOW = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)
BUYER, OTHER_BUYER = Actor(Role.BUYER, "b1"), Actor(Role.BUYER, "b2")
SELLER, OTHER_SELLER = Actor(Role.SELLER, "s1"), Actor(Role.SELLER, "s2")
AGENT, OPERATOR = Actor(Role.AGENT, "a1"), Actor(Role.OPERATOR, "op")
INTEGRATION = Actor(Role.INTEGRATION, "oms")
CASE = Case("c1", "o1", "l1", "s1", "b1", CaseType.RETURN_REFUND, Reason.SIZE, Status.AWAITING_SELLER,
            Phase.IN_SALE, 100, 0, 100, NOW, NOW)


def item(case_id: str | None, by: Actor = BUYER) -> EvidenceItem:
    return EvidenceItem("ev1", case_id, "photo", "0" * 64, "image/png", 10, "a.png", by, NOW)


@pytest.mark.parametrize(("actor", "sees"), [(BUYER, True), (OTHER_BUYER, False), (SELLER, True),
                                             (OTHER_SELLER, False), (AGENT, True), (INTEGRATION, True)])
def test_a_case_is_seen_by_its_parties_and_the_platform(actor: Actor, sees: bool) -> None:
    assert access.can_see_case(actor, CASE) is sees
    if not sees:
        with pytest.raises(errors.NotFound):
            access.visible_case(actor, CASE)


def test_a_missing_case_and_another_partys_case_look_the_same() -> None:
    with pytest.raises(errors.NotFound) as missing:
        access.visible_case(BUYER, None)
    with pytest.raises(errors.NotFound) as hidden:
        access.visible_case(OTHER_BUYER, CASE)
    assert (missing.value.en, missing.value.zh) == (hidden.value.en, hidden.value.zh)


def test_a_store_is_seen_by_the_platform_and_itself_not_by_buyers() -> None:
    assert access.can_see_store(SELLER, "s1") and access.can_see_store(AGENT, "s1")
    for actor in (OTHER_SELLER, BUYER):
        with pytest.raises(errors.NotFound):
            access.visible_store(actor, "s1", exists=True)
    with pytest.raises(errors.NotFound):
        access.visible_store(AGENT, "s9", exists=False)


def test_evidence_before_it_is_attached_is_its_uploaders_and_the_agents() -> None:
    loose = item(None)
    assert access.visible_evidence(BUYER, loose, None) is loose
    assert access.visible_evidence(AGENT, loose, None) is loose
    for actor in (SELLER, OTHER_BUYER, INTEGRATION):
        with pytest.raises(errors.NotFound):
            access.visible_evidence(actor, loose, None)
    attached = item("c1", by=SELLER)
    assert access.visible_evidence(BUYER, attached, CASE) is attached
    with pytest.raises(errors.NotFound):
        access.visible_evidence(OTHER_SELLER, attached, CASE)
    with pytest.raises(errors.NotFound):
        access.visible_evidence(BUYER, None, None)


def test_lists_are_narrowed_to_what_the_actor_may_see() -> None:
    assert access.case_scope(BUYER, None) == ("b1", None)
    assert access.case_scope(SELLER, None) == (None, "s1")
    assert access.case_scope(AGENT, "s2") == (None, "s2")
    with pytest.raises(errors.Forbidden):
        access.case_scope(SELLER, "s2")


def test_not_found_comes_before_forbidden_and_forbidden_before_the_status() -> None:
    with pytest.raises(errors.NotFound):
        access.authorize_action(CASE, OTHER_SELLER, "rule")
    with pytest.raises(errors.Forbidden):
        access.authorize_action(CASE, SELLER, "rule")  # the seller's own case, an action it never takes
    with pytest.raises(errors.NotFound):
        access.authorize_action(CASE, BUYER, "teleport")
    access.authorize_action(CASE, AGENT, "rule")  # whatever the status: that is the transitions' business
    with pytest.raises(errors.Forbidden):
        access.authorize_note(CASE, INTEGRATION, "message")


@pytest.mark.parametrize(("capability", "allowed", "refused"), [
    ("write_orders", INTEGRATION, BUYER), ("reopen_line", AGENT, SELLER), ("see_queue", OPERATOR, BUYER),
    ("manage_tokens", OPERATOR, AGENT), ("set_test_clock", OPERATOR, INTEGRATION), ("open_case", BUYER, SELLER),
])
def test_capabilities(capability: str, allowed: Actor, refused: Actor) -> None:
    access.require(allowed, capability)
    with pytest.raises(errors.Forbidden, match="may not"):
        access.require(refused, capability)


def test_a_seller_sets_only_its_own_stores_policy() -> None:
    access.set_policy(SELLER, "s1", exists=True)
    with pytest.raises(errors.NotFound):
        access.set_policy(SELLER, "s2", exists=True)
    with pytest.raises(errors.Forbidden):
        access.set_policy(BUYER, "s1", exists=True)


def test_of_a_stores_team_only_the_owner_sets_its_policy() -> None:
    access.set_policy(Actor(Role.SELLER, "s1", staff="boss", team_role="owner"), "s1", exists=True)
    for role in ("after_sales", "viewer"):
        with pytest.raises(errors.Forbidden) as refused:
            access.set_policy(Actor(Role.SELLER, "s1", staff="li", team_role=role), "s1", exists=True)
        assert "policy" in refused.value.en and "政策" in refused.value.zh
    assert not access.may_set_policy(Actor(Role.SELLER, "s1", staff="li", team_role="after_sales"))


def test_one_answer_to_what_an_actor_may_do_now() -> None:
    from dataclasses import replace

    case = replace(CASE, status=Status.PLATFORM_REVIEW, agent="agent-wang")
    assert access.actions_for(Actor(Role.AGENT, "agent-zhao"), case) == []
    mine = access.actions_for(Actor(Role.AGENT, "agent-wang"), case)
    assert "rule" in mine and "intervene" not in mine
    waiting = CASE
    assert access.actions_for(Actor(Role.SELLER, "s1", staff="v", team_role="viewer"), waiting) == []
    assert "agree" in access.actions_for(Actor(Role.SELLER, "s1", staff="li", team_role="after_sales"), waiting)
