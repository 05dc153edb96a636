"""Response bodies of the platform's resources: orders, stores and their policies, reopenings,
tokens, the test clock, health and problems. Each is built from the domain object it shows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from aftersales.domain.clauses import Finding
from aftersales.domain.model import Category, Order, Reopening
from aftersales.domain.money import format_fen
from aftersales.domain.policy import Pack
from aftersales.domain.stores import Store, StorePolicy
from aftersales.entrypoints.schemas.types import MoneyOut, Text, WireTime, money_text, shown, who
from aftersales.services.values import IssuedToken, Phrase, TokenRecord


class LineOut(BaseModel):
    id: str
    title: str
    category: Category
    quantity: int
    paid: MoneyOut
    no_reason_waived: bool
    usage_days: int | None
    return_insurance_cap: MoneyOut | None


class OrderOut(BaseModel):
    id: str
    store: str
    buyer: str
    paid_at: WireTime
    shipped_at: WireTime | None
    delivered_at: WireTime | None
    completed_at: WireTime | None
    shipping_fee: MoneyOut
    free_shipping_threshold: MoneyOut | None
    lines: list[LineOut]
    cancelled_at: WireTime | None = None

    @classmethod
    def from_order(cls, o: Order, pack: Pack) -> OrderOut:
        z = pack.zone
        lines = [LineOut(id=x.id, title=x.title, category=x.category, quantity=x.quantity, paid=format_fen(x.paid),
                         no_reason_waived=x.no_reason_waived, usage_days=x.usage_days,
                         return_insurance_cap=money_text(x.return_insurance_cap)) for x in o.lines]
        return cls(id=o.id, store=o.store_id, buyer=o.buyer_id, paid_at=shown(o.paid_at, z),
                   shipped_at=shown(o.shipped_at, z), delivered_at=shown(o.delivered_at, z),
                   completed_at=shown(o.completed_at, z), shipping_fee=format_fen(o.shipping_fee),
                   free_shipping_threshold=money_text(o.free_shipping_threshold), lines=lines,
                   cancelled_at=shown(o.cancelled_at, z))


class StoreOut(BaseModel):
    id: str
    name: str
    return_address: str

    @classmethod
    def from_store(cls, s: Store) -> StoreOut:
        return cls(id=s.id, name=s.name, return_address=s.return_address)


class FindingOut(BaseModel):
    clause: str
    verdict: Literal["applies", "stands", "conditional", "void", "no_effect"]
    scope: str
    why: Text
    rules: list[str]


class StorePolicyOut(BaseModel):
    store: str
    clauses: list[dict[str, Any]]
    findings: list[FindingOut]

    @classmethod
    def from_policy(cls, store_id: str, policy: StorePolicy | None, findings: list[Finding]) -> StorePolicyOut:
        return cls(store=store_id, clauses=policy.as_dict()["clauses"] if policy else [],
                   findings=[FindingOut.model_validate(f.as_dict()) for f in findings])


class ReopeningOut(BaseModel):
    order_id: str
    line_id: str
    granted_at: WireTime
    until: WireTime
    days: int
    granted_by: dict[str, str]
    note: str | None
    reason: str | None = Field(None, description="the reason the reviewed request was for; null: every problem "
                               "with the goods (an agent's own reopening)")

    @classmethod
    def from_reopening(cls, g: Reopening, pack: Pack) -> ReopeningOut:
        return cls(order_id=g.order_id, line_id=g.line_id, granted_at=shown(g.granted_at, pack.zone),
                   until=shown(g.until, pack.zone), days=g.days, granted_by=who(g.granted_by), note=g.note,
                   reason=g.reason.value if g.reason else None)


class ReopeningList(BaseModel):
    data: list[ReopeningOut]
    has_more: bool
    next_cursor: str | None


class TokenOut(BaseModel):
    """A token just issued: shown this once, never stored in the clear and never replayed."""

    id: int
    token: str
    role: str
    subject: str
    expires_at: WireTime | None = None

    @classmethod
    def from_issued(cls, t: IssuedToken, pack: Pack) -> TokenOut:
        return cls(id=t.id, token=t.token, role=t.role, subject=t.subject, expires_at=shown(t.expires_at, pack.zone))


class LoginLinkOut(BaseModel):
    """A buyer's one-time sign-in link (DESIGN 3.8): open it within ten minutes, once."""

    url: str
    expires_at: WireTime

    @classmethod
    def from_issued(cls, t: IssuedToken, pack: Pack) -> LoginLinkOut:
        expires = shown(t.expires_at, pack.zone)
        assert expires is not None  # a link always expires
        return cls(url=f"/login/link/{t.token}", expires_at=expires)


class TokenInfoOut(BaseModel):
    """A token as an operator sees it later: who it speaks for, never the token itself."""

    id: int
    role: str
    subject: str
    created_at: WireTime
    expires_at: WireTime | None
    revoked_at: WireTime | None

    @classmethod
    def from_record(cls, t: TokenRecord, pack: Pack) -> TokenInfoOut:
        z = pack.zone
        return cls(id=t.id, role=t.role, subject=t.subject, created_at=shown(t.created_at, z),
                   expires_at=shown(t.expires_at, z), revoked_at=shown(t.revoked_at, z))


class TokenList(BaseModel):
    data: list[TokenInfoOut]
    has_more: bool
    next_cursor: str | None


class ClockOut(BaseModel):
    now: WireTime
    set: bool


class Health(BaseModel):
    status: str


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable ``code``."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    detail_zh: str | None = None
    instance: str | None = None


class PhraseOut(BaseModel):
    """A quick phrase (快捷短语): a store's for its team (``store``), or the platform's for its
    agents (``store`` null)."""

    id: int
    store: str | None
    text: str
    created_by: str
    created_at: WireTime

    @classmethod
    def from_phrase(cls, p: Phrase, pack: Pack) -> PhraseOut:
        at = shown(p.created_at, pack.zone)
        assert at is not None
        return cls(id=p.id, store=p.store_id, text=p.text, created_by=p.created_by, created_at=at)


class PhraseList(BaseModel):
    data: list[PhraseOut]


class OrderEventOut(BaseModel):
    """An order fact taken: the order as it is now, whether the fact was new (false: a repeat,
    not applied again) and the open cases whose deadline it moved."""

    order: OrderOut
    applied: bool
    moved_cases: list[str]
