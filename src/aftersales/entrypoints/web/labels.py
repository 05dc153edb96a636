"""What a person reads for the contract's names: statuses, actions, who acts next. English
source strings, translated where they are shown: those of statuses, actions and events come from
the domain's wording, the rest are marked for the catalogs with ``N_``."""

from __future__ import annotations

from aftersales.domain import wording
from aftersales.domain.model import Case, CaseType, Status
from aftersales.entrypoints.web.i18n import N_

S = Status
# The words of statuses, actions and events are the domain's (``wording``); the catalogs read them from there.
STATUS = {status: text.en for status, text in wording.STATUS_LABEL.items()}

# Who the case waits for in each status.
NEXT = {
    S.AWAITING_SELLER: N_("the seller"),
    S.SELLER_REFUSED: N_("the buyer"),
    S.AWAITING_RETURN: N_("the buyer"),
    S.AWAITING_RECEIPT: N_("the seller"),
    S.PLATFORM_REVIEW: N_("the platform"),
    S.AWAITING_REPLACEMENT: N_("the seller"),
    S.AWAITING_BUYER_CONFIRMATION: N_("the buyer"),
    S.REFUNDING: N_("the platform"),
}

ACTION = {name: text.en for name, text in wording.BUTTON.items()}
# The same actions as they read in a case's history: what someone did, not a button to press.
EVENT = {name: text.en for name, text in wording.DONE.items()}

# What happens when the deadline passes with nobody acting (the pack's default outcome).
DEFAULT_OUTCOME = {
    "agree": N_("then the request is agreed automatically"),
    "close": N_("then the case closes"),
    "confirm_receipt": N_("then receipt is confirmed automatically"),
    "complete": N_("then the case completes"),
    "escalate": N_("then the platform steps in"),
    "end_evidence_round": N_("then the platform decides on the evidence there is"),
    "resume": N_("then the platform's review resumes"),
}

OUTCOME = {
    "refund": N_("Refund"),
    "return_then_refund": N_("Return, then refund"),
    "reject": N_("Reject the request"),
}

# Who bears the shipping, and why (DESIGN 3.5; the rule ids of domain/freight.py).
FREIGHT_RULE = {
    "seller_fault": N_("The problem is the seller's: the seller bears every shipping leg."),
    "buyer_preference": N_("The buyer changed their mind: the buyer bears the return shipping."),
    "buyer_preference_not_free_shipping": N_(
        "The buyer changed their mind and the order was not free-shipping: the buyer bears the return and the "
        "original delivery."),
    "buyer_preference_breaks_free_shipping": N_(
        "The buyer changed their mind and what is kept falls below the free-shipping threshold: the buyer bears "
        "the return and the original delivery."),
    "ruling_fault": N_("Decided by the ruling: whoever was at fault bears the shipping."),
    "store_policy": N_("The store's own policy takes on shipping the rules would give the buyer."),
}

LEG = {
    "return_leg": N_("Return shipping"),
    "outbound_leg": N_("Original delivery"),
    "replacement_leg": N_("Replacement shipping"),
}

# The kinds of evidence a party names for a file (domain/evidence.py KINDS).
EVIDENCE_KIND = {
    "photo": N_("Photo"),
    "comparison_photo": N_("Genuine-vs-fake comparison photos"),
    "chat_log": N_("Chat log"),
    "inspection_report": N_("Inspection report"),
    "authentication": N_("Brand authentication"),
    "penalty_decision": N_("Penalty decision"),
    "waybill": N_("Waybill"),
    "other": N_("Other"),
}

PARTY = {
    "buyer": N_("Buyer"),
    "seller": N_("Seller"),
    "agent": N_("Platform agent"),
    "operator": N_("Operator"),
    "system": N_("System"),
    "integration": N_("Order system"),
}

VERDICT = {
    "applies": N_("In force: gives buyers more"),
    "stands": N_("Stands: restates the rules"),
    "conditional": N_("Stands only if"),
    "void": N_("Void"),
    "no_effect": N_("No effect"),
}

TEAM_ROLE = {
    "owner": N_("Owner"),
    "after_sales": N_("After-sales staff"),
    "viewer": N_("Viewer (read only)"),
}

# The workbench's tabs ("" is everything that waits for the store).
TAB = {
    "": N_("All waiting"),
    "awaiting_seller": N_("To handle"),
    "awaiting_receipt": N_("To receive"),
    "awaiting_replacement": N_("To ship"),
    "overdue": N_("Overdue"),
}


def short_id(case_id: str) -> str:
    """The last characters of a case id: what a person reads out, or types in a search."""
    return case_id.rsplit("_", 1)[-1][-8:]


ROLE_HOME = {
    "buyer": "/orders",
    "seller": "/workbench",
    "agent": "/queue",
    "operator": "/ops",
}


# Actions that cannot be undone ask first, saying what follows (with scripts on and off alike).
CONFIRM = {
    "withdraw": N_("Your request ends here and cannot be taken up again."),
    "decline_offer": N_("The seller's offer is gone; the case goes back to where it was."),
    "refuse": N_("The buyer may then ask the platform to step in."),
    "refuse_receipt": N_("The returned goods stay refused; the platform may be asked to decide."),
    "reject_replacement": N_("The replacement is refused; the platform may be asked to decide."),
    "rule": N_("The ruling is carried out at once: a refund it orders is paid and cannot be taken back."),
    "revoke_token": N_("Whatever uses the token is refused from now on; a new one must be issued."),
    "remove_phrase": N_("Nobody on the team can pick it any more; add it again to bring it back."),
    "rotate_secret": N_("The new secret is shown once; the old one keeps signing beside it for 24 hours only, "
                        "so the receiver must take the new one within a day."),
    "delete_endpoint": N_("Nothing more is sent to this address, and its delivery log is gone; "
                          "events are not kept for it."),
}


# The steps a buyer knows from their phone, per request type (申请 → 商家处理 → 寄回 → 商家收货 →
# 退款成功 and the like), and the step each status stands at; a dispute shows the platform's
# step in place of the one it interrupted.
T = CaseType
STEPS = {
    T.REFUND_ONLY: (N_("Applied"), N_("Seller answers"), N_("Refund paid")),
    T.RETURN_REFUND: (N_("Applied"), N_("Seller answers"), N_("Goods sent back"), N_("Seller receives"),
                      N_("Refund paid")),
    T.EXCHANGE: (N_("Applied"), N_("Seller answers"), N_("Goods sent back"), N_("Seller receives"),
                 N_("Replacement shipped"), N_("Replacement confirmed")),
    T.REPAIR: (N_("Applied"), N_("Seller answers"), N_("Goods sent back"), N_("Seller receives"),
               N_("Repaired goods shipped"), N_("Repair confirmed")),
    T.RESHIP: (N_("Applied"), N_("Seller answers"), N_("Replacement shipped"), N_("Replacement confirmed")),
}
_AT = {
    S.AWAITING_SELLER: 1, S.SELLER_REFUSED: 1, S.PLATFORM_REVIEW: 1, S.AWAITING_RETURN: 2,
    S.AWAITING_RECEIPT: 3,
}


def steps(case: Case) -> list[tuple[str, str]]:
    """(name, state) of each step of the case's type: "done", "current" or "todo"; a finished
    case has every step done, a closed one stops where it was closed."""
    names = STEPS[case.type]
    last = len(names) - 1
    if case.status is S.COMPLETED:
        return [(n, "done") for n in names]
    if case.status is S.REFUNDING:
        at = last
    elif case.status is S.AWAITING_REPLACEMENT:
        at = last - 1
    elif case.status is S.AWAITING_BUYER_CONFIRMATION:
        at = last
    elif case.status is S.CLOSED:
        return [(n, "done" if i == 0 else "todo") for i, n in enumerate(names)]
    else:
        at = _AT.get(case.status, 1)
    return [(n, "done" if i < at else "current" if i == at else "todo") for i, n in enumerate(names)]


# The action a party most likely came to take, in order of preference: it is the one button
# shown; the others wait behind "More". An offer's answers sit on the offer's card instead.
PRIMARY = ("ship_return", "confirm_replacement", "escalate", "agree", "confirm_receipt", "ship_replacement",
           "intervene", "rule", "appeal", "reopen_grant", "end_evidence_round", "resume")
ON_OFFER_CARD = ("accept_offer", "decline_offer")


def split(actions: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(primary, on the offer's card, more) of the actions offered."""
    card = [a for a in actions if a in ON_OFFER_CARD]
    rest = [a for a in actions if a not in ON_OFFER_CARD]
    first = next((a for a in PRIMARY if a in rest), rest[0] if len(rest) == 1 else None)
    return ([first] if first else []), card, [a for a in rest if a != first]
