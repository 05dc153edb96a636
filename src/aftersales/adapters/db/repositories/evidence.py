"""Evidence files and their bytes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from aftersales.adapters.db import tables as t
from aftersales.adapters.db.repositories.base import Repository
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.model import Actor, Role

_e = t.evidence.c
_META = [c for c in t.evidence.c if c.name != "content"]


def _item(r: Any) -> EvidenceItem:
    return EvidenceItem(r.id, r.case_id, r.kind, r.sha256, r.content_type, r.size, r.filename,
                        Actor(Role(r.uploaded_by_role), r.uploaded_by), r.created_at, r.thumb_sha256)


class SqlEvidence(Repository):
    def add(self, item: EvidenceItem) -> None:
        self.tx.conn.execute(insert(t.evidence).values(
            id=item.id, case_id=item.case_id, kind=item.kind, sha256=item.sha256, content_type=item.content_type,
            size=item.size, filename=item.filename, content=None, thumb_sha256=item.thumb_sha256,
            uploaded_by_role=item.uploaded_by.role.value, uploaded_by=item.uploaded_by.id, created_at=item.created_at,
        ))

    def get(self, evidence_id: str) -> EvidenceItem | None:
        row = self.tx.conn.execute(select(*_META).where(_e.id == evidence_id)).first()
        return None if row is None else _item(row)

    def content(self, evidence_id: str) -> bytes | None:
        value: bytes | None = self.tx.conn.execute(select(_e.content).where(_e.id == evidence_id)).scalar()
        return value

    def usable(self, ids: list[str], actor: Actor, case_id: str | None) -> set[str]:
        mine_unattached = (_e.case_id.is_(None) & (_e.uploaded_by == actor.id)
                           & (_e.uploaded_by_role == actor.role.value))
        cond = mine_unattached if case_id is None else (mine_unattached | (_e.case_id == case_id))
        return {r.id for r in self.tx.conn.execute(select(_e.id).where(_e.id.in_(ids), cond)).all()}

    def attach(self, ids: list[str], case_id: str) -> None:
        self.tx.conn.execute(update(t.evidence).where(_e.id.in_(ids), _e.case_id.is_(None)).values(case_id=case_id))

    def for_case(self, case_id: str) -> list[EvidenceItem]:
        found = self.tx.conn.execute(
            select(*_META).where(_e.case_id == case_id).order_by(_e.created_at, _e.id)).all()
        return [_item(r) for r in found]
