"""Shipping-fee settlement (运费, DESIGN 3.5): who bears each leg, decided by rules, not argument.

Order of precedence: a ruling's ``fault`` decides every leg (谁过错谁承担); then
the reason's class; a leg still unassigned falls on the seller (T3 §49: before
intervention, unspecified freight is the seller's). A store's clause that takes a
leg off the buyer applies above the reason class; agreements between the parties
will slot in above it.
"""

from __future__ import annotations

from dataclasses import replace

from aftersales.domain import store_policy
from aftersales.domain.model import REASON_CLASS, Case, CaseType, Freight, Order, Party, ReasonClass, RulingOutcome
from aftersales.domain.policy import Pack
from aftersales.domain.stores import Store


def _legs(case: Case, order: Order) -> tuple[bool, bool, bool]:
    """(return, outbound, replacement): which legs the case has at all."""
    # A ruling to refund without a return leaves a return case with no return leg, unless the
    # goods were already sent back (DESIGN 3.5: a leg is null where the case has no such leg).
    ruled_no_return = (case.ruling is not None and case.ruling.outcome is RulingOutcome.REFUND
                       and case.return_shipment is None)
    has_return = case.type.has_return and not ruled_no_return
    # The outbound leg is in question only where goods are refunded after they were sent.
    has_outbound = case.type.refunds_goods and order.shipped_at is not None and order.shipped_at <= case.opened_at
    return has_return, has_outbound, case.type.has_replacement


def _pick(has: bool, who: Party) -> Party | None:
    return who if has else None


def _compensation(case: Case, pack: Pack, return_payer: Party | None) -> int:
    """What the buyer gets back for a return leg the seller bears: the fee they declared, capped."""
    shipment = case.return_shipment
    if return_payer is not Party.SELLER or shipment is None or not shipment.fee:
        return 0
    return min(shipment.fee, pack.compensation_cap)


def settle(case: Case, order: Order, pack: Pack, order_refunded_elsewhere: int = 0, store: Store | None = None
           ) -> Freight:
    """The case's freight settlement as things stand now."""
    freight = _settle(case, order, pack, order_refunded_elsewhere, store)
    line = order.line(case.line_id)
    cap = line.return_insurance_cap if line is not None else None
    shipment = case.return_shipment
    if freight.return_leg is Party.BUYER and cap and shipment is not None and shipment.fee:
        # 运费险: the insurance pays the buyer's return leg, up to the line's cap.
        return replace(freight, insurance=min(shipment.fee, cap))
    return freight


def _settle(case: Case, order: Order, pack: Pack, order_refunded_elsewhere: int, store: Store | None) -> Freight:
    has_return, has_outbound, has_replacement = _legs(case, order)
    if case.ruling is not None and case.ruling.fault is not None:
        who = case.ruling.fault
        ret = _pick(has_return, who)
        return Freight(ret, _pick(has_outbound, who), _pick(has_replacement, who), _compensation(case, pack, ret),
                       "ruling_fault")
    settled = _by_reason(case, order, pack, order_refunded_elsewhere)
    # The store's policy where more generous: a leg the rules give the buyer, the store takes.
    legs = {"return_leg": settled.return_leg, "outbound_leg": settled.outbound_leg,
            "replacement_leg": settled.replacement_leg}
    taken = []
    for leg, clause in store_policy.freight_overrides(store.policy if store else None, pack, case.type, case.reason):
        if legs[leg] is Party.BUYER:
            legs[leg] = Party.SELLER
            taken.append(clause)
    if not taken:
        return settled
    return Freight(legs["return_leg"], legs["outbound_leg"], legs["replacement_leg"],
                   _compensation(case, pack, legs["return_leg"]), f"store_policy:{','.join(sorted(set(taken)))}")


def _by_reason(case: Case, order: Order, pack: Pack, order_refunded_elsewhere: int) -> Freight:
    has_return, has_outbound, has_replacement = _legs(case, order)
    if REASON_CLASS[case.reason] is not ReasonClass.BUYER_PREFERENCE:
        # Seller fault, counterfeit and non-receipt: the seller bears every leg (C1 art. 24).
        ret = _pick(has_return, Party.SELLER)
        return Freight(ret, _pick(has_outbound, Party.SELLER), _pick(has_replacement, Party.SELLER),
                       _compensation(case, pack, ret), "seller_fault")

    # Buyer preference: the buyer bears the return leg and an exchange's replacement leg
    # (C1 art. 25, T3 §53-54). The outbound fee stays with the buyer where the order was not
    # free-shipping, or where this return breaks the free-shipping threshold (C3 art. 18).
    rule = "buyer_preference"
    outbound = Party.SELLER
    if pack.buyer_preference_outbound == "seller":
        pass  # the pack refunds the outbound delivery on every return (EU CRD art. 13(1))
    elif order.shipping_fee > 0:
        outbound, rule = Party.BUYER, "buyer_preference_not_free_shipping"
    elif order.free_shipping_threshold is not None:
        remaining = order.total_paid - order_refunded_elsewhere - case.amount
        # A full return breaks nothing: only a partial one can leave too little behind.
        if 0 < remaining < order.free_shipping_threshold:
            outbound, rule = Party.BUYER, "buyer_preference_breaks_free_shipping"
    replacement = Party.BUYER if case.type is CaseType.EXCHANGE else Party.SELLER
    return Freight(_pick(has_return, Party.BUYER), _pick(has_outbound, outbound), _pick(has_replacement, replacement),
                   0, rule)
