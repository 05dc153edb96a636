"""The negotiation's messages."""

from __future__ import annotations

from sqlalchemy import insert, select

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.domain.model import Actor, Message, Role

_m = t.messages.c
# Built once and given its values as parameters: a statement built per call with .values()
# is compiled per call, which cost a millisecond on every change of a case.
_INSERT = insert(t.messages)


class SqlMessages(Repository):
    def add(self, msg: Message) -> int:
        res = self.tx.conn.execute(_INSERT, {
            "case_id": msg.case_id, "author_role": msg.author.role.value, "author_id": msg.author.id,
            "text": msg.text, "created_at": msg.created_at, "kind": msg.kind, "text_zh": msg.text_zh})
        key = res.inserted_primary_key
        assert key is not None
        return int(key[0])

    def for_case(self, case_id: str, after_id: int, limit: int, notes: bool = False) -> list[Message]:
        q = select(t.messages).where(_m.case_id == case_id, _m.id > after_id).order_by(_m.id).limit(limit)
        if not notes:
            q = q.where(_m.kind != "note")
        return [Message(r.id, r.case_id, Actor(Role(r.author_role), r.author_id), r.text, r.created_at, r.kind,
                        r.text_zh) for r in self.tx.conn.execute(q).all()]
