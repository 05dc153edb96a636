"""Evidence bytes in the blob store (content-addressed, outside the database): the row's own
bytes become optional, kept for uploads from before; an image's thumbnail is named by its hash

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 11:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.add_column(sa.Column("thumb_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # Rows whose bytes are only in the blob store cannot go back to a NOT NULL column.
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("thumb_sha256")
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
