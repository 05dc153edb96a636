"""The negotiation and the platform's review: a seller's pending counter-offer on its case;
the agent handling a dispute and the evidence round or suspension running; messages of the
system (in both languages) and agents' private notes beside the parties' own

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True))
        batch_op.add_column(sa.Column("agent", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("pause", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True))
        batch_op.add_column(sa.Column("suspend_asked", sa.String(length=8), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="party", nullable=False))
        batch_op.add_column(sa.Column("text_zh", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("text_zh")
        batch_op.drop_column("kind")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("suspend_asked")
        batch_op.drop_column("pause")
        batch_op.drop_column("agent")
        batch_op.drop_column("offer")
