"""Who may see and do what: the one place access is decided (DESIGN 4).

Two questions, always in this order (DESIGN 3.2): may the actor *see* the object?
If not it does not exist for them (``NotFound``, never a hint that it does). Then may
their role *do* this at all (``Forbidden``, decided before the object's status is
looked at)? A buyer sees their own orders and cases, a seller its store's; the
platform's roles see everything; nobody sees another party's evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aftersales.domain import errors, wording
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.model import Actor, Case, Order, Role, Text
from aftersales.domain.transitions import ROLES_BY_ACTION, allowed_actions

R = Role
# Roles that see every order and case.
SEE_ALL = frozenset({R.AGENT, R.OPERATOR, R.INTEGRATION, R.SYSTEM})
# Roles that see every store and its policy.
SEE_STORES = frozenset({R.AGENT, R.OPERATOR, R.INTEGRATION})
# Roles that see anyone's evidence, attached or not.
SEE_ALL_EVIDENCE = frozenset({R.AGENT, R.OPERATOR})


@dataclass(frozen=True, slots=True)
class Capability:
    """Something only some roles may do, and what the others are told."""

    roles: frozenset[Role]
    en: str
    zh: str


def _cap(roles: set[Role], en: str, zh: str) -> Capability:
    return Capability(frozenset(roles), en, zh)


CAPABILITIES: Mapping[str, Capability] = {
    "write_orders": _cap({R.INTEGRATION, R.OPERATOR}, "stores and orders are written by the order system",
                         "店铺和订单由订单系统写入"),
    "set_policy": _cap({R.SELLER, R.INTEGRATION, R.OPERATOR},
                       "only the store, the order system or an operator sets a store's policy",
                       "只有店铺、订单系统或运营可以设置店铺售后政策"),
    "open_case": _cap({R.BUYER}, "only the buyer opens a case", "只有买家可以发起售后"),
    "note": _cap({R.BUYER, R.SELLER, R.AGENT, R.OPERATOR}, "only the parties and the platform add to a case",
                 "只有买卖双方和平台可以补充售后单"),
    "reopen_line": _cap({R.AGENT, R.OPERATOR}, "only an agent or an operator reopens a line's window",
                        "只有客服或运营可以重新开放售后"),
    "private_notes": _cap({R.AGENT, R.OPERATOR}, "private notes are the platform's own",
                          "内部备注仅供平台人员使用"),
    "see_queue": _cap({R.AGENT, R.OPERATOR}, "the intervention queue is for agents", "介入队列仅供客服查看"),
    "manage_tokens": _cap({R.OPERATOR}, "only an operator issues and revokes tokens", "只有运营可以签发和撤销令牌"),
    "issue_login_links": _cap({R.INTEGRATION, R.OPERATOR}, "only the order system or an operator issues login links",
                              "只有订单系统或运营可以生成登录链接"),
    "see_operations": _cap({R.OPERATOR}, "the operations page is the operator's", "运营页面仅供运营查看"),
    "set_test_clock": _cap({R.OPERATOR}, "only an operator sets the test clock", "只有运营可以设置测试时钟"),
    "load_calendar": _cap({R.OPERATOR}, "only an operator loads calendar years", "只有运营可以导入日历"),
}


def require(actor: Actor, capability: str) -> None:
    """Forbidden unless the actor's role has ``capability``."""
    cap = CAPABILITIES[capability]
    if actor.role not in cap.roles:
        who = wording.ROLE[actor.role]
        raise errors.Forbidden(f"{who.en} may not do this: {cap.en}", f"{who.zh}无权执行此操作:{cap.zh}")


def _owns(actor: Actor, buyer_id: str, store_id: str) -> bool:
    if actor.role in SEE_ALL:
        return True
    if actor.role is R.BUYER:
        return actor.id == buyer_id
    if actor.role is R.SELLER:
        return actor.id == store_id
    return False


def can_see_case(actor: Actor, case: Case) -> bool:
    return _owns(actor, case.buyer_id, case.store_id)


def can_see_order(actor: Actor, order: Order) -> bool:
    return _owns(actor, order.buyer_id, order.store_id)


def can_see_store(actor: Actor, store_id: str) -> bool:
    return actor.role in SEE_STORES or (actor.role is R.SELLER and actor.id == store_id)


def visible_case(actor: Actor, case: Case | None) -> Case:
    """The case, if the actor may see it; NotFound otherwise (also for another party's case)."""
    if case is None or not can_see_case(actor, case):
        raise errors.NotFound("no such case", "售后单不存在")
    return case


def visible_order(actor: Actor, order: Order | None) -> Order:
    if order is None or not can_see_order(actor, order):
        raise errors.NotFound("no such order", "订单不存在")
    return order


def visible_store(actor: Actor, store_id: str, exists: bool) -> None:
    if not exists or not can_see_store(actor, store_id):
        raise errors.NotFound("no such store", "店铺不存在")


def visible_evidence(actor: Actor, item: EvidenceItem | None, case: Case | None) -> EvidenceItem:
    """A file is seen by whoever sees its case; before it is attached, by its uploader and agents."""
    if item is not None:
        if item.case_id is None:
            if item.uploaded_by == actor or actor.role in SEE_ALL_EVIDENCE:
                return item
        elif case is not None and can_see_case(actor, case):
            return item
    raise errors.NotFound("no such evidence", "凭证不存在")


def case_scope(actor: Actor, store: str | None) -> tuple[str | None, str | None]:
    """(buyer, store) a list of cases is narrowed to for this actor."""
    if actor.role is R.BUYER:
        return actor.id, store
    if actor.role is R.SELLER:
        if store is not None and store != actor.id:
            raise errors.Forbidden("a seller lists its own store's cases only", "卖家只能查看本店售后单")
        return None, actor.id
    if actor.role in SEE_ALL:
        return None, store
    raise errors.Forbidden("this role lists no cases", "无权查看售后单")


# Places in a store's team, and who may add whom (DESIGN 3.8: `aftersales user add`).
TEAM_ROLES = ("owner", "after_sales", "viewer")
PLATFORM_STAFF = ("agent", "operator")
# An owner builds their own team; only an operator adds owners and the platform's staff.
OWNER_MAY_ADD = ("after_sales", "viewer")


_WHAT = {
    "act": Text("处理售后单", "act on a case"),
    "add": Text("补充售后单", "add to a case"),
    "policy": Text("修改店铺售后政策", "change the store's policy"),
}


def _acting(actor: Actor, what: Text) -> None:
    """A store's viewer sees what the store sees and does nothing."""
    if actor.team_role == "viewer":
        raise errors.Forbidden(f"a viewer of the store may look but not {what.en}",
                               f"店铺只读成员只能查看,不能{what.zh}")


def add_user(actor: Actor, role: str, store_id: str | None, store_exists: bool) -> None:
    """May the actor add a staff user of ``role`` to ``store_id`` (None: the platform)."""
    if role not in TEAM_ROLES + PLATFORM_STAFF:
        raise errors.ValidationFailed(f"role must be one of {', '.join(TEAM_ROLES + PLATFORM_STAFF)}", "角色无效",
                                      field="role")
    if (role in TEAM_ROLES) != (store_id is not None):
        raise errors.ValidationFailed("a store's team role needs a store; the platform's staff has none",
                                      "店铺成员必须指定店铺,平台人员不属于店铺", field="store")
    if actor.role is R.OPERATOR:
        if store_id is not None and not store_exists:
            raise errors.NotFound("no such store", "店铺不存在")
        return
    if actor.role is R.SELLER and actor.team_role == "owner":
        if store_id != actor.id or not store_exists:
            raise errors.NotFound("no such store", "店铺不存在")
        if role in OWNER_MAY_ADD:
            return
    raise errors.Forbidden("only an operator, or a store's owner for its own team, adds staff",
                           "只有运营或店主(为本店)可以添加成员")


def assign(actor: Actor, case: Case) -> None:
    """Only the store's own team (not its viewers) gives its cases to one of its members."""
    visible_case(actor, case)
    if actor.role is not R.SELLER:
        raise errors.Forbidden("only the store's team assigns its cases", "只有店铺团队可以分配售后单")
    _acting(actor, wording.ACTION["assign"])


def see_team(actor: Actor, store_id: str, exists: bool) -> None:
    visible_store(actor, store_id, exists)
    if actor.role is R.SELLER and actor.team_role not in (None, "owner"):
        raise errors.Forbidden("only the store's owner manages its team", "只有店主可以管理团队")


def phrase_scope(actor: Actor) -> tuple[bool, str | None]:
    """Whose quick phrases the actor uses: (False, _) for none (a buyer, a store's viewer, the
    order system), else the store's (its id) for its team, the platform's (None) for its staff."""
    if actor.role is R.SELLER and actor.team_role != "viewer":
        return True, actor.id
    if actor.role in (R.AGENT, R.OPERATOR):
        return True, None
    return False, None


def keeps_phrases(actor: Actor) -> bool:
    """Whether the actor keeps the quick phrases they use (a store's owner, an operator)."""
    uses, store_id = phrase_scope(actor)
    try:
        manage_phrases(actor, store_id)
    except errors.Forbidden:
        return False
    return uses


def manage_phrases(actor: Actor, store_id: str | None) -> None:
    """A store's owner keeps its quick phrases; an operator keeps the platform's."""
    if store_id is None:
        if actor.role is not R.OPERATOR:
            raise errors.Forbidden("only an operator keeps the platform's quick phrases",
                                   "只有平台运营可以管理平台快捷短语")
    elif not (actor.role is R.SELLER and actor.id == store_id and actor.team_role in (None, "owner")):
        raise errors.Forbidden("only the store's owner keeps its quick phrases", "只有店主可以管理店铺快捷短语")


def authorize_action(case: Case, actor: Actor, action: str) -> None:
    """May the actor take ``action`` on this case at all: 404 for a stranger, 403 for a role that never may."""
    visible_case(actor, case)
    _acting(actor, _WHAT["act"])
    roles = ROLES_BY_ACTION.get(action)
    if roles is None:
        raise errors.NotFound(f"no action {action!r}", f"没有操作 {action!r}")
    if actor.role not in roles:
        who, what = wording.ROLE[actor.role], wording.action(action)
        raise errors.Forbidden(f"{who.en} may not {what.en}", f"{who.zh}不能{what.zh}", action=action)


def authorize_handler(case: Case, actor: Actor) -> None:
    """An agent acts on a dispute only if it is theirs or nobody's yet, and never on the appeal
    of a case they ruled; asked before the case's version, so that an agent whose page is older
    than another agent's claim is told who has it, not only that the case changed."""
    if actor.role is not R.AGENT:
        return
    if case.first_agent == actor.id:
        raise errors.Forbidden("an appeal is decided by another agent than the one who ruled",
                               "申诉须由作出原裁决以外的客服处理")
    if case.agent is not None and case.agent != actor.id:
        raise errors.Forbidden(f"agent {case.agent} handles this dispute", f"该纠纷由客服 {case.agent} 处理",
                               agent=case.agent)


def authorize_appeal(case: Case, actor: Actor) -> None:
    """Only the two parties of a ruled case appeal it (a store's viewer does not)."""
    visible_case(actor, case)
    _acting(actor, wording.ACTION["appeal"])
    if actor.role not in (R.BUYER, R.SELLER):
        raise errors.Forbidden("only the parties appeal a ruling", "只有买卖双方可以对裁决提出申诉")


def authorize_note(case: Case, actor: Actor, action: str) -> None:
    """May the actor add a message or a file to this case."""
    visible_case(actor, case)
    _acting(actor, _WHAT["add"])
    if actor.role not in CAPABILITIES["note"].roles:
        who, what = wording.ROLE[actor.role], wording.action(action)
        raise errors.Forbidden(f"{who.en} may not {what.en}", f"{who.zh}不能{what.zh}")


def set_policy(actor: Actor, store_id: str, exists: bool) -> None:
    """A seller sets its own store's policy only; another store does not exist for it. Of the
    store's team only the owner does: the policy binds the store towards every buyer, which is
    the owner's to promise (after-sales staff read it, and work by it)."""
    if not exists or (actor.role is R.SELLER and actor.id != store_id):
        raise errors.NotFound("no such store", "店铺不存在")
    require(actor, "set_policy")
    _acting(actor, _WHAT["policy"])
    if not may_set_policy(actor):
        raise errors.Forbidden("only the store's owner changes its policy", "只有店主可以修改店铺售后政策")


def may_set_policy(actor: Actor) -> bool:
    """Whether the actor may change a store's policy at all (the page offers the editor then)."""
    if actor.role is R.SELLER:
        return actor.team_role in (None, "owner")  # None: the store's own API token
    return actor.role in CAPABILITIES["set_policy"].roles


def actions_for(actor: Actor, case: Case) -> list[str]:
    """What this actor is offered on the case now: the one answer the API's ``allowed_actions``
    and the pages' buttons both give. The case's status and the actor's role decide
    (``transitions.allowed_actions``); then a store's viewer is offered nothing, and an agent
    nothing on a dispute another agent handles (nor taking up one they handle already), nor on
    the appeal of a case they ruled."""
    if actor.team_role == "viewer" or (actor.role is R.AGENT and case.first_agent == actor.id):
        return []
    actions = allowed_actions(case, actor.role)
    if actor.role is R.AGENT and case.agent is not None:
        return [] if case.agent != actor.id else [a for a in actions if a != "intervene"]
    return actions


def forms_for(actor: Actor, case: Case) -> frozenset[str]:
    """What else the actor may add to the case besides its actions: messages and files on an
    open case for its parties and the platform ("message", "evidence"), a private note for the
    platform's staff ("private_note"), and giving it to one of the team for the store's own
    staff ("assign"); a store's viewer adds nothing. The pages draw these forms from it and the
    services refuse the rest (``authorize_note``, ``assign``)."""
    if not case.open or actor.team_role == "viewer" or actor.role not in CAPABILITIES["note"].roles:
        return frozenset()
    out = {"message", "evidence"}
    if actor.role in CAPABILITIES["private_notes"].roles:
        out.add("private_note")
    if actor.role is R.SELLER:
        out.add("assign")
    return frozenset(out)


def webhook_scope(actor: Actor) -> str | None:
    """Whose webhook endpoints the actor keeps: the platform's and every store's (None) for an
    operator, its own store's for a store's owner (or the store's API token)."""
    if actor.role is R.OPERATOR:
        return None
    if actor.role is R.SELLER and actor.team_role in (None, "owner"):
        return actor.id
    raise errors.Forbidden("only an operator or a store's owner keeps webhook endpoints",
                           "只有平台运营或店主可以管理 Webhook 地址")


def visible_endpoint(actor: Actor, store_id: str | None) -> None:
    """Another store's endpoint, or the platform's to a store, is not found."""
    scope = webhook_scope(actor)
    if scope is not None and scope != store_id:
        raise errors.NotFound("no such webhook endpoint", "没有这个 Webhook 地址")


def event_scope(actor: Actor) -> str | None:
    """Whose events the actor may list: a store its own cases' (its id), the platform's staff
    and the marketplace's systems every case's (None); a buyer none."""
    if actor.role is R.SELLER:
        return actor.id
    if actor.role in (R.AGENT, R.OPERATOR, R.INTEGRATION):
        return None
    raise errors.Forbidden("events are for stores and the platform", "事件仅供店铺与平台读取")
