"""The negotiation's messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

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
            "author_staff": msg.author.staff, "text": msg.text, "created_at": msg.created_at, "kind": msg.kind,
            "text_zh": msg.text_zh})
        key = res.inserted_primary_key
        assert key is not None
        return int(key[0])

    def for_case(self, case_id: str, after_id: int, limit: int, notes: bool = False) -> list[Message]:
        q = select(t.messages).where(_m.case_id == case_id, _m.id > after_id).order_by(_m.id).limit(limit)
        if not notes:
            q = q.where(_m.kind != "note")
        return [Message(r.id, r.case_id, Actor(Role(r.author_role), r.author_id, r.author_staff), r.text,
                        r.created_at, r.kind, r.text_zh) for r in self.tx.conn.execute(q).all()]

    def seen(self, reader: str, case_ids: Sequence[str]) -> dict[str, datetime]:
        if not case_ids:
            return {}
        r = t.case_reads.c
        found = self.tx.conn.execute(select(r.case_id, r.seen_at).where(r.reader == reader,
                                                                         r.case_id.in_(list(case_ids)))).all()
        return {str(case_id): at for case_id, at in found}

    def mark_seen(self, reader: str, case_id: str, at: datetime) -> None:
        upsert = pg_insert if self.tx.conn.dialect.name == "postgresql" else sqlite_insert
        q = upsert(t.case_reads).values(reader=reader, case_id=case_id, seen_at=at)
        self.tx.conn.execute(q.on_conflict_do_update(index_elements=["reader", "case_id"], set_={"seen_at": at}))

    def last_from_others(self, case_ids: Sequence[str], role: str) -> dict[str, datetime]:
        if not case_ids:
            return {}
        found = self.tx.conn.execute(
            select(_m.case_id, func.max(_m.created_at))
            .where(_m.case_id.in_(list(case_ids)), _m.author_role != role, _m.kind == "party")
            .group_by(_m.case_id)).all()
        return {str(case_id): at for case_id, at in found}
