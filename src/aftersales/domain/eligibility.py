"""Eligibility: may the buyer open this type for this reason on this line, and until when?

Every answer names the rule behind it and explains itself in zh-CN and en
(DESIGN 3.4). The same function answers ``GET …/eligibility`` and guards
``open``, so what the buyer is told is what the system enforces.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from aftersales.domain import errors
from aftersales.domain.eligibility_texts import (
    allowed_text,
    excluded_text,
    expired_text,
    no_rule_text,
    not_started_text,
    reopened_text,
)
from aftersales.domain.model import REASON_CLASS, CaseType, Line, Order, Phase, Reason, ReasonClass, Text
from aftersales.domain.policy import EligibilityRule, Pack
from aftersales.domain.timecalc import BusinessCalendar, Duration, Unit, WeekdayCalendar, add, next_local_midnight


class Verdict(StrEnum):
    ALLOWED = "allowed"
    CASE_OPEN = "case_open"
    ATTEMPTS = "attempts"
    NOT_ELIGIBLE = "not_eligible"
    WINDOW_EXPIRED = "window_expired"


@dataclass(frozen=True, slots=True)
class LineHistory:
    """What earlier cases on the line mean for a new one."""

    open_case_id: str | None = None
    after_sale_cases: int = 0  # opened in the after_sale phase, withdrawn ones included
    reopen_grants: int = 0
    refunded: int = 0  # goods refunded on the line by its cases so far
    reopened_until: datetime | None = None  # the latest end of a reopening the platform granted
    ruled: int = 0  # cases on the line the platform ruled on
    reopening_requests: int = 0  # requests to reopen the line's window, granted or not
    reopened_reason: Reason | None = None  # the reason the latest reopening is for; None: every problem


@dataclass(frozen=True, slots=True)
class Option:
    type: CaseType
    reason: Reason
    allowed: bool
    deadline: datetime | None
    rule: str
    explanation: Text
    verdict: Verdict
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class _WindowState:
    started: bool
    deadline: datetime | None  # None: the closing event has not happened yet
    provisional: bool

    def open_at(self, at: datetime) -> bool:
        return self.started and (self.deadline is None or at < self.deadline)


def _event(order: Order, name: str, at: datetime) -> datetime | None:
    value: datetime | None = getattr(order, name)
    return value if value is not None and value <= at else None


def _window(rule: EligibilityRule, order: Order, line: Line, at: datetime, pack: Pack,
            cal: BusinessCalendar) -> _WindowState:
    w = rule.window
    if _event(order, w.opens, at) is None:
        return _WindowState(False, None, False)
    completed = _event(order, "completed_at", at) if rule.phase == "in_sale" else None
    closing = _event(order, w.closes, at)
    if closing is None:
        return _WindowState(True, completed, False)
    base = next_local_midnight(closing, pack.zone) if w.start == "next_day" else closing
    deadline, provisional = base, False
    if w.length is not None:
        d = add(base, w.length, pack.zone, cal)
        deadline, provisional = d.at, d.provisional
        if w.cap == "usage_days" and line.usage_days is not None:
            capped = add(base, Duration(line.usage_days, Unit.DAYS), pack.zone, cal).at
            deadline = min(deadline, capped)
    if completed is not None:
        deadline = min(deadline, completed)
    return _WindowState(True, deadline, provisional)


def _limited(rule: EligibilityRule, t: CaseType, state: _WindowState, order: Order, at: datetime, pack: Pack,
             cal: BusinessCalendar) -> _WindowState:
    """The window for type ``t``: shortened where the rule limits the type (三包 tiers)."""
    limit = rule.type_limits.get(t)
    if limit is None or not state.started:
        return state
    opened = _event(order, rule.window.opens, at)
    assert opened is not None
    end = add(opened, limit, pack.zone, cal).at
    return _WindowState(True, end if state.deadline is None else min(end, state.deadline), state.provisional)


def _exclusion(rule: EligibilityRule, line: Line) -> Text | None:
    """Why ``rule`` does not apply to this line's category, or None when it does."""
    if line.category in rule.exclude_categories:
        return Text("该类商品依法不适用此规则", "goods of this category are excluded by law")
    if line.category in rule.optional_categories and line.no_reason_waived:
        return Text("购买时您已确认该商品不适用此规则", "at purchase the buyer confirmed this item is excluded")
    if rule.only_categories is not None and line.category not in rule.only_categories:
        return Text("该规则只适用于其他类目", "the rule applies to other categories only")
    return None


@dataclass(frozen=True)
class LineFacts:
    """Everything eligibility reads about one order line, besides the instant asked about.
    ``store_rules`` are the store's generous additions (store_policy.store_rules)."""

    order: Order
    line: Line
    pack: Pack
    history: LineHistory = LineHistory()
    calendar: BusinessCalendar = field(default_factory=WeekdayCalendar)
    store_rules: tuple[EligibilityRule, ...] = ()


# Every type and reason pair in the contract's order (iterating the enums anew costs more than answering).
_PAIRS: tuple[tuple[CaseType, Reason], ...] = tuple((t, r) for t in CaseType for r in Reason)


@lru_cache(maxsize=64)
def _overridden_pairs(pack: Pack) -> frozenset[tuple[CaseType, Reason]]:
    """The pairs where a rule of the pack replaces others: only these need the overrides worked out."""
    return frozenset(pair for pair, rules in pack.pair_rules.items() if any(rule.overrides for rule in rules))


def options(facts: LineFacts, at: datetime) -> list[Option]:
    """One answer for every type and reason pair, in the contract's order."""
    line_ = _LineAssessor(facts, at)
    return [line_.answer(t, r) for t, r in _PAIRS]


def assess(facts: LineFacts, case_type: CaseType, reason: Reason, at: datetime) -> Option:
    """The answer for one pair."""
    return _LineAssessor(facts, at).answer(case_type, reason)


_REFUSALS: dict[Verdict, type[errors.DomainError]] = {
    Verdict.CASE_OPEN: errors.CaseAlreadyOpen,
    Verdict.ATTEMPTS: errors.AttemptsExhausted,
    Verdict.NOT_ELIGIBLE: errors.NotEligible,
    Verdict.WINDOW_EXPIRED: errors.WindowExpired,
}


def reopenable(facts: LineFacts, case_type: CaseType, reason: Reason, at: datetime) -> Option:
    """The answer for the pair were the platform to reopen the line for ``reason`` now, with one
    more claim: what a request to reopen could win at most."""
    history = dataclasses.replace(facts.history, reopened_until=at + timedelta(days=365),
                                  reopened_reason=reason, reopen_grants=facts.history.reopen_grants + 1)
    return assess(dataclasses.replace(facts, history=history), case_type, reason, at)


def require(facts: LineFacts, case_type: CaseType, reason: Reason, at: datetime) -> Option:
    """The allowing answer for one pair, or the domain error that refuses it."""
    opt = assess(facts, case_type, reason, at)
    if opt.allowed:
        return opt
    raise _REFUSALS[opt.verdict](opt.explanation.en, opt.explanation.zh, rule=opt.rule)


# When several rules speak to a pair, which kind of answer wins, best first (DESIGN 3.4):
# a rule that allows it now, then a platform's reopening of a closed window, then a window
# that has closed (the buyer is told when), then one that has not opened yet, then a rule
# the line's category is excluded from. With none of these, no rule speaks to the pair.
PRECEDENCE = ("allowed", "reopened", "expired", "not_started", "excluded")
# Where each kind sits in that order: an answer's candidates are kept in a list in this order,
# and the first present wins.
_ALLOWED, _REOPENED, _EXPIRED, _NOT_STARTED, _EXCLUDED = (PRECEDENCE.index(k) for k in (
    "allowed", "reopened", "expired", "not_started", "excluded"))


def _later(a: datetime | None, b: datetime | None) -> bool:
    """Is deadline ``a`` later than ``b``? No deadline yet is later than any."""
    return b is not None and (a is None or a > b)


class _LineAssessor:
    """Answers the pairs of one line. What is the same for many pairs (the line's blocks, each
    rule's window, each explanation) is worked out once: a line is asked all 50 pairs."""

    def __init__(self, facts: LineFacts, at: datetime) -> None:
        self.facts, self.at = facts, at
        self.order, self.line, self.pack, self.history = facts.order, facts.line, facts.pack, facts.history
        self.cal = facts.calendar
        self.windows: dict[str, _WindowState] = {}
        self.exclusions: dict[str, Text | None] = {}
        self.overridden = _overridden_pairs(facts.pack)
        self.texts: dict[tuple[object, ...], Text] = {}
        self.blocked = self._blocked()

    def _blocked(self) -> tuple[str, Text, Verdict] | None:
        history, pack = self.history, self.pack
        if self.order.cancelled(self.at):
            return "order_cancelled", Text(
                "订单已取消,其退款由订单系统处理,不能再申请售后",
                "The order was cancelled: its refund is the order system's, and no after-sales case may open",
            ), Verdict.NOT_ELIGIBLE
        if history.open_case_id is not None:
            return "case_open", Text(
                f"该商品已有进行中的售后单 {history.open_case_id},处理完毕前不能再申请",
                f"This line already has an open case ({history.open_case_id}); no other may open until it ends",
            ), Verdict.CASE_OPEN
        if (
            pack.after_sale_attempts is not None
            and self.order.phase(self.at) is Phase.AFTER_SALE
            and history.after_sale_cases >= pack.after_sale_attempts + history.reopen_grants
        ):
            src = pack.sources.get("after_sale_attempts", "")
            return "attempts", Text(
                f"该商品交易成功后的售后机会({pack.after_sale_attempts} 次)已用完,撤销的申请也计入。(依据:{src})",
                f"This line has used its after-sale claim ({pack.after_sale_attempts}); a withdrawn one counts. "
                f"(Source: {src})",
            ), Verdict.ATTEMPTS
        return None

    def _text(self, key: tuple[object, ...], build: Callable[..., Text], *args: Any) -> Text:
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = build(*args)
        return text

    def _exclusion_of(self, rule: EligibilityRule) -> Text | None:
        if rule.id not in self.exclusions:
            self.exclusions[rule.id] = _exclusion(rule, self.line)
        return self.exclusions[rule.id]

    def _candidates(self, t: CaseType, r: Reason) -> tuple[EligibilityRule, ...]:
        rules = self.pack.pair_rules[(t, r)]
        if self.facts.store_rules:
            klass = REASON_CLASS[r]
            rules = rules + tuple(rule for rule in self.facts.store_rules if rule.covers(t, r, klass))
        overridden: set[str] = set()
        for rule in rules:
            if rule.overrides and self._exclusion_of(rule) is None:
                overridden |= rule.overrides
        return tuple(rule for rule in rules if rule.id not in overridden) if overridden else rules

    def _state(self, rule: EligibilityRule, t: CaseType) -> _WindowState:
        state = self.windows.get(rule.id)
        if state is None:
            state = self.windows[rule.id] = _window(rule, self.order, self.line, self.at, self.pack, self.cal)
        if rule.type_limits:
            state = _limited(rule, t, state, self.order, self.at, self.pack, self.cal)
        return state

    def _classify(self, t: CaseType, r: Reason) -> list[tuple[EligibilityRule, Any] | None]:
        """The best rule of each kind of answer for the pair, in the order of PRECEDENCE."""
        found: list[tuple[EligibilityRule, Any] | None] = [None] * len(PRECEDENCE)
        exclusions, windows, at = self.exclusions, self.windows, self.at
        simple = not self.facts.store_rules and (t, r) not in self.overridden
        for rule in self.pack.pair_rules[(t, r)] if simple else self._candidates(t, r):
            # Inlined lookups of what the line's other pairs already worked out: a line is asked
            # all 50 pairs, and this loop is where eligibility spends its time.
            why = exclusions[rule.id] if rule.id in exclusions else self._exclusion_of(rule)
            if why is not None:
                found[_EXCLUDED] = found[_EXCLUDED] or (rule, why)
                continue
            state = windows.get(rule.id) if not rule.type_limits else None
            if state is None:
                state = self._state(rule, t)
            if state.started and (state.deadline is None or at < state.deadline):
                kind = _ALLOWED  # the latest-ending allowing rule answers
            elif state.started:
                kind = _EXPIRED  # the latest-ending closed one says when it closed
            else:
                found[_NOT_STARTED] = found[_NOT_STARTED] or (rule, None)
                continue
            best = found[kind]
            if best is None or _later(state.deadline, best[1].deadline):
                found[kind] = (rule, state)
        # A reopening revives closed windows for problems with the goods: for the reason it was
        # reviewed on. Buyer-preference reasons stay capped by the no-reason window, and the 三包
        # tiers hold in every window (DESIGN 3.4): the platform gives back the chance to claim,
        # not a remedy the law has already narrowed.
        expired, history = found[_EXPIRED], self.history
        until = history.reopened_until
        if (expired is not None and until is not None and self.at < until
                and REASON_CLASS[r] is not ReasonClass.BUYER_PREFERENCE
                and history.reopened_reason in (None, r) and not self._tier_closed(expired[0], t)):
            found[_REOPENED] = (expired[0], until)
        return found

    def _tier_closed(self, rule: EligibilityRule, t: CaseType) -> bool:
        """Whether the rule's remedy tier for ``t`` (三包: a return within 7 days of delivery, an
        exchange within 15) has passed: then no reopening revives it."""
        limit = rule.type_limits.get(t)
        opened = _event(self.order, rule.window.opens, self.at) if limit is not None else None
        return opened is not None and limit is not None and self.at >= add(opened, limit, self.pack.zone,
                                                                            self.cal).at

    def answer(self, t: CaseType, r: Reason) -> Option:
        if self.blocked is not None:
            rule_id, text, verdict = self.blocked
            return Option(t, r, False, None, rule_id, text, verdict)
        for kind, hit in enumerate(self._classify(t, r)):
            if hit is not None:
                return _ANSWERS[kind](self, t, r, *hit)
        return Option(t, r, False, None, "no_rule", no_rule_text(self.pack, t, r), Verdict.NOT_ELIGIBLE)

    def _allowed(self, t: CaseType, r: Reason, rule: EligibilityRule, state: _WindowState) -> Option:
        text = self._text(("allowed", rule.id, t, state.deadline), allowed_text, rule, state, t, self.pack)
        return Option(t, r, True, state.deadline, rule.id, text, Verdict.ALLOWED, state.provisional)

    def _reopened(self, t: CaseType, r: Reason, rule: EligibilityRule, until: datetime) -> Option:
        text = self._text(("reopened", rule.id), reopened_text, rule, until, self.pack)
        return Option(t, r, True, until, "reopened", text, Verdict.ALLOWED)

    def _expired(self, t: CaseType, r: Reason, rule: EligibilityRule, state: _WindowState) -> Option:
        text = self._text(("expired", rule.id, state.deadline), expired_text, rule, state, self.pack)
        return Option(t, r, False, state.deadline, rule.id, text, Verdict.WINDOW_EXPIRED, state.provisional)

    def _not_started(self, t: CaseType, r: Reason, rule: EligibilityRule, _: None) -> Option:
        text = self._text(("not_started", rule.id), not_started_text, rule)
        return Option(t, r, False, None, rule.id, text, Verdict.NOT_ELIGIBLE)

    def _excluded(self, t: CaseType, r: Reason, rule: EligibilityRule, why: Text) -> Option:
        text = self._text(("excluded", rule.id, why), excluded_text, rule, why, self.line, self.pack)
        return Option(t, r, False, None, rule.id, text, Verdict.NOT_ELIGIBLE)


_BUILDERS: dict[str, Callable[..., Option]] = {
    "allowed": _LineAssessor._allowed,
    "reopened": _LineAssessor._reopened,
    "expired": _LineAssessor._expired,
    "not_started": _LineAssessor._not_started,
    "excluded": _LineAssessor._excluded,
}
# The answer of each kind, in the order of PRECEDENCE.
_ANSWERS = tuple(_BUILDERS[kind] for kind in PRECEDENCE)
