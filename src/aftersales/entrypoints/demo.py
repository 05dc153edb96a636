"""Demo data: a store, buyers and orders in every interesting state, with a few cases.

Times are relative to now, so every window and deadline is live when the demo
starts. Tokens are generated here and printed once; none is committed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aftersales.bootstrap import Settings, bootstrap
from aftersales.domain import store_policy
from aftersales.domain.inputs import CaseRequest, Params
from aftersales.domain.model import Actor, CaseType, Category, Line, Order, Party, Reason, Role
from aftersales.domain.stores import Store
from aftersales.services import commands as c
from aftersales.services import queries as q

STORE = Store("demo-store", "杭州好衣铺 Hangzhou Good Clothes", "浙江省杭州市余杭区文一西路 969 号 售后部 收")
STORE2 = Store("demo-digital", "数码小站 Digital Corner", "广东省深圳市南山区科技园 售后仓")


# Who signs in to the pages: (name, team role or platform role, store).
STAFF = (("hz-owner", "owner", STORE.id), ("hz-staff", "after_sales", STORE.id), ("hz-viewer", "viewer", STORE.id),
         ("dc-owner", "owner", STORE2.id), ("agent-li", "agent", None), ("agent-zhao", "agent", None),
         ("ops", "operator", None))  # two agents: an appeal is decided by another than the one who ruled
BUYERS = ("alice", "bob", "carol")


@dataclass
class DemoInfo:
    tokens: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)  # staff name -> password, generated now
    links: dict[str, str] = field(default_factory=dict)  # buyer -> one-time login link path
    orders: list[tuple[str, str]] = field(default_factory=list)
    cases: list[tuple[str, str, str]] = field(default_factory=list)


class _Seeder:
    """Writes the demo through the dispatcher, as the order system and the parties would."""

    def __init__(self, url: str) -> None:
        self.system = bootstrap(Settings.from_env(database_url=url))
        self.dispatch = self.system.dispatch
        self.now = datetime.now(UTC)
        self.info = DemoInfo()
        self.oms = Actor(Role.INTEGRATION, "demo-oms")

    def stores(self) -> None:
        for store in (STORE, STORE2):
            self.dispatch(c.UpsertStore(actor=self.oms, store=store))
        # The digital store is generous: 15 days without reason, and free size exchanges.
        policy = store_policy.parse({"store": STORE2.id, "clauses": [
            {"id": "fifteen-days", "kind": "extend_window", "text": "本店支持 15 天无理由退换 15-day no-reason returns",
             "rule": "no_reason_7d", "length": "15d"},
            {"id": "free-exchanges", "kind": "freight", "text": "换货往返运费由本店承担 we pay both legs of exchanges",
             "types": ["exchange"], "reason_classes": ["buyer_preference"], "return_leg": "seller",
             "replacement_leg": "seller"},
        ]})
        self.dispatch(c.SetStorePolicy(actor=self.oms, store_id=STORE2.id, policy=policy))

    def order(self, oid: str, buyer: str, note: str, *, paid: timedelta, shipped: timedelta | None = None,
              delivered: timedelta | None = None, completed: timedelta | None = None, store: str = STORE.id,
              lines: list[Line], fee: int = 0) -> None:
        now = self.now
        self.dispatch(c.UpsertOrder(actor=self.oms, order=Order(
            oid, store, buyer, now - paid, now - shipped if shipped else None, now - delivered if delivered else None,
            now - completed if completed else None, fee, lines)))
        self.info.orders.append((oid, note))

    def orders(self) -> None:
        h, d, order = timedelta(hours=1), timedelta(days=1), self.order
        order("D1001", "alice", "paid, not shipped: refund any reason, seller has 24 h", paid=2 * h,
              lines=[Line("1", "羊毛衫 wool sweater", Category.APPAREL, 1, 19900)])
        order("D1002", "alice", "shipped, in transit: refund any reason, seller has 36 h", paid=2 * d, shipped=d,
              lines=[Line("1", "围巾 scarf", Category.APPAREL, 1, 5900)])
        order("D1003", "alice", "delivered yesterday: 7-day no-reason return open", paid=4 * d, shipped=3 * d,
              delivered=d, lines=[Line("1", "连衣裙 dress", Category.APPAREL, 1, 29900),
                                  Line("2", "袜子 socks", Category.INTIMATE_APPAREL, 3, 3000, no_reason_waived=True)])
        order("D1004", "bob", "completed 5 days ago: seller-fault window open 10 more days", paid=14 * d,
              shipped=13 * d, delivered=11 * d, completed=5 * d, fee=1000,
              lines=[Line("1", "运动鞋 sneakers", Category.SHOES, 1, 45900)])
        # Past even the counterfeit window (90 days after completion): the reopening journey.
        order("D1005", "bob", "completed 100 days ago: every window closed, even for a counterfeit; the platform may "
              "reopen it after review", paid=110 * d, shipped=109 * d, delivered=107 * d, completed=100 * d,
              lines=[Line("1", "帆布包 canvas bag", Category.BAGS, 1, 12900)])
        order("D1006", "alice", "custom-made, delivered: no no-reason return by law", paid=6 * d, shipped=4 * d,
              delivered=2 * d, lines=[Line("1", "定制T恤 custom T-shirt", Category.CUSTOM_MADE, 1, 8800)])
        order("D1007", "alice", "delivered 2 days ago, no case yet: the README's curl walkthrough", paid=5 * d,
              shipped=4 * d, delivered=2 * d, lines=[Line("1", "羊毛大衣 wool coat", Category.APPAREL, 1, 39900)])
        order("D2001", "carol", "digital store (15-day no-reason policy), delivered 2 days ago", paid=5 * d,
              shipped=4 * d, delivered=2 * d,
              store=STORE2.id, lines=[Line("1", "蓝牙耳机 earbuds", Category.GENERAL, 1, 39900)])
        order("D2002", "carol", "digital store, delivered 3 days ago", paid=6 * d, shipped=5 * d, delivered=3 * d,
              store=STORE2.id, lines=[Line("1", "充电器 charger", Category.GENERAL, 1, 9900)])

    def note(self, case_id: str, text: str) -> None:
        case = self.dispatch(q.GetCase(actor=Actor(Role.OPERATOR, "demo"), case_id=case_id))
        self.info.cases.append((case.id, case.status.value, text))

    def open(self, buyer: Actor, order_id: str, t: CaseType, r: Reason, amount: int, ago: timedelta) -> str:
        return self.dispatch(c.OpenCase(actor=buyer, order_id=order_id, line_id="1",
                                        request=CaseRequest(t, r, amount), at=self.now - ago)).id

    def act(self, actor: Actor, case_id: str, action: str, ago: timedelta, params: Params | None = None) -> None:
        self.dispatch(c.Act(actor=actor, case_id=case_id, action=action, params=params or Params(),
                            at=self.now - ago))

    def cases(self) -> None:
        h, d = timedelta(hours=1), timedelta(days=1)
        alice, bob, carol = (Actor(Role.BUYER, b) for b in ("alice", "bob", "carol"))
        seller, seller2 = Actor(Role.SELLER, STORE.id), Actor(Role.SELLER, STORE2.id)
        cid = self.open(alice, "D1003", CaseType.RETURN_REFUND, Reason.NO_REASON, 29900, 3 * h)
        self.note(cid, "alice returns a dress for no reason; the seller has until the deadline to answer")
        cid = self.open(bob, "D1004", CaseType.RETURN_REFUND, Reason.QUALITY, 45900, d)
        self.act(seller, cid, "refuse", 20 * h,
                 Params(reason="not_as_claimed", note="鞋子没有质量问题 no defect found"))
        self.act(seller, cid, "counter_offer", 18 * h,
                 Params(type=CaseType.REFUND_ONLY, amount=10000, note="补偿 100 元,不用退货 ¥100 back, keep the shoes"))
        self.note(cid, "the seller refused bob's quality claim and offered ¥100 instead: bob accepts, declines, "
                       "modifies or escalates")
        cid = self.open(carol, "D2001", CaseType.RETURN_REFUND, Reason.CHANGED_MIND, 39900, d)
        self.act(seller2, cid, "agree", 20 * h)
        self.act(carol, cid, "ship_return", 10 * h, Params(carrier="SF", tracking_no="SF1400000001"))
        self.note(cid, "carol shipped her return; the seller must confirm receipt")
        cid = self.open(carol, "D2002", CaseType.REFUND_ONLY, Reason.DAMAGED, 9900, 2 * d)
        self.act(seller2, cid, "refuse", 40 * h, Params(reason="not_as_claimed"))
        self.act(carol, cid, "escalate", 30 * h, Params(note="照片显示外壳破损 photos show a cracked case"))
        agent = Actor(Role.AGENT, "agent-li")
        self.act(agent, cid, "intervene", 6 * h)
        self.act(agent, cid, "request_evidence", 5 * h,
                 Params(parties=(Party.SELLER,), note="请提供发货前的照片 photos of the charger before shipping"))
        self.note(cid, "carol escalated; agent-li took it up and asked the store for evidence (48 h, the SLA paused)")

    def phrases(self) -> None:
        """Quick phrases the store's team and the agents pick instead of typing them again."""
        owner = Actor(Role.SELLER, STORE.id, staff="hz-owner", team_role="owner")
        for text in ("亲,请提供商品问题部位的照片,我们会尽快处理 Please send a photo of the problem",
                     "吊牌已拆或商品已洗涤,影响二次销售 the tags were removed or the goods washed",
                     "已安排退货地址,请使用顺丰寄回 use SF Express to send it back"):
            self.dispatch(c.AddPhrase(actor=owner, text=text))
        self.dispatch(c.AddPhrase(actor=Actor(Role.OPERATOR, "demo"), platform=True,
                                  text="平台已介入,请双方在 48 小时内提供凭证 the platform has stepped in: "
                                       "both parties, please send your evidence within 48 hours"))

    def tokens(self) -> None:
        operator = Actor(Role.OPERATOR, "demo")
        for role, subject in (("operator", "demo-operator"), ("agent", "agent-li"), ("integration", "demo-oms"),
                              ("seller", STORE.id), ("seller", STORE2.id), ("buyer", "alice"), ("buyer", "bob"),
                              ("buyer", "carol")):
            issued = self.dispatch(c.IssueToken(actor=operator, role=role, subject=subject))
            self.info.tokens[f"{role}:{subject}"] = issued.token


    def people(self) -> None:
        """Staff with passwords and buyers with login links, all generated now and printed once."""
        operator = Actor(Role.OPERATOR, "demo")
        for name, role, store in STAFF:
            password = secrets.token_urlsafe(9)
            self.dispatch(c.AddUser(actor=operator, name=name, role=role, store_id=store, password=password))
            self.info.passwords[name] = password
        for buyer in BUYERS:
            self.info.links[buyer] = "/login/link/" + self.dispatch(c.IssueLoginLink(actor=self.oms, buyer=buyer)).token


def seed(url: str) -> DemoInfo:
    """Fill the database at ``url`` with the demo; the tokens it issued are in the answer only."""
    seeder = _Seeder(url)
    try:
        seeder.stores()
        seeder.orders()
        seeder.cases()
        seeder.phrases()
        seeder.tokens()
        seeder.people()
    finally:
        seeder.system.close()
    return seeder.info


def print_intro(info: DemoInfo, base: str, url: str = "sqlite:///demo.db") -> None:
    print(f"\nAftersales demo 售后演示 — serving on {base}  (API docs: {base}/docs)\n")
    print(f"Pages 页面: {base}/login  — staff sign in with these (generated now, shown once):")
    for name, role, store in STAFF:
        where = f"{role} of {store}" if store else role
        print(f"  {name:<10} {info.passwords[name]:<14} {where}")
    print("Buyers open a one-time link (valid 10 minutes; a fresh one: "
          f"`AFTERSALES_DATABASE_URL={url} .venv/bin/aftersales user link BUYER --base-url {base}`):")
    for buyer, link in info.links.items():
        print(f"  {buyer:<10} {base}{link}")
    print()
    print("Tokens (send as 'Authorization: Bearer <token>'; generated now, shown once):")
    for who, tok in info.tokens.items():
        print(f"  {who:<28} {tok}")
    print("\nOrders:")
    for oid, text in info.orders:
        print(f"  {oid}  {text}")
    print("\nCases:")
    for cid, status, text in info.cases:
        print(f"  {cid}  {status:<16} {text}")
    alice = info.tokens["buyer:alice"]
    print("\nTry:")
    print(f"  curl -s -H 'Authorization: Bearer {alice}' {base}/api/v1/orders/D1003/lines/1/eligibility")
    print(f"  curl -s -H 'Authorization: Bearer {alice}' '{base}/api/v1/cases?limit=5'\n")
