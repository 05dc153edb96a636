"""The words of eligibility's answers: why a pair is allowed, closed, not yet open or excluded,
in zh-CN and en, each naming its rule's source (DESIGN 3.4)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from aftersales.domain.model import CaseType, Line, Reason, Text
from aftersales.domain.policy import EligibilityRule, Pack


class WindowState(Protocol):
    """What the texts read of a rule's window as it stands."""

    @property
    def deadline(self) -> datetime | None: ...


def fmt_local(instant: datetime, zone: ZoneInfo) -> str:
    local = instant.astimezone(zone)
    off = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} (UTC{off[:3]}:{off[3:]})"


_EVENT_TEXT = {
    "paid_at": Text("付款", "payment"),
    "shipped_at": Text("卖家发货", "the seller ships"),
    "delivered_at": Text("签收", "delivery"),
    "completed_at": Text("交易成功", "the order completes"),
}


@lru_cache(maxsize=1024)
def no_rule_text(pack: Pack, t: CaseType, r: Reason) -> Text:
    tl, rl = pack.type_label(t), pack.reason_label(r)
    return Text(
        f"{pack.text.zh}中没有允许因“{rl.zh}”申请{tl.zh}的规则。",
        f"No rule of the {pack.text.en} allows a {tl.en} for “{rl.en}”.",
    )


def allowed_text(rule: EligibilityRule, state: WindowState, t: CaseType, pack: Pack) -> Text:
    tl = pack.type_label(t)
    if state.deadline is None:
        ev = _EVENT_TEXT[rule.window.closes]
        if rule.window.length is not None:
            zh_len, en_len = rule.window.length.describe()
            until = Text(f"{ev.zh}后 {zh_len}内", f"until {en_len} after {ev.en}")
        else:
            until = Text(f"{ev.zh}前", f"until {ev.en}")
        return Text(
            f"{rule.text.zh}。现在可申请{tl.zh},{until.zh}有效。(依据:{rule.source})",
            f"{rule.text.en}. A {tl.en} may be opened now, {until.en}. (Source: {rule.source})",
        )
    when = fmt_local(state.deadline, pack.zone)
    return Text(
        f"{rule.text.zh}。可申请{tl.zh}至 {when}。(依据:{rule.source})",
        f"{rule.text.en}. A {tl.en} may be opened until {when}. (Source: {rule.source})",
    )


def reopened_text(rule: EligibilityRule, until: datetime, pack: Pack) -> Text:
    ends = fmt_local(until, pack.zone)
    return Text(
        f"{rule.text.zh}。原期限已过,平台审核后为该商品重新开放至 {ends}。",
        f"{rule.text.en}. Its window had closed; after review the platform reopened this line until {ends}.",
    )


def expired_text(rule: EligibilityRule, state: WindowState, pack: Pack) -> Text:
    assert state.deadline is not None
    when = fmt_local(state.deadline, pack.zone)
    return Text(
        f"{rule.text.zh}。该期限已于 {when} 结束。(依据:{rule.source})",
        f"{rule.text.en}. This window closed at {when}. (Source: {rule.source})",
    )


def not_started_text(rule: EligibilityRule) -> Text:
    ev = _EVENT_TEXT[rule.window.opens]
    return Text(
        f"{rule.text.zh}。{ev.zh}后才可申请。(依据:{rule.source})",
        f"{rule.text.en}. Not before {ev.en}. (Source: {rule.source})",
    )


def excluded_text(rule: EligibilityRule, why: Text, line: Line, pack: Pack) -> Text:
    cl = pack.category_label(line.category)
    return Text(
        f"{cl.zh}:{why.zh}——{rule.text.zh}。(依据:{rule.source})",
        f"{cl.en}: {why.en} — {rule.text.en}. (Source: {rule.source})",
    )
