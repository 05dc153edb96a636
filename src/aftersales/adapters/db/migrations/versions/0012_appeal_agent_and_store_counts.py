"""An appeal records the agent who ruled the case appealed, so that what each agent is offered
on it is known from the appeal alone; the workbench's tabs count a store's cases per status
from an index

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_agent", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_cases_store_status", ["store_id", "status", "deadline"], unique=False)
    # Appeals opened before: their ruled case names the agent in its ruling.
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.id, o.ruling FROM cases a JOIN cases o ON o.id = a.appeal_of "
        "WHERE a.kind = 'appeal' AND o.ruling IS NOT NULL")).all()
    for appeal_id, ruling in rows:
        agent = (json.loads(ruling) if isinstance(ruling, str) else ruling).get("agent_id")
        bind.execute(sa.text("UPDATE cases SET first_agent = :agent WHERE id = :id"),
                     {"agent": agent, "id": appeal_id})


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_store_status")
        batch_op.drop_column("first_agent")
