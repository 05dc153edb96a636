"""Clause templates for the store policy page: the promises stores make most often, each a few
fields that become one clause of the policy (the kinds the lint knows), so an owner builds a
policy without writing TOML. The clause is added to the policy being edited and linted at once;
nothing is saved until the owner saves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftersales.domain import errors
from aftersales.domain.model import Reason, Text


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    title: Text
    hint: Text


TEMPLATES = (
    Template("longer_window", Text("延长七天无理由退货期限", "A longer no-reason return window"),
             Text("买家在签收后更长的天数内可无理由退货。",
                  "Buyers may return without a reason for more days after delivery.")),
    Template("free_return_shipping", Text("退货运费由本店承担", "Free return shipping"),
             Text("所选原因的退货,寄回运费由本店承担。",
                  "For the reasons ticked, the store pays for sending the goods back.")),
    Template("free_size_exchange", Text("尺码问题免费换货", "Free size exchanges"),
             Text("尺码不合适可换货,来回运费由本店承担。", "A wrong size is exchanged, the store paying both ways.")),
    Template("photo_for_quality", Text("质量问题请先提供照片", "A photo before a quality return"),
             Text("质量问题退货前,请买家先上传照片。", "Before a quality return, the buyer shows a photo.")),
)
BY_NAME = {t.name: t for t in TEMPLATES}
# The reasons a store may offer free return shipping for (the buyer's own reasons; the seller's
# faults are the seller's to pay already).
FREE_SHIPPING_REASONS = (Reason.NO_REASON, Reason.CHANGED_MIND, Reason.SIZE)


def clause(name: str, fields: dict[str, str], taken: set[str]) -> dict[str, Any]:
    """The clause a template's fields make, with an id not already in the policy."""
    if name not in BY_NAME:
        raise errors.ValidationFailed("choose one of the templates offered", "请选择提供的模板", field="template")
    if name == "longer_window":
        days = fields.get("days", "").strip()
        if not days.isdigit() or not 8 <= int(days) <= 365:
            raise errors.ValidationFailed("give the days as a number from 8 to 365", "天数须为 8 到 365 之间的整数",
                                          field="days")
        out: dict[str, Any] = {"kind": "extend_window", "rule": "no_reason_7d", "length": f"{days}d",
                               "text": f"本店支持签收后 {days} 天内无理由退货。"}
    elif name == "free_return_shipping":
        reasons = [r for r in fields.get("reasons", "").split(",") if r]
        if not reasons or any(r not in {x.value for x in FREE_SHIPPING_REASONS} for r in reasons):
            raise errors.ValidationFailed("tick at least one of the reasons offered", "请至少勾选一个原因",
                                          field="reasons")
        out = {"kind": "freight", "types": ["return_refund"], "reasons": reasons, "return_leg": "seller",
               "text": "退货运费由本店承担。"}
    elif name == "free_size_exchange":
        out = {"kind": "freight", "types": ["exchange"], "reasons": ["size"], "return_leg": "seller",
               "replacement_leg": "seller", "text": "尺码不合适免费换货,来回运费由本店承担。"}
    else:
        out = {"kind": "require_before_return", "reasons": ["quality"], "requires": ["photo"],
               "text": "质量问题请先提供照片。"}
    base, n = name.replace("_", "-"), 1
    while f"{base}-{n}" in taken:
        n += 1
    return {"id": f"{base}-{n}", **out}
