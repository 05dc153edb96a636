"""The product's words for its own names, in zh-CN and en: roles, statuses, actions, case
types and kinds of evidence. A message that names one of them takes its words from here, so
that a Chinese sentence never carries an English identifier ("买家无权执行 agree") and an
English one says what a person would.
"""

from __future__ import annotations

from aftersales.domain.model import CaseType, Role, Status, Text

ROLE: dict[Role, Text] = {
    Role.BUYER: Text("买家", "a buyer"),
    Role.SELLER: Text("卖家", "a seller"),
    Role.AGENT: Text("平台客服", "a platform agent"),
    Role.OPERATOR: Text("平台运营", "an operator"),
    Role.INTEGRATION: Text("订单系统", "the order system"),
    Role.SYSTEM: Text("系统", "the system"),
}

STATUS: dict[Status, Text] = {
    Status.AWAITING_SELLER: Text("等待卖家处理", "waiting for the seller"),
    Status.SELLER_REFUSED: Text("卖家已拒绝", "refused by the seller"),
    Status.AWAITING_RETURN: Text("等待买家退货", "waiting for the buyer to send the goods back"),
    Status.AWAITING_RECEIPT: Text("等待卖家收货", "waiting for the seller to receive the return"),
    Status.PLATFORM_REVIEW: Text("平台处理中", "in the platform's review"),
    Status.AWAITING_REPLACEMENT: Text("等待卖家发货", "waiting for the seller to ship"),
    Status.AWAITING_BUYER_CONFIRMATION: Text("等待买家确认", "waiting for the buyer to confirm"),
    Status.REFUNDING: Text("退款中", "being refunded"),
    Status.COMPLETED: Text("已完成", "completed"),
    Status.CLOSED: Text("已关闭", "closed"),
}

TYPE: dict[CaseType, Text] = {
    CaseType.REFUND_ONLY: Text("仅退款", "refund only"),
    CaseType.RETURN_REFUND: Text("退货退款", "return and refund"),
    CaseType.EXCHANGE: Text("换货", "exchange"),
    CaseType.REPAIR: Text("维修", "repair"),
    CaseType.RESHIP: Text("补寄", "reship"),
}

# Each action as what the actor would do ("不能{…}", "may not {…}").
ACTION: dict[str, Text] = {
    "open": Text("发起售后", "open a case"),
    "agree": Text("同意申请", "agree to the request"),
    "refuse": Text("拒绝申请", "refuse the request"),
    "modify": Text("修改申请", "change the request"),
    "withdraw": Text("撤销申请", "withdraw the request"),
    "escalate": Text("申请平台介入", "ask the platform to step in"),
    "ship_return": Text("寄回商品", "send the goods back"),
    "confirm_receipt": Text("确认收货", "confirm receipt"),
    "refuse_receipt": Text("拒绝收货", "refuse the returned goods"),
    "ship_replacement": Text("发出商品", "ship the replacement"),
    "confirm_replacement": Text("确认收到商品", "confirm the replacement"),
    "reject_replacement": Text("拒收换货/维修商品", "reject the replacement"),
    "rule": Text("作出裁决", "rule"),
    "intervene": Text("介入处理", "take up the dispute"),
    "request_evidence": Text("要求补充凭证", "ask for evidence"),
    "end_evidence_round": Text("结束举证", "end the evidence round"),
    "reopen_grant": Text("批准重新开启", "grant the request to reopen"),
    "suspend": Text("中止处理", "suspend the review"),
    "resume": Text("恢复处理", "resume the review"),
    "counter_offer": Text("提出协商方案", "offer other terms"),
    "accept_offer": Text("接受协商方案", "accept the offer"),
    "decline_offer": Text("拒绝协商方案", "decline the offer"),
    "close": Text("关闭售后单", "close the case"),
    "complete": Text("完成售后单", "complete the case"),
    "settle": Text("确认退款到账", "settle the refund"),
    "message": Text("留言", "write a message"),
    "evidence": Text("上传凭证", "add evidence"),
    "assign": Text("分配售后单", "assign the case"),
    "appeal": Text("申诉", "appeal"),
}

KIND: dict[str, Text] = {
    "photo": Text("实物图片", "photos of the goods"),
    "comparison_photo": Text("真假对比图", "genuine-vs-fake comparison photos"),
    "chat_log": Text("聊天记录", "a chat log"),
    "waybill": Text("物流底单", "a waybill"),
    "inspection_report": Text("检测报告", "an inspection report"),
    "authentication": Text("品牌方或厂家的鉴定凭证", "a brand's or maker's authentication"),
    "penalty_decision": Text("行政处罚决定书", "an administrative penalty decision"),
    "other": Text("其他凭证", "other evidence"),
}


# The pages' words for the same names: a status as a label, each action as its button, and each
# action once done as the case's history tells it. The pages read these (through their
# catalogs), so a status, an action or an event has its words in this one module.
STATUS_LABEL: dict[Status, Text] = {
    Status.AWAITING_SELLER: Text("待卖家处理", "Waiting for the seller"),
    Status.SELLER_REFUSED: Text("卖家已拒绝", "Refused by the seller"),
    Status.AWAITING_RETURN: Text("待买家退货", "Waiting for the buyer to send the goods back"),
    Status.AWAITING_RECEIPT: Text("待卖家收货", "Waiting for the seller to receive the return"),
    Status.PLATFORM_REVIEW: Text("平台处理中", "The platform is reviewing"),
    Status.AWAITING_REPLACEMENT: Text("待卖家发货", "Waiting for the seller to ship"),
    Status.AWAITING_BUYER_CONFIRMATION: Text("待买家确认", "Waiting for the buyer to confirm"),
    Status.REFUNDING: Text("退款中", "Refund being paid"),
    Status.COMPLETED: Text("已完成", "Completed"),
    Status.CLOSED: Text("已关闭", "Closed"),
}

BUTTON: dict[str, Text] = {
    "open": Text("发起申请", "Applied"),
    "agree": Text("同意", "Agree"),
    "refuse": Text("拒绝", "Refuse"),
    "modify": Text("修改申请", "Change the request"),
    "withdraw": Text("撤销申请", "Withdraw"),
    "escalate": Text("申请客服介入", "Ask the platform to step in"),
    "ship_return": Text("填写退货物流", "Send the goods back"),
    "confirm_receipt": Text("确认收货", "Confirm receipt"),
    "refuse_receipt": Text("拒绝收货", "Refuse the returned goods"),
    "ship_replacement": Text("发出换货/补发", "Ship the replacement"),
    "confirm_replacement": Text("确认收到", "Confirm the replacement"),
    "reject_replacement": Text("拒绝换货", "Reject the replacement"),
    "rule": Text("裁决", "Rule"),
    "close": Text("已关闭", "Closed"),
    "complete": Text("已完成", "Completed"),
    "settle": Text("退款到账", "Refund paid"),
    "message": Text("留言", "Message"),
    "evidence": Text("补充凭证", "Evidence added"),
    "timer_failed": Text("超时处理未能执行", "A deadline could not act"),
    "assign": Text("分配处理人", "Assigned"),
    "intervene": Text("受理纠纷", "Take up the dispute"),
    "request_evidence": Text("要求举证", "Ask for evidence"),
    "end_evidence_round": Text("结束举证", "End the evidence round"),
    "suspend": Text("申请中止处理", "Pause the review"),
    "appeal": Text("申诉", "Appeal the ruling"),
    "revoke_token": Text("撤销令牌", "Revoke the token"),
    "remove_phrase": Text("删除快捷短语", "Remove the quick phrase"),
    "rotate_secret": Text("更换签名密钥", "Make a new signing secret"),
    "delete_endpoint": Text("删除 Webhook 地址", "Delete the webhook endpoint"),
    "reopen_grant": Text("批准重新开启", "Reopen the window"),
    "resume": Text("恢复平台处理", "Resume the review"),
    "counter_offer": Text("提出协商方案", "Offer other terms"),
    "accept_offer": Text("接受方案", "Accept the offer"),
    "decline_offer": Text("拒绝方案", "Decline the offer"),
}

_DONE_ONLY: dict[str, Text] = {
    "agree": Text("已同意", "Agreed"),
    "refuse": Text("已拒绝", "Refused"),
    "modify": Text("已修改申请", "Changed the request"),
    "withdraw": Text("已撤销申请", "Withdrew the request"),
    "escalate": Text("已申请客服介入", "Asked the platform to step in"),
    "ship_return": Text("已填写退货物流", "Sent the goods back"),
    "confirm_receipt": Text("已确认收货", "Confirmed receipt"),
    "refuse_receipt": Text("已拒绝收货", "Refused the returned goods"),
    "ship_replacement": Text("已发出换货/补发", "Shipped the replacement"),
    "confirm_replacement": Text("已确认收到", "Confirmed the replacement"),
    "reject_replacement": Text("已拒绝换货", "Rejected the replacement"),
    "rule": Text("已裁决", "Ruled"),
    "intervene": Text("已受理纠纷", "Took up the dispute"),
    "request_evidence": Text("已要求举证", "Asked for evidence"),
    "end_evidence_round": Text("已结束举证", "Ended the evidence round"),
    "suspend": Text("已中止处理", "Paused the review"),
    "appeal": Text("已申诉", "Appealed the ruling"),
    "reopen_grant": Text("已批准重新开启", "Reopened the window"),
    "resume": Text("已恢复平台处理", "Resumed the review"),
    "counter_offer": Text("已提出协商方案", "Offered other terms"),
    "accept_offer": Text("已接受方案", "Accepted the offer"),
    "decline_offer": Text("已拒绝方案", "Declined the offer"),
    "deadline_moved": Text("处理时限随订单进展调整", "Moved the deadline with the order's progress"),
}
DONE: dict[str, Text] = {**BUTTON, **_DONE_ONLY}


def page_words() -> dict[str, str]:
    """Each of the pages' words above, its English to its Chinese, for the pages' catalog."""
    return {t.en: t.zh for table in (STATUS_LABEL, BUTTON, DONE) for t in table.values()}


def action(name: str) -> Text:
    """The words for ``name``; an unknown name (a client's typo) is quoted as it came."""
    return ACTION.get(name) or Text(f"“{name}”", f"“{name}”")
