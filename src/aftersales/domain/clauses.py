"""The kinds of store-policy clause: for each, the shape it must have and how it is linted.

A clause may be more generous than the pack (then it applies), restate it (it stands),
or take away what a rule of the pack gives the buyer (it is void, and the finding names
the rule and the law it breaks: the law as the pack cites it, so a pack of another
jurisdiction cites its own). ``KINDS`` at the bottom is the one table of kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aftersales.domain import wording
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import REASON_CLASS, CaseType, Category, Party, Reason, ReasonClass, Text
from aftersales.domain.policy import EligibilityRule, Pack
from aftersales.domain.stores import Clause
from aftersales.domain.timecalc import Duration, Unit

LEGS = ("return_leg", "outbound_leg", "replacement_leg")


class Verdict(StrEnum):
    APPLIES = "applies"            # more generous than the pack: in force
    STANDS = "stands"              # restates the pack or the law: valid, changes nothing
    CONDITIONAL = "conditional"    # stands only under a condition the law sets
    VOID = "void"                  # takes away what a rule gives the buyer
    NO_EFFECT = "no_effect"        # a statement that cannot bind (decided on evidence)


@dataclass(frozen=True)
class Finding:
    clause: str
    verdict: Verdict
    scope: str  # what part of the clause this is about ("apparel", "no_reason", "" for all)
    why: Text
    rules: tuple[str, ...] = ()  # the pack rules that decided it

    def as_dict(self) -> dict[str, Any]:
        return {"clause": self.clause, "verdict": self.verdict.value, "scope": self.scope,
                "why": {"zh": self.why.zh, "en": self.why.en}, "rules": list(self.rules)}


def _cite(rules: list[EligibilityRule]) -> tuple[str, str]:
    names = "; ".join(f"{r.id} ({r.source})" for r in rules)
    return names, names


def _rules_giving(pack: Pack, case_type: CaseType | None, reason: Reason, category: Category | None = None
                  ) -> list[EligibilityRule]:
    """The pack's rules that give the buyer this type (any type if None) for this reason on this
    category; those for goods received (opening at delivery or completion) where there are any,
    since a store's clauses speak of goods in the buyer's hands."""
    found = _all_rules_giving(pack, case_type, reason, category)
    received = [r for r in found if r.window.opens in ("delivered_at", "completed_at")]
    return received or found


def _all_rules_giving(pack: Pack, case_type: CaseType | None, reason: Reason, category: Category | None
                      ) -> list[EligibilityRule]:
    out = []
    for rule in pack.eligibility:
        types = [case_type] if case_type is not None else list(rule.types)
        if not any(rule.covers(t, reason, REASON_CLASS[reason]) for t in types):
            continue
        if category is not None and (category in rule.exclude_categories or (
                rule.only_categories is not None and category not in rule.only_categories)):
            continue
        out.append(rule)
    return out


_HOURS = {Unit.HOURS: 1, Unit.DAYS: 24, Unit.YEARS: 24 * 365}


def _hours(d: Duration) -> int | None:
    """Roughly comparable lengths; business days have no fixed length and answer None."""
    factor = _HOURS.get(d.unit)
    return None if factor is None else d.amount * factor


def _lint_extend_window(c: Clause, pack: Pack) -> list[Finding]:
    rule = next((r for r in pack.eligibility if r.id == c.params["rule"]), None)
    if rule is None or rule.window.length is None:
        return [Finding(c.id, Verdict.NO_EFFECT, "", Text(
            f"规则包中没有可延长的规则 {c.params['rule']}", f"the pack has no rule {c.params['rule']} with a length"))]
    mine, theirs = Duration.parse(str(c.params["length"])), rule.window.length
    a, b = _hours(mine), _hours(theirs)
    if a is None or b is None:
        return [Finding(c.id, Verdict.NO_EFFECT, "", Text("期限单位无法比较", "the clock units cannot be compared"))]
    if a < b:
        return [Finding(c.id, Verdict.VOID, "", Text(
            f"短于规则 {rule.id} 的 {theirs}(依据:{rule.source})",
            f"shorter than rule {rule.id}'s {theirs} (source: {rule.source})"), (rule.id,))]
    if a == b:
        return [Finding(c.id, Verdict.STANDS, "", Text(f"与规则 {rule.id} 相同", f"the same as rule {rule.id}"),
                        (rule.id,))]
    return [Finding(c.id, Verdict.APPLIES, "", Text(
        f"比规则 {rule.id} 的 {theirs} 更长,对本店适用",
        f"longer than rule {rule.id}'s {theirs}: applies in this store"), (rule.id,))]


def has_leg(case_type: CaseType, leg: str) -> bool:
    return {"return_leg": case_type.has_return, "replacement_leg": case_type.has_replacement,
            "outbound_leg": case_type.refunds_goods}[leg]


def default_payer(leg: str, reason: Reason, case_type: CaseType, pack: Pack) -> Party | None:
    """Who the pack makes pay a leg by the reason's class alone (no ruling, no store)."""
    if REASON_CLASS[reason] is not ReasonClass.BUYER_PREFERENCE:
        return Party.SELLER
    if leg == "return_leg":
        return Party.BUYER
    if leg == "replacement_leg":
        return Party.BUYER if case_type is CaseType.EXCHANGE else Party.SELLER
    # Outbound: the pack may let the seller keep it only where shipping was not free.
    return Party.SELLER if pack.buyer_preference_outbound == "seller" else None


def _lint_freight(c: Clause, pack: Pack) -> list[Finding]:
    out = []
    fault, outbound = pack.cite("seller_fault_freight"), pack.cite("free_shipping_outbound")
    reasons = sorted(c.reasons or set(Reason), key=lambda r: list(Reason).index(r))
    types = sorted(c.types or set(CaseType), key=lambda t: list(CaseType).index(t))
    for leg in (x for x in LEGS if x in c.params):
        wants = Party(c.params[leg])
        worse, better = set(), set()
        for r in reasons:
            # Only cases that can exist: a pair no rule of the pack allows has no freight to settle.
            for t in (t for t in types if has_leg(t, leg) and pack.pair_rules[(t, r)]):
                default = default_payer(leg, r, t, pack)
                if default is Party.SELLER and wants is Party.BUYER:
                    worse.add(r)
                elif default is Party.BUYER and wants is Party.SELLER:
                    better.add(r)
                elif default is None and wants is Party.BUYER:
                    # Outbound on a buyer-preference return: the buyer may be made to pay it only
                    # where the order was not free-shipping or the return breaks the threshold.
                    worse.add(r)
        if worse:
            names = ", ".join(sorted(r.value for r in worse))
            out.append(Finding(c.id, Verdict.VOID, f"{leg}: {names}", Text(
                f"把卖家承担的{leg}转给买家:商品问题运费由经营者承担({fault.zh});"
                f"包邮订单退货不得扣除发货运费({outbound.zh})",
                f"puts on the buyer the {leg} the seller bears: for a seller fault the business pays transport "
                f"({fault.en}); a free-shipping order's outbound fee may not be deducted ({outbound.en})")))
        if better:
            names = ", ".join(sorted(r.value for r in better))
            out.append(Finding(c.id, Verdict.APPLIES, f"{leg}: {names}", Text(
                f"卖家承担本应由买家承担的{leg},对本店适用",
                f"the seller takes the {leg} the buyer would pay: applies")))
        if not worse and not better:
            out.append(Finding(c.id, Verdict.STANDS, leg, Text("与规则包相同", "the same as the pack's settlement")))
    return out


def _lint_exclude(c: Clause, pack: Pack) -> list[Finding]:
    rule = next((r for r in pack.eligibility if r.id == c.params["rule"]), None)
    if rule is None:
        return [Finding(c.id, Verdict.NO_EFFECT, "", Text(
            f"规则包中没有规则 {c.params['rule']}", f"the pack has no rule {c.params['rule']}"))]
    out = []
    waiver, terms = pack.cite("waiver_at_purchase"), pack.cite("format_terms")
    for cat in sorted(c.categories, key=lambda x: list(Category).index(x)):
        if cat in rule.exclude_categories:
            out.append(Finding(c.id, Verdict.STANDS, cat.value, Text(
                f"该类商品依法本就不适用 {rule.id}", f"the law already excludes this category from {rule.id}"),
                (rule.id,)))
        elif cat in rule.optional_categories:
            out.append(Finding(c.id, Verdict.CONDITIONAL, cat.value, Text(
                f"仅在买家购买时逐单确认(不得默认勾选)的情况下成立(依据:{rule.source};{waiver.zh})",
                f"stands only where the buyer confirmed it at purchase, never pre-ticked (source: {rule.source}; "
                f"{waiver.en})"), (rule.id,)))
        else:
            out.append(Finding(c.id, Verdict.VOID, cat.value, Text(
                f"店铺不得扩大不适用范围(依据:{rule.source};{terms.zh})",
                f"a store may not widen the excluded range (source: {rule.source}; {terms.en})"),
                (rule.id,)))
    return out


def _categories_or_all(c: Clause) -> list[Category | None]:
    """The clause's categories in the contract's order, or [None] meaning every category."""
    return [*sorted(c.categories, key=list(Category).index)] or [None]


def _lint_refuse_reasons(c: Clause, pack: Pack) -> list[Finding]:
    cats = _categories_or_all(c)
    out = []
    for reason in sorted(c.reasons, key=lambda r: list(Reason).index(r)):
        for cat in cats:
            giving = _rules_giving(pack, None, reason, cat)
            scope = reason.value + (f" ({cat.value})" if cat is not None else "")
            if giving:
                zh, en = _cite(giving)
                out.append(Finding(c.id, Verdict.VOID, scope, Text(
                    f"规则包给予买家此项权利,店铺不能拒绝:{zh}", f"the pack gives the buyer this claim; the store "
                    f"cannot refuse it: {en}"), tuple(r.id for r in giving)))
            else:
                out.append(Finding(c.id, Verdict.STANDS, scope,
                                   Text("规则包未给予此项权利", "no rule gives this claim")))
    return out


def _lint_limit_remedies(c: Clause, pack: Pack) -> list[Finding]:
    allowed = {CaseType(t) for t in c.params["allowed_types"]}
    cats = _categories_or_all(c)
    out = []
    for reason in sorted(c.reasons, key=lambda r: list(Reason).index(r)):
        taken = {}
        for t in CaseType:
            if t in allowed:
                continue
            giving = sorted({r.id: r for cat in cats for r in _rules_giving(pack, t, reason, cat)}.values(),
                            key=lambda r: r.id)
            if giving:
                taken[t] = giving
        if taken:
            rules = sorted({r.id: r for rs in taken.values() for r in rs}.values(), key=lambda r: r.id)
            zh, en = _cite(rules)
            names = ", ".join(t.value for t in taken)
            offered = sorted(allowed, key=lambda t: list(CaseType).index(t))
            out.append(Finding(c.id, Verdict.VOID, f"{reason.value}: {names}", Text(
                f"店铺只提供{'、'.join(wording.TYPE[t].zh for t in offered)},"
                f"但规则包还给予{'、'.join(wording.TYPE[t].zh for t in taken)}:{zh}",
                f"the store offers only {', '.join(wording.TYPE[t].en for t in offered)}, but the pack also gives "
                f"{', '.join(wording.TYPE[t].en for t in taken)}: {en}"), tuple(r.id for r in rules)))
        else:
            out.append(Finding(c.id, Verdict.STANDS, reason.value, Text("未减少买家的权利", "takes nothing away")))
    return out


def _lint_requirements(c: Clause, pack: Pack) -> list[Finding]:
    out = []
    preference = sorted((r for r in c.reasons or set(Reason) if REASON_CLASS[r] is ReasonClass.BUYER_PREFERENCE),
                        key=lambda r: list(Reason).index(r))
    faults = sorted((r for r in c.reasons or set(Reason) if REASON_CLASS[r] is not ReasonClass.BUYER_PREFERENCE),
                    key=lambda r: list(Reason).index(r))
    if preference:
        rules = sorted({r.id: r for reason in preference for r in _rules_giving(pack, None, reason)}.values(),
                       key=lambda r: r.id)
        zh, en = _cite(rules)
        out.append(Finding(c.id, Verdict.VOID, ", ".join(r.value for r in preference), Text(
            f"无理由退货不需理由、凭证或事先联系:{zh}",
            f"a no-reason return needs no reason, evidence or prior contact: {en}"), tuple(r.id for r in rules)))
    if faults:
        first = pack.cite("evidence_first")
        out.append(Finding(c.id, Verdict.STANDS, ", ".join(r.value for r in faults), Text(
            f"主张商品问题须提供初步凭证({first.zh})",
            f"a claim of a seller fault is judged on evidence the buyer gives first ({first.en})")))
    return out


def _lint_not_a_defect(c: Clause, pack: Pack) -> list[Finding]:
    law = pack.cite("defect_on_evidence")
    return [Finding(c.id, Verdict.NO_EFFECT, "", Text(
        f"是否属于质量问题由平台依凭证认定,店铺的单方声明不约束买家({law.zh})",
        f"whether something is a quality problem is decided by the platform on evidence; a store's own "
        f"declaration does not bind the buyer ({law.en})"))]


def _lint_refuse_not_intact(c: Clause, pack: Pack) -> list[Finding]:
    known = {r.id for r in pack.not_intact}
    wanted = [str(x) for x in c.params.get("not_intact", [])]
    unknown = [x for x in wanted if x not in known]
    if unknown or not wanted:
        return [Finding(c.id, Verdict.VOID, ", ".join(unknown), Text(
            f"不完好的理由只能是规则包所列:{', '.join(sorted(known))}",
            f"goods are not intact only for the pack's reasons: {', '.join(sorted(known))}"))]
    law = pack.cite("not_intact_refusal")
    return [Finding(c.id, Verdict.STANDS, ", ".join(wanted), Text(
        f"不完好的退货可以拒收({law.zh})", f"a return that is not intact may be refused ({law.en})"))]


def _lint_nothing_after_delivery(c: Clause, pack: Pack) -> list[Finding]:
    rules = [r for r in pack.eligibility if r.window.opens == "delivered_at"]
    zh, en = _cite(rules)
    return [Finding(c.id, Verdict.VOID, "", Text(
        f"签收后仍有法定和平台规定的售后权利:{zh}", f"rights after delivery remain, by law and the pack: {en}"),
        tuple(r.id for r in rules))]


def _lint_return_method(c: Clause, pack: Pack) -> list[Finding]:
    if c.params.get("restricts_carrier"):
        law = pack.cite("return_method")
        return [Finding(c.id, Verdict.VOID, "", Text(
            f"经营者不得限制消费者退货方式({law.zh})",
            f"a business may not restrict how the consumer returns goods ({law.en})"))]
    return [Finding(c.id, Verdict.STANDS, "", Text(
        "拒收到付件、按标准运费补偿不限制退货方式", "refusing freight-collect parcels and paying back at the standard "
        "rate do not restrict how the buyer returns"))]


# --- shapes: what each kind's parameters must be (InvalidPolicy names the clause) ---


def _shape_extend_window(c: Clause, where: str) -> None:
    if not isinstance(c.params.get("rule"), str):
        raise InvalidPolicy(f"{where}: extend_window names the pack `rule` it extends")
    Duration.parse(str(c.params.get("length", "")))


def _shape_freight(c: Clause, where: str) -> None:
    legs = {k: c.params[k] for k in LEGS if k in c.params}
    if not legs or any(v not in ("buyer", "seller") for v in legs.values()):
        raise InvalidPolicy(f"{where}: freight sets return_leg / outbound_leg / replacement_leg to buyer or seller")


def _shape_exclude(c: Clause, where: str) -> None:
    if not isinstance(c.params.get("rule"), str) or not c.categories:
        raise InvalidPolicy(f"{where}: exclude_categories names the pack `rule` and the `categories`")


def _shape_reasons(c: Clause, where: str) -> None:
    if not c.reasons:
        raise InvalidPolicy(f"{where}: {c.kind} needs `reasons` or `reason_classes`")


def _shape_limit_remedies(c: Clause, where: str) -> None:
    _shape_reasons(c, where)
    allowed = c.params.get("allowed_types")
    if not allowed or not isinstance(allowed, list):
        raise InvalidPolicy(f"{where}: limit_remedies lists the `allowed_types`")
    try:
        [CaseType(t) for t in allowed]
    except ValueError as exc:
        raise InvalidPolicy(f"{where}: allowed_types: {exc}") from exc


def _shape_any(c: Clause, where: str) -> None:
    """Kinds whose clause is the store's words alone."""


@dataclass(frozen=True)
class ClauseKind:
    """A kind of clause: the check of its shape and its lint, side by side."""

    shape: Callable[[Clause, str], None]
    lint: Callable[[Clause, Pack], list[Finding]]


KINDS: Mapping[str, ClauseKind] = {
    "extend_window": ClauseKind(_shape_extend_window, _lint_extend_window),
    "freight": ClauseKind(_shape_freight, _lint_freight),
    "exclude_categories": ClauseKind(_shape_exclude, _lint_exclude),
    "refuse_reasons": ClauseKind(_shape_reasons, _lint_refuse_reasons),
    "limit_remedies": ClauseKind(_shape_limit_remedies, _lint_limit_remedies),
    "require_before_return": ClauseKind(_shape_any, _lint_requirements),
    "not_a_defect": ClauseKind(_shape_any, _lint_not_a_defect),
    "refuse_not_intact": ClauseKind(_shape_any, _lint_refuse_not_intact),
    "nothing_after_delivery": ClauseKind(_shape_any, _lint_nothing_after_delivery),
    "return_method": ClauseKind(_shape_any, _lint_return_method),
}
