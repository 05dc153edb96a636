"""The system's side of the negotiation: one sentence, in both languages, for each change
that moves a case or answers an offer, so that the parties' messages and what happened
between them read as one thread (协商记录).

Pure: the sentence is built from the history event and the case after it. Times are left
out on purpose: the thread shows each message's own time in the reader's zone.
"""

from __future__ import annotations

from aftersales.domain.model import Case, Event, Role, Status, Text
from aftersales.domain.money import format_fen
from aftersales.domain.policy import Pack

S = Status
# Where the case stands now, from the reader's side.
_NOW: dict[Status, tuple[str, str]] = {
    S.AWAITING_SELLER: ("等待卖家处理", "waiting for the seller"),
    S.SELLER_REFUSED: ("卖家已拒绝,等待买家处理", "refused; waiting for the buyer"),
    S.AWAITING_RETURN: ("等待买家退货", "waiting for the buyer to send the goods back"),
    S.AWAITING_RECEIPT: ("等待卖家收货", "waiting for the seller to receive the return"),
    S.PLATFORM_REVIEW: ("平台处理中", "the platform is reviewing"),
    S.AWAITING_REPLACEMENT: ("等待卖家发货", "waiting for the seller to ship"),
    S.AWAITING_BUYER_CONFIRMATION: ("等待买家确认", "waiting for the buyer to confirm"),
    S.REFUNDING: ("退款中", "the refund is being paid"),
    S.COMPLETED: ("售后完成", "completed"),
    S.CLOSED: ("售后关闭", "closed"),
}
_WHO: dict[Role, tuple[str, str]] = {
    Role.BUYER: ("买家", "The buyer"),
    Role.SELLER: ("卖家", "The seller"),
    Role.AGENT: ("平台客服", "The platform's agent"),
    Role.OPERATOR: ("平台", "The platform"),
    Role.INTEGRATION: ("订单系统", "The order system"),
    Role.SYSTEM: ("系统", "The system"),
}
# What an action did, after the actor's name ({t}: the terms, {r}: a refusal's reason).
_DID: dict[str, tuple[str, str]] = {
    "open": ("申请{t}", "asked for {t}"),
    "agree": ("同意了申请", "agreed to the request"),
    "refuse": ("拒绝了申请:{r}", "refused the request: {r}"),
    "modify": ("修改了申请:{t}", "changed the request to {t}"),
    "withdraw": ("撤销了申请", "withdrew the request"),
    "escalate": ("申请平台介入", "asked the platform to step in"),
    "ship_return": ("已寄回商品", "sent the goods back"),
    "confirm_receipt": ("确认收到退货", "confirmed receipt of the returned goods"),
    "refuse_receipt": ("拒绝收货:{r}", "refused the returned goods: {r}"),
    "ship_replacement": ("已发出商品", "shipped the replacement"),
    "confirm_replacement": ("确认收到商品", "confirmed the replacement"),
    "reject_replacement": ("对收到的商品不满意", "rejected the replacement"),
    "rule": ("作出裁决:{o}", "ruled: {o}"),
    "counter_offer": ("提出协商方案:{t}", "offered other terms: {t}"),
    "accept_offer": ("接受了卖家的协商方案:{t}", "accepted the seller's offer: {t}"),
    "decline_offer": ("拒绝了卖家的协商方案", "declined the seller's offer"),
    "intervene": ("受理了纠纷", "took up the dispute"),
    "request_evidence": ("要求{p}补充凭证{n}", "asked {p} for evidence{n}"),
    "end_evidence_round": ("结束了举证", "ended the evidence round"),
    "resume": ("恢复了平台处理", "resumed the platform's review"),
    "appeal": ("对裁决提出申诉,由另一位客服复核", "appealed the ruling; another agent reviews it"),
    "reopen_grant": ("批准重新开启售后,可再次申请", "granted the request: the window is open again for one more claim"),
}
# How the second looks open (the ``open`` of an appeal, of a request to reopen).
_OPENS = {
    "appeal": ("对售后单 {of} 的裁决提出申诉", "appealed the ruling on case {of}"),
    "reopening": ("申请平台审核后重新开启售后:{t}", "asked the platform to reopen the window for {t}"),
}
# A suspension, by what it led to (the case's pause after it; None: the other party's
# agreement is awaited).
_SUSPENDED: dict[str | None, tuple[str, str]] = {
    None: ("申请暂停平台处理、双方自行协商,待对方同意", "asked to pause the platform's review and negotiate; "
                                                       "the other party has yet to agree"),
    "negotiation": ("同意自行协商,平台处理暂停", "agreed to negotiate; the platform's review is paused"),
    "proceedings": ("已提起诉讼或报案,平台处理暂停,待提交受理凭证",
                    "went to court or the police; the review is paused until proof of acceptance arrives"),
    "proceedings_proven": ("提交了受理凭证,平台处理暂停至案件结果",
                           "proved the proceedings were accepted; the review waits for their outcome"),
}
# A deadline's default outcome, said as what nobody did.
_SILENT: dict[str, tuple[str, str]] = {
    "agree": ("卖家超时未处理,系统自动同意", "The seller did not answer in time; agreed automatically"),
    "close": ("超时未处理,售后关闭", "Nobody acted in time; the case is closed"),
    "confirm_receipt": ("卖家超时未确认收货,系统自动确认",
                        "The seller did not confirm receipt in time; confirmed automatically"),
    "escalate": ("卖家超时未发货,转平台处理", "The seller did not ship in time; passed to the platform"),
    "complete": ("买家超时未确认,售后完成", "The buyer did not answer in time; completed"),
    "settle": ("退款已到账", "The refund was paid"),
    "end_evidence_round": ("举证期已结束,平台将根据现有凭证处理",
                           "The evidence round ended; the platform decides on what is there"),
    "resume": ("中止期满,平台恢复处理", "The suspension ran out; the platform's review resumes"),
}
_PARTIES = {("buyer",): ("买家", "the buyer"), ("seller",): ("卖家", "the seller")}
_OUTCOME = {"refund": ("退款", "refund"), "return_then_refund": ("退货退款", "return, then refund"),
            "reject": ("驳回申请", "request rejected")}
_SHOWN = frozenset(_DID) | frozenset(_SILENT) | {"suspend"}


def _terms(case: Case, pack: Pack, type_value: str | None = None, amount: int | None = None) -> Text:
    label = pack.type_labels.get(type_value or case.type.value) or Text(case.type.value, case.type.value)
    fen = case.amount if amount is None else amount
    if fen:
        return Text(f"{label.zh} ¥{format_fen(fen)}", f"{label.en} ¥{format_fen(fen)}")
    return label


def says(event: Event, case: Case, pack: Pack) -> Text | None:
    """The thread's sentence for ``event`` (the case as it stands after it); None for a change
    the thread does not tell (a message, an upload, an assignment)."""
    if event.action not in _SHOWN:
        return None
    if event.actor.role is Role.SYSTEM and event.action in _SILENT:
        zh, en = _SILENT[event.action]
    elif event.action == "suspend":
        did_zh, did_en = _SUSPENDED[case.pause.kind if case.pause else None]
        who_zh, who_en = _WHO[event.actor.role]
        zh, en = who_zh + did_zh, f"{who_en} {did_en}"
    elif event.action in _DID:
        offer = event.before.get("offer") if event.action == "accept_offer" else event.after.get("offer")
        terms = (_terms(case, pack, offer["type"], offer["amount"]) if isinstance(offer, dict)
                 else _terms(case, pack))
        reason = str(event.data.get("reason") or "")
        said = next((x.text for x in (*pack.not_intact, *pack.common_refusals) if x.id == reason), None)
        outcome = _OUTCOME.get(str(event.data.get("outcome")), ("", ""))
        parties = _PARTIES.get(tuple(event.data.get("parties") or ()), ("双方", "both parties"))
        note = str(event.data.get("note") or "") if event.action == "request_evidence" else ""
        who_zh, who_en = _WHO[event.actor.role]
        did_zh, did_en = _OPENS.get(case.kind, _DID["open"]) if event.action == "open" else _DID[event.action]
        of = str(case.appeal_of or "")
        zh = who_zh + did_zh.format(t=terms.zh, r=said.zh if said else reason, o=outcome[0], p=parties[0],
                                    n=f":{note}" * bool(note), of=of)
        en = f"{who_en} " + did_en.format(t=terms.en, r=said.en if said else reason, o=outcome[1], p=parties[1],
                                          n=f": {note}" * bool(note), of=of)
    else:
        return None
    if "offer_lapsed" in event.data:
        zh, en = zh + ";卖家的协商方案已失效", en + "; the seller's offer lapsed"
    if event.from_status is not event.to_status:
        now_zh, now_en = _NOW[event.to_status]
        zh, en = f"{zh}。当前:{now_zh}。", f"{en}. Now: {now_en}."
    else:
        zh, en = zh + "。", en + "."
    return Text(zh, en)
