"""Every status × every role: what the access module offers is what the API lists and the page
shows; each action offered succeeds and each one withheld is refused, leaving the case as it was
(issue 14, acceptance 2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest

from aftersales.domain import access
from aftersales.domain.model import Actor, Case, Role
from aftersales.domain.transitions import PUBLIC_ACTIONS
from tests.e2e.conftest import ORDER, Api
from tests.e2e.web.conftest import Browser, add_user, buyer, staff
from tests.e2e.web.test_review_pages import _offered

# A body each action accepts, sent whether the action is offered or not: a withheld action must be
# refused for who is asking and where the case stands, not for a missing field.
BODIES: dict[str, dict[str, Any]] = {
    "refuse": {"reason": "not_as_claimed"}, "refuse_receipt": {"reason": "not_as_claimed"},
    "ship_return": {"carrier": "SF", "tracking_no": "SF100"},
    "ship_replacement": {"carrier": "SF", "tracking_no": "SF200"},
    "modify": {"amount": "150.00"}, "counter_offer": {"amount": "100.00"},
    "rule": {"outcome": "reject", "fault": "buyer"}, "request_evidence": {"parties": ["buyer"]},
    "suspend": {"kind": "negotiation"}, "reopen_grant": {"days": 7},
}
ACTIONS = (*PUBLIC_ACTIONS, "appeal")
S = Role.SELLER


@dataclass(frozen=True)
class Person:
    key: str
    actor: Actor
    token: str | None  # who they are over the API (None: they only sign in to the pages)


PEOPLE = (
    Person("buyer", Actor(Role.BUYER, "b1"), "buyer:b1"),
    Person("owner", Actor(S, "s1", staff="s1-owner", team_role="owner"), "seller:s1"),
    Person("after_sales", Actor(S, "s1", staff="s1-cs", team_role="after_sales"), None),
    Person("viewer", Actor(S, "s1", staff="s1-view", team_role="viewer"), None),
    Person("wang", Actor(Role.AGENT, "agent-wang"), "agent:agent-wang"),
    Person("zhao", Actor(Role.AGENT, "agent-zhao"), "agent:agent-zhao"),
    Person("operator", Actor(Role.OPERATOR, "ops-li"), "operator:ops-li"),
)
BY_KEY = {p.key: p for p in PEOPLE}
Step = tuple[str, str]  # (person, action)
ESCALATED: tuple[Step, ...] = (("owner", "refuse"), ("buyer", "escalate"))
RULED = (*ESCALATED, ("wang", "intervene"), ("wang", "rule"))
# How a new case of (type, reason) reaches each place a case can be in; "appeal" last opens the
# appeal of the ruled case and the walk goes on there.
PLACES: dict[str, tuple[str, tuple[Step, ...]]] = {
    "awaiting_seller": ("return_refund", ()),
    "offer_pending": ("return_refund", (("owner", "counter_offer"),)),
    "seller_refused": ("return_refund", (("owner", "refuse"),)),
    "awaiting_return": ("return_refund", (("owner", "agree"),)),
    "awaiting_receipt": ("return_refund", (("owner", "agree"), ("buyer", "ship_return"))),
    "refunding": ("refund_only", (("owner", "agree"),)),
    "awaiting_replacement": ("exchange", (("owner", "agree"), ("buyer", "ship_return"),
                                          ("owner", "confirm_receipt"))),
    "awaiting_buyer_confirmation": ("exchange", (("owner", "agree"), ("buyer", "ship_return"),
                                                 ("owner", "confirm_receipt"), ("owner", "ship_replacement"))),
    "review_unclaimed": ("return_refund", ESCALATED),
    "review_handled": ("return_refund", (*ESCALATED, ("wang", "intervene"))),
    "evidence_round": ("return_refund", (*ESCALATED, ("wang", "intervene"), ("wang", "request_evidence"))),
    "suspended": ("return_refund", (*ESCALATED, ("wang", "intervene"), ("buyer", "suspend"), ("owner", "suspend"))),
    "closed": ("return_refund", (("buyer", "withdraw"),)),
    "ruled": ("return_refund", RULED),
    "appeal": ("return_refund", (*RULED, ("buyer", "appeal"))),
}


class Walk:
    """The cases of one test: each place reached on an order of its own, acted on by each person
    through the API where they have a token, through the pages where they only sign in."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.orders = count(100)
        add_user(api, "s1-owner", "owner", "s1")
        add_user(api, "s1-cs", "after_sales", "s1")
        add_user(api, "s1-view", "viewer", "s1")
        add_user(api, "agent-wang", "agent")
        add_user(api, "agent-zhao", "agent")
        add_user(api, "ops-li", "operator")
        self.pages: dict[str, Browser] = {p.key: buyer(api) if p.key == "buyer" else staff(api, p.actor.staff or
                                          p.actor.id) for p in PEOPLE}

    def case(self, case_id: str) -> Case:
        return self.api.system.dispatch(_get(case_id))

    def act(self, who: Person, case_id: str, action: str) -> tuple[int, str]:
        body = BODIES.get(action, {})
        path = "appeal" if action == "appeal" else action
        if who.token is not None:
            r = self.api.post(f"/api/v1/cases/{case_id}/{path}", who.token, body)
            return r.status_code, r.text
        form = {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in body.items()}
        web = f"/cases/{case_id}/{'appeal' if action == 'appeal' else 'act/' + action}"
        r = self.pages[who.key].submit(f"/cases/{case_id}", web, {"confirmed": "1", **form})
        return r.status_code, r.text

    def reach(self, place: str) -> str:
        """A new case at ``place``; its id (the appeal's, for "appeal")."""
        case_type, steps = PLACES[place]
        order = f"o{next(self.orders)}"
        self.api.setup_order({**ORDER, "id": order, "lines": ORDER["lines"][:1]})
        r = self.api.open(type_=case_type, reason="quality", order=order,
                          amount="199.00" if case_type != "exchange" else None)
        assert r.status_code == 201, r.text
        case_id = r.json()["id"]
        for key, action in steps:
            status, text = self.act(BY_KEY[key], case_id, action)
            assert status in (200, 201, 303), (place, key, action, text)
            if action == "appeal":
                case_id = str(self.case(case_id).appeal_id)
            if action == "rule":
                self.api.run_worker_once()  # the ruling carried out: the case ends
        return case_id


def _get(case_id: str) -> Any:
    from aftersales.services import queries as q

    return q.GetCase(actor=Actor(Role.OPERATOR, "test"), case_id=case_id)


@pytest.mark.parametrize("place", list(PLACES))
def test_each_party_is_offered_what_the_access_module_answers_and_nothing_else_goes_through(
        api: Api, place: str) -> None:
    walk = Walk(api)
    case_id = walk.reach(place)
    case = walk.case(case_id)
    offered = {p.key: access.actions_for(p.actor, case) for p in PEOPLE}
    for p in PEOPLE:
        html = walk.pages[p.key].get(f"/cases/{case_id}").text
        assert _offered(html) == set(offered[p.key]), (place, p.key, "page")
        adds = set(re.findall(r'data-action="(message|evidence)"', html))
        assert adds == access.forms_for(p.actor, case) & {"message", "evidence"}, (place, p.key, "forms")
        if p.token is not None:
            listed = api.get(f"/api/v1/cases/{case_id}", p.token).json()["allowed_actions"]
            assert listed == offered[p.key], (place, p.key, "api")
    assert offered["viewer"] == []  # a store's viewer looks and does nothing
    if place in ("review_handled", "evidence_round"):
        assert offered["zhao"] == [] and "rule" in offered["wang"]  # another agent's dispute
    if place == "appeal":
        assert offered["wang"] == [] and "rule" in offered["zhao"]  # who ruled does not decide the appeal
    if place == "ruled":
        assert "appeal" in offered["buyer"] and "appeal" in offered["owner"] and "appeal" not in offered["viewer"]

    version = case.version
    for p in PEOPLE:
        for action in (a for a in ACTIONS if a not in offered[p.key]):
            status, text = walk.act(p, case_id, action)
            assert 400 <= status < 500, (place, p.key, action, status, text)
            assert walk.case(case_id).version == version, (place, p.key, action, "changed the case")

    for p in PEOPLE:
        for action in offered[p.key]:
            fresh = walk.reach(place)
            before = walk.case(fresh).version
            status, text = walk.act(p, fresh, action)
            assert status in (200, 201, 303), (place, p.key, action, text)
            assert walk.case(fresh).version > before, (place, p.key, action, "did nothing")
