"""Every refusal reads whole in each language: the Chinese names no role, status or action in
English (issue 13 point 12: "店铺只读成员不能change the store's policy")."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from aftersales.domain import access, errors, transitions, wording
from aftersales.domain.model import Actor, Case, CaseType, Phase, Reason, Role, Status

NOW = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)
CASE = Case("c1", "o1", "l1", "s1", "b1", CaseType.RETURN_REFUND, Reason.SIZE, Status.AWAITING_SELLER,
            Phase.IN_SALE, 100, 0, 100, NOW, NOW)
ACTORS = [Actor(Role.BUYER, "b1"), Actor(Role.SELLER, "s1"), Actor(Role.SELLER, "s1", staff="v", team_role="viewer"),
          Actor(Role.AGENT, "a1"), Actor(Role.OPERATOR, "op"), Actor(Role.INTEGRATION, "oms")]
# Two English words in a row, or one of our identifiers, in a Chinese sentence.
ENGLISH = re.compile(r"[A-Za-z]+[ '][A-Za-z]+|\b(" + "|".join(
    [r.value for r in Role] + [s.value for s in Status] + list(transitions.ACTIONS)) + r")\b")


def _refused(found: list[errors.DomainError], call: Callable[..., object], *args: object) -> None:
    try:
        call(*args)
    except errors.DomainError as exc:
        found.append(exc)


def _refusals() -> list[errors.DomainError]:
    found: list[errors.DomainError] = []
    for actor in ACTORS:
        for status in Status:
            case = dataclasses.replace(CASE, status=status)
            for action in sorted(transitions.ACTIONS | {"message", "evidence"}):
                _refused(found, access.authorize_action, case, actor, action)
                _refused(found, transitions.find, case, actor.role, action)
                _refused(found, access.authorize_note, case, actor, action)
        for capability in access.CAPABILITIES:
            _refused(found, access.require, actor, capability)
        _refused(found, access.set_policy, actor, "s1", True)
        _refused(found, access.assign, actor, CASE)
        _refused(found, access.authorize_appeal, CASE, actor)
    return found


def test_no_chinese_refusal_carries_english_words() -> None:
    refusals = _refusals()
    assert len(refusals) > 500
    mixed = sorted({e.zh for e in refusals if ENGLISH.search(e.zh)})
    assert mixed == []


def test_the_viewers_refusal_of_the_policy_reads_whole() -> None:
    viewer = Actor(Role.SELLER, "s1", staff="v", team_role="viewer")
    with pytest.raises(errors.Forbidden) as refused:
        access.set_policy(viewer, "s1", True)
    assert refused.value.zh == "店铺只读成员只能查看,不能修改店铺售后政策"
    assert refused.value.en == "a viewer of the store may look but not change the store's policy"


def test_every_public_action_and_role_has_its_words() -> None:
    assert set(transitions.ACTIONS) <= set(wording.ACTION)
    assert set(Role) == set(wording.ROLE) and set(Status) == set(wording.STATUS)
