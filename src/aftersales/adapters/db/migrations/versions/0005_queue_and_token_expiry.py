"""The agents' queue as a keyset on a stored SLA due time; flags; tokens that expire

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

import os
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_due", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attention", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_cases_queue", ["sla_due", "seq"], unique=False)
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    _backfill_sla_due()


def _backfill_sla_due() -> None:
    """Cases already in review get the due time they would have been given on entering it.

    The one data step of the migrations, computed with this release's rules: the SLA is
    business days on the pack's calendar, which only the application knows. A fresh
    database has nothing to fill in and never imports it."""
    cases = sa.table("cases", sa.column("id", sa.String), sa.column("status", sa.String),
                     sa.column("status_since", sa.DateTime(timezone=True)),
                     sa.column("sla_due", sa.DateTime(timezone=True)))
    conn = op.get_bind()
    rows = conn.execute(sa.select(cases.c.id, cases.c.status_since).where(cases.c.status == "platform_review")).all()
    if not rows:
        return
    from aftersales.adapters import calendars, packs
    from aftersales.domain.case import sla_due
    from aftersales.domain.timecalc import YearData

    pack = packs.load(os.environ.get("AFTERSALES_PACK") or "taobao")
    years = sa.table("calendar_years", sa.column("year", sa.Integer), sa.column("holidays", sa.JSON),
                     sa.column("workdays", sa.JSON), sa.column("source", sa.Text))
    loaded = [YearData.from_mapping(dict(r._mapping)) for r in conn.execute(sa.select(years)).all()]
    calendar = calendars.for_pack(pack.calendar, loaded)
    for case_id, since in rows:
        since = since.replace(tzinfo=UTC) if since.tzinfo is None else since
        due = sla_due(since, pack, calendar).astimezone(UTC)
        value = due.replace(tzinfo=None) if conn.dialect.name == "sqlite" else due
        conn.execute(sa.update(cases).where(cases.c.id == case_id).values(sla_due=value))


def downgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_queue")
        batch_op.drop_column("attention")
        batch_op.drop_column("sla_due")
