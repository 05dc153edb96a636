"""Store policies (店铺售后政策): a store's own clauses, held to the pack's rules.

A clause may be more generous than the pack (a 30-day no-reason window, the store
paying return shipping on size exchanges): then it applies. It may restate the law:
then it stands and changes nothing. Where it would take away what a rule of the pack
gives the buyer, it is void, and the lint names the rule and its source (the law
article or the platform clause). A store cannot write itself out of the law.

Clauses are data of a few kinds (``clauses.KINDS``: each kind's shape and lint side by
side). Nothing here branches on a pack's name: the lint reads the pack's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from aftersales.domain.clauses import KINDS, LEGS, Finding, Verdict, default_payer, has_leg
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import REASON_CLASS, CaseType, Category, Party, Reason, ReasonClass, Text
from aftersales.domain.policy import EligibilityRule, Pack
from aftersales.domain.stores import Clause, StorePolicy
from aftersales.domain.timecalc import Duration

__all__ = ["KINDS", "Finding", "StorePolicy", "Verdict", "freight_overrides", "lint", "parse", "store_rules",
           "void_findings"]
_SCOPES = ("id", "kind", "text", "types", "reasons", "reason_classes", "categories")


def parse(data: Mapping[str, Any]) -> StorePolicy:
    """Parse a policy (TOML or JSON shape); InvalidPolicy names the bad clause."""
    store = data.get("store")
    if not isinstance(store, str) or not store:
        raise InvalidPolicy("a store policy names its `store`")
    raw = data.get("clauses")
    if not isinstance(raw, list) or not raw:
        raise InvalidPolicy("a store policy has a list of `clauses`")
    clauses: list[Clause] = []
    for i, c in enumerate(raw):
        where = f"clauses[{i}] ({c.get('id', '?') if isinstance(c, dict) else '?'})"
        clause = _clause(c, where)
        if any(x.id == clause.id for x in clauses):
            raise InvalidPolicy(f"{where}: needs a unique `id`")
        clauses.append(clause)
    return StorePolicy(store, tuple(clauses))


def _clause(c: Any, where: str) -> Clause:
    if not isinstance(c, dict):
        raise InvalidPolicy(f"{where}: a clause is a table")
    cid, kind, text = c.get("id"), c.get("kind"), c.get("text")
    if not isinstance(cid, str) or not cid:
        raise InvalidPolicy(f"{where}: needs a unique `id`")
    if not isinstance(kind, str) or kind not in KINDS:
        raise InvalidPolicy(f"{where}: kind must be one of {', '.join(KINDS)}")
    if not isinstance(text, str) or not text.strip():
        raise InvalidPolicy(f"{where}: needs the store's own `text`")
    try:
        types = frozenset(CaseType(t) for t in c.get("types", []))
        reasons = {Reason(r) for r in c.get("reasons", [])}
        classes = {ReasonClass(x) for x in c.get("reason_classes", [])}
        reasons |= {r for r, k in REASON_CLASS.items() if k in classes}
        categories = frozenset(Category(x) for x in c.get("categories", []))
    except (ValueError, TypeError) as exc:
        raise InvalidPolicy(f"{where}: {exc}") from exc
    params = {k: v for k, v in c.items() if k not in _SCOPES}
    clause = Clause(cid, kind, text.strip(), types, frozenset(reasons), categories, params)
    KINDS[kind].shape(clause, where)
    return clause


def lint(policy: StorePolicy, pack: Pack) -> list[Finding]:
    """One or more findings per clause, in the policy's order."""
    out: list[Finding] = []
    for c in policy.clauses:
        out += KINDS[c.kind].lint(c, pack)
    return out


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
            if c.params.get(leg) == "seller" and has_leg(case_type, leg) and (
                    default_payer(leg, reason, case_type, pack) in (Party.BUYER, None)):
                out.append((leg, c.id))
    return out
