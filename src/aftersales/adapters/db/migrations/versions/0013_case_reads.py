"""When each person last looked at each case, for what is new to them and what waits for them

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 16:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_reads",
        sa.Column("reader", sa.String(length=160), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("reader", "case_id"),
    )


def downgrade() -> None:
    op.drop_table("case_reads")
