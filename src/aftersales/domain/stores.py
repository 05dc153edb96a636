"""Stores and their own after-sales policies (店铺售后政策), as data.

What a clause means and whether the law lets it stand is ``store_policy``'s business;
this module only holds the shapes, so that ``model`` and ``store_policy`` need not
import each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aftersales.domain.model import CaseType, Category, Reason


@dataclass(frozen=True)
class Clause:
    """One clause of a store's policy: its kind, the store's own words and its parameters."""

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
        """The policy in the shape ``store_policy.parse`` reads (reason classes spelled out as reasons)."""
        return {"store": self.store_id, "clauses": [_clause_dict(c) for c in self.clauses]}


def _clause_dict(c: Clause) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "kind": c.kind, "text": c.text}
    if c.types:
        out["types"] = [t.value for t in CaseType if t in c.types]
    if c.reasons:
        out["reasons"] = [r.value for r in Reason if r in c.reasons]
    if c.categories:
        out["categories"] = [x.value for x in Category if x in c.categories]
    out.update(c.params)
    return out


@dataclass(slots=True)
class Store:
    id: str
    name: str
    return_address: str
    policy: StorePolicy | None = None
