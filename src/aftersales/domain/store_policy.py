"""Store policies (店铺售后政策): a store's own clauses, held to the pack's rules.

A clause may be more generous than the pack (a 30-day no-reason window, the store
paying return shipping on size exchanges): then it applies. It may restate the law:
then it stands and changes nothing. Where it would take away what a rule of the pack
gives the buyer, it is void, and the lint names the rule and its source (the law
article or the platform clause). A store cannot write itself out of the law.

Clauses are data of a few kinds; each kind has its own check. Nothing here branches
on a pack's name: the lint reads the pack's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import REASON_CLASS, CaseType, Category, Party, Reason, ReasonClass
from aftersales.domain.policy import EligibilityRule, Pack, Text
from aftersales.domain.timecalc import Duration, Unit

KINDS = ("extend_window", "freight", "exclude_categories", "refuse_reasons", "limit_remedies",
         "require_before_return", "not_a_defect", "refuse_not_intact", "nothing_after_delivery", "return_method")
LEGS = ("return_leg", "outbound_leg", "replacement_leg")


class Verdict(StrEnum):
    APPLIES = "applies"            # more generous than the pack: in force
    STANDS = "stands"              # restates the pack or the law: valid, changes nothing
    CONDITIONAL = "conditional"    # stands only under a condition the law sets
    VOID = "void"                  # takes away what a rule gives the buyer
    NO_EFFECT = "no_effect"        # a statement that cannot bind (decided on evidence)


@dataclass(frozen=True)
class Clause:
    id: str
    kind: str
    text: str  # the store's own words
    types: frozenset[CaseType]
    reasons: frozenset[Reason]
    categories: frozenset[Category]
    params: Mapping[str, Any]

    def covers(self, case_type: CaseType, reason: Reason) -> bool:
        return (not self.types or case_type in self.types) and (not self.reasons or reason in self.reasons)


@dataclass(frozen=True)
class StorePolicy:
    store_id: str
    clauses: tuple[Clause, ...]

    def as_dict(self) -> dict[str, Any]:
        """The policy in the shape ``from_dict`` reads (reason classes spelled out as reasons)."""
        return {"store": self.store_id, "clauses": [
            {"id": c.id, "kind": c.kind, "text": c.text,
             **({"types": [t.value for t in CaseType if t in c.types]} if c.types else {}),
             **({"reasons": [r.value for r in Reason if r in c.reasons]} if c.reasons else {}),
             **({"categories": [x.value for x in Category if x in c.categories]} if c.categories else {}),
             **dict(c.params)}
            for c in self.clauses]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StorePolicy:
        """Parse a policy (TOML or JSON shape); InvalidPolicy names the bad clause."""
        store = data.get("store")
        if not isinstance(store, str) or not store:
            raise InvalidPolicy("a store policy names its `store`")
        raw = data.get("clauses")
        if not isinstance(raw, list) or not raw:
            raise InvalidPolicy("a store policy has a list of `clauses`")
        clauses, seen = [], set()
        for i, c in enumerate(raw):
            where = f"clauses[{i}] ({c.get('id', '?') if isinstance(c, dict) else '?'})"
            if not isinstance(c, dict):
                raise InvalidPolicy(f"{where}: a clause is a table")
            cid, kind, text = c.get("id"), c.get("kind"), c.get("text")
            if not isinstance(cid, str) or not cid or cid in seen:
                raise InvalidPolicy(f"{where}: needs a unique `id`")
            seen.add(cid)
            if kind not in KINDS:
                raise InvalidPolicy(f"{where}: kind must be one of {', '.join(KINDS)}")
            if not isinstance(text, str) or not text.strip():
                raise InvalidPolicy(f"{where}: needs the store's own `text`")
            try:
                types = frozenset(CaseType(t) for t in c.get("types", []))
                reasons = {Reason(r) for r in c.get("reasons", [])}
                reasons |= {r for r, k in REASON_CLASS.items()
                            if k in {ReasonClass(x) for x in c.get("reason_classes", [])}}
                categories = frozenset(Category(x) for x in c.get("categories", []))
            except ValueError as exc:
                raise InvalidPolicy(f"{where}: {exc}") from exc
            params = {k: v for k, v in c.items()
                      if k not in ("id", "kind", "text", "types", "reasons", "reason_classes", "categories")}
            clause = Clause(cid, kind, text.strip(), types, frozenset(reasons), categories, params)
            _check_shape(clause, where)
            clauses.append(clause)
        return cls(store, tuple(clauses))


def _check_shape(c: Clause, where: str) -> None:
    p = c.params
    if c.kind == "extend_window":
        if not isinstance(p.get("rule"), str):
            raise InvalidPolicy(f"{where}: extend_window names the pack `rule` it extends")
        Duration.parse(str(p.get("length", "")))
    elif c.kind == "freight":
        legs = {k: p[k] for k in LEGS if k in p}
        if not legs or any(v not in ("buyer", "seller") for v in legs.values()):
            raise InvalidPolicy(f"{where}: freight sets return_leg / outbound_leg / replacement_leg to buyer or seller")
    elif c.kind == "exclude_categories":
        if not isinstance(p.get("rule"), str) or not c.categories:
            raise InvalidPolicy(f"{where}: exclude_categories names the pack `rule` and the `categories`")
    elif c.kind in ("refuse_reasons", "limit_remedies") and not c.reasons:
        raise InvalidPolicy(f"{where}: {c.kind} needs `reasons` or `reason_classes`")
    if c.kind == "limit_remedies" and not p.get("allowed_types"):
        raise InvalidPolicy(f"{where}: limit_remedies lists the `allowed_types`")


# --- the lint ---


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


def lint(policy: StorePolicy, pack: Pack) -> list[Finding]:
    """One or more findings per clause, in the policy's order."""
    out: list[Finding] = []
    for c in policy.clauses:
        out += _LINTERS[c.kind](c, pack)
    return out


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


def _has_leg(case_type: CaseType, leg: str) -> bool:
    return {"return_leg": case_type.has_return, "replacement_leg": case_type.has_replacement,
            "outbound_leg": case_type.refunds_goods}[leg]


def _default_payer(leg: str, reason: Reason, case_type: CaseType, pack: Pack) -> Party | None:
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
    reasons = sorted(c.reasons or set(Reason), key=lambda r: list(Reason).index(r))
    types = sorted(c.types or set(CaseType), key=lambda t: list(CaseType).index(t))
    for leg in (x for x in LEGS if x in c.params):
        wants = Party(c.params[leg])
        worse, better = set(), set()
        for r in reasons:
            # Only cases that can exist: a pair no rule of the pack allows has no freight to settle.
            for t in (t for t in types if _has_leg(t, leg) and pack.pair_rules[(t, r)]):
                default = _default_payer(leg, r, t, pack)
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
                f"把卖家承担的{leg}转给买家:商品问题运费由经营者承担(消费者权益保护法 第二十四条);"
                f"包邮订单退货不得扣除发货运费(网络购买商品七日无理由退货暂行办法 第十八条)",
                f"puts on the buyer the {leg} the seller bears: for a seller fault the business pays transport "
                f"(C1 consumer rights law art. 24); a free-shipping order's outbound fee may not be deducted "
                f"(C3 7-day return measures art. 18)")))
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
    for cat in sorted(c.categories, key=lambda x: list(Category).index(x)):
        if cat in rule.exclude_categories:
            out.append(Finding(c.id, Verdict.STANDS, cat.value, Text(
                f"该类商品依法本就不适用 {rule.id}", f"the law already excludes this category from {rule.id}"),
                (rule.id,)))
        elif cat in rule.optional_categories:
            out.append(Finding(c.id, Verdict.CONDITIONAL, cat.value, Text(
                f"仅在买家购买时逐单确认(不得默认勾选)的情况下成立"
                f"(依据:{rule.source};消费者权益保护法实施条例 第十九条)",
                f"stands only where the buyer confirmed it at purchase, never pre-ticked (source: {rule.source}; "
                f"C2 implementing regulation art. 19)"), (rule.id,)))
        else:
            out.append(Finding(c.id, Verdict.VOID, cat.value, Text(
                f"店铺不得扩大不适用范围(依据:{rule.source};消费者权益保护法 第二十六条)",
                f"a store may not widen the excluded range (source: {rule.source}; C1 art. 26 on format terms)"),
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
            out.append(Finding(c.id, Verdict.VOID, f"{reason.value}: {names}", Text(
                f"店铺只提供 {', '.join(sorted(t.value for t in allowed))},但规则包还给予 {names}:{zh}",
                f"the store offers only {', '.join(sorted(t.value for t in allowed))}, but the pack also gives "
                f"{names}: {en}"), tuple(r.id for r in rules)))
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
        out.append(Finding(c.id, Verdict.STANDS, ", ".join(r.value for r in faults), Text(
            "主张商品问题须提供初步凭证(淘宝争议处理规则 第六十五条)",
            "a claim of a seller fault is judged on evidence the buyer gives first (T3 §65)")))
    return out


def _lint_not_a_defect(c: Clause, pack: Pack) -> list[Finding]:
    return [Finding(c.id, Verdict.NO_EFFECT, "", Text(
        "是否属于质量问题由平台依凭证认定,店铺的单方声明不约束买家(淘宝争议处理规则 第六十五、七十三至八十一条;"
        "消费者权益保护法 第二十六条)",
        "whether something is a quality problem is decided by the platform on evidence; a store's own "
        "declaration does not bind the buyer (T3 §65, §73-81; C1 art. 26)"))]


def _lint_refuse_not_intact(c: Clause, pack: Pack) -> list[Finding]:
    known = {r.id for r in pack.not_intact}
    wanted = [str(x) for x in c.params.get("not_intact", [])]
    unknown = [x for x in wanted if x not in known]
    if unknown or not wanted:
        return [Finding(c.id, Verdict.VOID, ", ".join(unknown), Text(
            f"不完好的理由只能是规则包所列:{', '.join(sorted(known))}",
            f"goods are not intact only for the pack's reasons: {', '.join(sorted(known))}"))]
    return [Finding(c.id, Verdict.STANDS, ", ".join(wanted), Text(
        "不完好的退货可以拒收(网络购买商品七日无理由退货暂行办法 第九条)",
        "a return that is not intact may be refused (C3 art. 9)"))]


def _lint_nothing_after_delivery(c: Clause, pack: Pack) -> list[Finding]:
    rules = [r for r in pack.eligibility if r.window.opens == "delivered_at"]
    zh, en = _cite(rules)
    return [Finding(c.id, Verdict.VOID, "", Text(
        f"签收后仍有法定和平台规定的售后权利:{zh}", f"rights after delivery remain, by law and the pack: {en}"),
        tuple(r.id for r in rules))]


def _lint_return_method(c: Clause, pack: Pack) -> list[Finding]:
    if c.params.get("restricts_carrier"):
        return [Finding(c.id, Verdict.VOID, "", Text(
            "经营者不得限制消费者退货方式(网络购买商品七日无理由退货暂行办法 第十九条)",
            "a business may not restrict how the consumer returns goods (C3 art. 19)"))]
    return [Finding(c.id, Verdict.STANDS, "", Text(
        "拒收到付件、按标准运费补偿不限制退货方式", "refusing freight-collect parcels and paying back at the standard "
        "rate do not restrict how the buyer returns"))]


_LINTERS = {
    "extend_window": _lint_extend_window,
    "freight": _lint_freight,
    "exclude_categories": _lint_exclude,
    "refuse_reasons": _lint_refuse_reasons,
    "limit_remedies": _lint_limit_remedies,
    "require_before_return": _lint_requirements,
    "not_a_defect": _lint_not_a_defect,
    "refuse_not_intact": _lint_refuse_not_intact,
    "nothing_after_delivery": _lint_nothing_after_delivery,
    "return_method": _lint_return_method,
}
assert set(_LINTERS) == set(KINDS)


def void_findings(policy: StorePolicy, pack: Pack) -> list[Finding]:
    return [f for f in lint(policy, pack) if f.verdict is Verdict.VOID]


# --- what applies ---


def store_rules(policy: StorePolicy | None, pack: Pack) -> tuple[EligibilityRule, ...]:
    """Eligibility rules the store adds: each applying extend_window clause, as a copy of the
    pack rule it extends with the store's longer window. They answer like any rule: the
    latest-ending rule that allows a pair decides it."""
    if policy is None:
        return ()
    applying = {f.clause for f in lint(policy, pack) if f.verdict is Verdict.APPLIES}
    out = []
    for c in policy.clauses:
        if c.kind != "extend_window" or c.id not in applying:
            continue
        base = next(r for r in pack.eligibility if r.id == c.params["rule"])
        out.append(replace(
            base,
            id=f"store:{c.id}",
            window=replace(base.window, length=Duration.parse(str(c.params["length"]))),
            text=Text(f"店铺承诺:{c.text}", f"Store promise: {c.text}"),
            source=f"店铺售后政策 store policy {policy.store_id}/{c.id}; 法定底线 law floor: {base.source}",
        ))
    return tuple(out)


def freight_overrides(policy: StorePolicy | None, pack: Pack, case_type: CaseType, reason: Reason
                      ) -> list[tuple[str, str]]:
    """(leg, clause id) for every leg a generous freight clause gives the seller on this case."""
    if policy is None:
        return []
    out = []
    for c in policy.clauses:
        if c.kind != "freight" or not c.covers(case_type, reason):
            continue
        for leg in LEGS:
            if c.params.get(leg) == "seller" and _has_leg(case_type, leg) and (
                    _default_payer(leg, reason, case_type, pack) in (Party.BUYER, None)):
                out.append((leg, c.id))
    return out
