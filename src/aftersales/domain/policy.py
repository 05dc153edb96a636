"""Policy packs: the platform's rules as data (DESIGN 4, ``policy/*.toml``).

``Pack.from_dict`` is pure: the file is read by an adapter and handed over as a
dict. Nothing in the code branches on a pack's name; a pack is its data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import REASON_CLASS, CaseType, Category, Reason, ReasonClass, Status, Text
from aftersales.domain.money import InvalidAmount, parse_yuan
from aftersales.domain.timecalc import Duration
from aftersales.domain.transitions import system_actions

LINE_EVENTS = ("paid_at", "shipped_at", "delivered_at", "completed_at")
GOODS_STATES = ("not_shipped", "shipped", "delivered")
LINE_CAPS = ("usage_days",)
PHASES = ("in_sale",)
OUTBOUND_RULES = ("buyer_unless_free_shipping", "seller")


@dataclass(frozen=True, slots=True)
class Window:
    """[opens, closes (+ start shift) + length). ``start="next_day"`` counts from the
    local 00:00 after the closing event, as the 7-day no-reason window does; ``cap``
    names a line attribute (``usage_days``) that shortens the length where shorter."""

    opens: str
    closes: str
    start: str | None
    length: Duration | None
    cap: str | None = None


@dataclass(frozen=True, slots=True)
class EligibilityRule:
    id: str
    types: frozenset[CaseType]
    reason_classes: frozenset[ReasonClass]
    reasons_by_type: Mapping[CaseType, frozenset[Reason]]
    window: Window
    exclude_categories: frozenset[Category]
    optional_categories: frozenset[Category]
    only_categories: frozenset[Category] | None
    source: str
    text: Text
    # Reasons named one by one (instead of, or besides, whole classes).
    reasons: frozenset[Reason] = frozenset()
    # A type allowed only so long after the window opens (三包 tiers: 7 × 24 h to return).
    type_limits: Mapping[CaseType, Duration] = field(default_factory=dict)
    # Rules this one replaces, for the pairs it covers, on the lines it applies to.
    overrides: frozenset[str] = frozenset()
    # "in_sale": the rule ends when the order completes, whatever its window says.
    phase: str | None = None

    def covers(self, case_type: CaseType, reason: Reason, reason_class: ReasonClass) -> bool:
        if case_type not in self.types:
            return False
        if reason_class not in self.reason_classes and reason not in self.reasons:
            return False
        restricted = self.reasons_by_type.get(case_type)
        return restricted is None or reason in restricted


@dataclass(frozen=True, slots=True)
class TimeoutRule:
    id: str
    status: Status
    types: frozenset[CaseType] | None
    goods: frozenset[str] | None
    after: Duration
    action: str
    source: str
    text: Text

    def matches(self, status: Status, case_type: CaseType, goods_state: str) -> bool:
        return (
            status is self.status
            and (self.types is None or case_type in self.types)
            and (self.goods is None or goods_state in self.goods)
        )


@dataclass(frozen=True, slots=True)
class RefusalReason:
    id: str
    text: Text


@dataclass(frozen=True, slots=True)
class Review:
    """The clocks of a dispute in the platform's hands (DESIGN 3.3), each a pack number with
    its source: a request for evidence, a suspension both parties asked for, the proof a
    party gone to court or the police owes and how long proven proceedings may hold the
    dispute, an appeal, and a review of a closed window and how long a granted one reopens it."""

    evidence_round: Duration
    negotiation: Duration
    proceedings_proof: Duration
    proceedings_limit: Duration
    appeal_window: Duration
    reopening_sla: Duration
    reopening_window: Duration


REVIEW_CLOCKS = ("evidence_round", "negotiation", "proceedings_proof", "proceedings_limit", "appeal_window",
                 "reopening_sla", "reopening_window")


@dataclass(frozen=True, slots=True)
class EvidenceRule:
    """Which evidence a claim needs (DESIGN 3.2: "the pack says where evidence is required"):
    before ``actions`` on a case with one of ``reasons`` (on ``categories``, where given; within
    ``within`` of delivery, where given), the acting ``party`` must have evidence of one of the
    kinds ``any_of`` on the case or cite it."""

    id: str
    reasons: frozenset[Reason]
    categories: frozenset[Category] | None
    actions: frozenset[str]
    party: str
    any_of: tuple[str, ...]
    within: Duration | None
    text: Text
    source: str


# eq=False: a pack is equal only to itself, so it can key caches (packs are loaded once).
@dataclass(frozen=True, eq=False)
class Pack:
    id: str
    zone: ZoneInfo
    text: Text
    calendar: str  # which business calendar counts its business days ("cn", "weekdays")
    after_sale_attempts: int | None
    intervention_sla: Duration
    review: Review
    compensation_cap: int
    # Who bears the outbound delivery of goods returned for buyer preference:
    # "buyer_unless_free_shipping" or "seller" (always refunded).
    buyer_preference_outbound: str
    eligibility: tuple[EligibilityRule, ...]
    timeouts: tuple[TimeoutRule, ...]
    not_intact: tuple[RefusalReason, ...]
    not_intact_needs_evidence: bool
    evidence_rules: tuple[EvidenceRule, ...]
    common_refusals: tuple[RefusalReason, ...]
    type_labels: Mapping[str, Text]
    reason_labels: Mapping[str, Text]
    category_labels: Mapping[str, Text]
    sources: Mapping[str, str]
    # The law (or platform rule) a store-policy lint cites for each of its reasons, by key
    # (``seller_fault_freight`` …): each pack names its own jurisdiction's.
    law: Mapping[str, Text]
    # Which rules speak to each (type, reason) pair, in file order: computed once per pack
    # because eligibility asks it for every pair of every line.
    pair_rules: Mapping[tuple[CaseType, Reason], tuple[EligibilityRule, ...]]

    def timeout_for(self, status: Status, case_type: CaseType, goods_state: str) -> TimeoutRule | None:
        for rule in self.timeouts:
            if rule.matches(status, case_type, goods_state):
                return rule
        return None

    def type_label(self, t: CaseType) -> Text:
        return self.type_labels.get(t.value, Text(t.value, t.value))

    def reason_label(self, r: Reason) -> Text:
        return self.reason_labels.get(r.value, Text(r.value, r.value))

    def category_label(self, c: Category) -> Text:
        return self.category_labels.get(c.value, Text(c.value, c.value))

    def cite(self, key: str) -> Text:
        """The law this pack cites for ``key``; where it names none, the lint says so."""
        return self.law.get(key) or Text("本规则包未列出依据", "this pack names no source for this")

    def is_not_intact_reason(self, reason: str) -> bool:
        return any(r.id == reason for r in self.not_intact)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pack:
        """Build a pack from its parsed TOML; raise InvalidPolicy naming the bad field."""
        try:
            return _parse_pack(data)
        except InvalidPolicy:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidPolicy(f"policy pack: {type(exc).__name__}: {exc}") from exc


def _text(d: Mapping[str, Any], where: str) -> Text:
    zh, en = d.get("zh"), d.get("en")
    if not isinstance(zh, str) or not isinstance(en, str) or not zh or not en:
        raise InvalidPolicy(f"{where}: needs both `zh` and `en` text")
    return Text(zh, en)


def _source(d: Mapping[str, Any], where: str, key: str = "source") -> str:
    src = d.get(key)
    if not isinstance(src, str) or not src.strip():
        raise InvalidPolicy(f"{where}: every number needs a `{key}` note")
    return src


def _enum_set(values: Any, enum: type[Any], where: str) -> frozenset[Any]:
    if not isinstance(values, list):
        raise InvalidPolicy(f"{where}: expected a list")
    try:
        return frozenset(enum(v) for v in values)
    except ValueError as exc:
        raise InvalidPolicy(f"{where}: {exc}") from exc


def _window(d: Mapping[str, Any], where: str) -> Window:
    opens, closes = d.get("opens"), d.get("closes")
    if opens not in LINE_EVENTS or closes not in LINE_EVENTS:
        raise InvalidPolicy(f"{where}: opens/closes must be one of {', '.join(LINE_EVENTS)}")
    start = d.get("start")
    if start not in (None, "next_day"):
        raise InvalidPolicy(f"{where}: start must be absent or \"next_day\"")
    length = Duration.parse(d["length"]) if "length" in d else None
    cap = d.get("cap")
    if cap not in (None, *LINE_CAPS):
        raise InvalidPolicy(f"{where}: cap must be one of {', '.join(LINE_CAPS)}")
    return Window(str(opens), str(closes), start, length, cap)


def _head(data: Mapping[str, Any], sources: dict[str, str]) -> dict[str, Any]:
    head = data["pack"]
    try:
        zone = ZoneInfo(head["zone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidPolicy(f"pack.zone: unknown time zone {head.get('zone')!r}") from exc
    attempts = head.get("after_sale_attempts")
    if attempts is not None:
        sources["after_sale_attempts"] = _source(head, "pack", "after_sale_attempts_source")
    calendar = head.get("calendar", "weekdays")
    if not isinstance(calendar, str) or not calendar:
        raise InvalidPolicy("pack.calendar: the name of a business calendar, such as \"cn\"")
    inter = data["intervention"]
    sources["intervention.sla"] = _source(inter, "intervention")
    clocks: dict[str, Duration] = {}
    for key in REVIEW_CLOCKS:
        if not isinstance(inter.get(key), str):
            raise InvalidPolicy(f"intervention.{key}: a duration such as 48h, 30d or 7bd")
        clocks[key] = Duration.parse(inter[key])
        sources[f"intervention.{key}"] = _source(inter, "intervention", f"{key}_source")
    return {"id": head["id"], "zone": zone, "text": _text(head, "pack"), "calendar": calendar,
            "after_sale_attempts": None if attempts is None else int(attempts),
            "intervention_sla": Duration.parse(inter["sla"]), "review": Review(**clocks)}


def _freight(data: Mapping[str, Any], sources: dict[str, str]) -> dict[str, Any]:
    freight = data["freight"]
    sources["freight.compensation_cap"] = _source(freight, "freight", "compensation_cap_source")
    try:
        cap = parse_yuan(freight["compensation_cap"])
    except InvalidAmount as exc:
        raise InvalidPolicy(f"freight.compensation_cap: {exc}") from exc
    outbound = freight.get("buyer_preference_outbound", "buyer_unless_free_shipping")
    if outbound not in OUTBOUND_RULES:
        raise InvalidPolicy(f"freight.buyer_preference_outbound must be one of {', '.join(OUTBOUND_RULES)}")
    sources["freight.buyer_preference_outbound"] = _source(freight, "freight", "buyer_preference_outbound_source")
    return {"compensation_cap": cap, "buyer_preference_outbound": outbound}


def _eligibility_rule(r: Mapping[str, Any], where: str) -> EligibilityRule:
    rbt = {
        CaseType(t): _enum_set(v, Reason, f"{where}.reasons_by_type.{t}")
        for t, v in r.get("reasons_by_type", {}).items()
    }
    only = r.get("categories")
    phase = r.get("phase")
    if phase not in (None, *PHASES):
        raise InvalidPolicy(f"{where}: phase must be one of {', '.join(PHASES)}")
    if "reason_classes" not in r and "reasons" not in r:
        raise InvalidPolicy(f"{where}: needs reason_classes or reasons")
    return EligibilityRule(
        id=r["id"],
        types=_enum_set(r["types"], CaseType, f"{where}.types"),
        reason_classes=_enum_set(r.get("reason_classes", []), ReasonClass, f"{where}.reason_classes"),
        reasons=_enum_set(r.get("reasons", []), Reason, f"{where}.reasons"),
        type_limits={CaseType(k): Duration.parse(v) for k, v in r.get("type_limits", {}).items()},
        overrides=frozenset(str(x) for x in r.get("overrides", [])),
        phase=phase,
        reasons_by_type=rbt,
        window=_window(r["window"], f"{where}.window"),
        exclude_categories=_enum_set(r.get("exclude_categories", []), Category, where),
        optional_categories=_enum_set(r.get("optional_categories", []), Category, where),
        only_categories=None if only is None else _enum_set(only, Category, where),
        source=_source(r, where),
        text=_text(r, where),
    )


def _eligibility(data: Mapping[str, Any]) -> tuple[EligibilityRule, ...]:
    rules: list[EligibilityRule] = []
    seen: set[str] = set()
    for i, r in enumerate(data.get("eligibility", [])):
        where = f"eligibility[{i}] ({r.get('id', '?')})"
        if r["id"] in seen:
            raise InvalidPolicy(f"{where}: duplicate rule id")
        seen.add(r["id"])
        rules.append(_eligibility_rule(r, where))
    unknown = sorted({o for rule in rules for o in rule.overrides} - seen)
    if unknown:
        raise InvalidPolicy(f"eligibility: overrides name no rule of the pack: {', '.join(unknown)}")
    return tuple(rules)


def _timeout(t: Mapping[str, Any], where: str) -> TimeoutRule:
    status = Status(t["status"])
    # Refused here rather than when the deadline passes: a timeout no transition carries out
    # would leave every case it arms without its default outcome.
    implemented = system_actions(status)
    if t["action"] not in implemented:
        raise InvalidPolicy(f"{where}: action {t['action']!r}: no transition lets the system take it in "
                            f"{status.value}; it may: {', '.join(sorted(implemented)) or 'nothing'}")
    goods = t.get("goods")
    if goods is not None and not set(goods) <= set(GOODS_STATES):
        raise InvalidPolicy(f"{where}: goods must be among {', '.join(GOODS_STATES)}")
    return TimeoutRule(
        id=t["id"],
        status=status,
        types=None if "types" not in t else _enum_set(t["types"], CaseType, f"{where}.types"),
        goods=None if goods is None else frozenset(goods),
        after=Duration.parse(t["after"]),
        action=t["action"],
        source=_source(t, where),
        text=_text(t, where),
    )


# The actions a pack may ask evidence before: a party's own moves that put a claim to the
# other side or to the platform.
EVIDENCE_ACTIONS = frozenset({"escalate", "refuse", "refuse_receipt", "reopen_request"})


def _evidence_rule(r: Mapping[str, Any], where: str) -> EvidenceRule:
    actions = frozenset(r.get("actions", []))
    if not actions or not actions <= EVIDENCE_ACTIONS:
        raise InvalidPolicy(f"{where}: actions must be some of {', '.join(sorted(EVIDENCE_ACTIONS))}")
    if r.get("party") not in ("buyer", "seller"):
        raise InvalidPolicy(f"{where}: party must be buyer or seller")
    kinds = r.get("any_of")
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and k for k in kinds):
        raise InvalidPolicy(f"{where}: any_of lists the evidence kinds, one of which is needed")
    cats = r.get("categories")
    within = r.get("within")
    return EvidenceRule(
        id=str(r["id"]), reasons=_enum_set(r.get("reasons", []), Reason, f"{where}.reasons"),
        categories=None if cats is None else _enum_set(cats, Category, f"{where}.categories"), actions=actions,
        party=str(r["party"]), any_of=tuple(kinds), within=None if within is None else Duration.parse(str(within)),
        text=_text(r, where), source=_source(r, where))


def _refusals(data: Mapping[str, Any], key: str) -> tuple[RefusalReason, ...]:
    refusal = data.get("refusal", {})
    return tuple(RefusalReason(x["id"], _text(x, f"refusal.{key}[{j}]")) for j, x in enumerate(refusal.get(key, [])))


def _labels(data: Mapping[str, Any], key: str) -> dict[str, Text]:
    return {k: _text(v, f"labels.{key}.{k}") for k, v in data.get("labels", {}).get(key, {}).items()}


def _parse_pack(data: Mapping[str, Any]) -> Pack:
    sources: dict[str, str] = {}
    rules = _eligibility(data)
    timeouts = tuple(_timeout(t, f"timeouts[{i}] ({t.get('id', '?')})") for i, t in enumerate(data.get("timeouts", [])))
    return Pack(
        **_head(data, sources),
        **_freight(data, sources),
        eligibility=rules,
        timeouts=timeouts,
        not_intact=_refusals(data, "not_intact"),
        not_intact_needs_evidence=bool(data.get("refusal", {}).get("not_intact_needs_evidence", False)),
        evidence_rules=tuple(_evidence_rule(r, f"evidence[{i}] ({r.get('id', '?')})")
                             for i, r in enumerate(data.get("evidence", []))),
        common_refusals=_refusals(data, "common"),
        type_labels=_labels(data, "types"),
        reason_labels=_labels(data, "reasons"),
        category_labels=_labels(data, "categories"),
        sources=sources,
        law={k: _text(v, f"law.{k}") for k, v in data.get("law", {}).items()},
        pair_rules={(t, r): tuple(rule for rule in rules if rule.covers(t, r, REASON_CLASS[r]))
                    for t in CaseType for r in Reason},
    )
