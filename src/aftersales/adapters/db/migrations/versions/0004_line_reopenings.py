"""Reopenings of a line's windows, granted by the platform after review

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 15:18:51.508148
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "line_reopenings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("granted_by_role", sa.String(length=16), nullable=False),
        sa.Column("granted_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id", "line_id"],
            ["order_lines.order_id", "order_lines.line_id"],
            name=op.f("fk_line_reopenings_order_id_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_reopenings")),
    )
    with op.batch_alter_table("line_reopenings", schema=None) as batch_op:
        batch_op.create_index("ix_line_reopenings_line", ["order_id", "line_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("line_reopenings", schema=None) as batch_op:
        batch_op.drop_index("ix_line_reopenings_line")

    op.drop_table("line_reopenings")
