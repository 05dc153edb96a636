"""A store's own after-sales policy, linted against the pack

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:13:54.895982
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("policy", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True)
        )


def downgrade() -> None:

    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("policy")
