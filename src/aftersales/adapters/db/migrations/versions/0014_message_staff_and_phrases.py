"""The member of a store's team who wrote a message, so the conversation names them; quick
phrases, a store's and the platform's, to insert in messages and refusals

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("author_staff", sa.String(length=64), nullable=True))
    op.create_table(
        "quick_phrases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quick_phrases_store_id", "quick_phrases", ["store_id"])


def downgrade() -> None:
    op.drop_index("ix_quick_phrases_store_id", table_name="quick_phrases")
    op.drop_table("quick_phrases")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("author_staff")
