"""A reopening is for the reason its request was reviewed on; failed sign-ins are counted per
name and per source (the address they came from), so a stranger cannot lock out a name

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("line_reopenings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=20), nullable=True))
    # Failures recorded before had no source: they count for their name only.
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=64), nullable=False, server_default=""))
        batch_op.create_index("ix_login_failures_source_at", ["source", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_source_at")
        batch_op.drop_column("source")
    with op.batch_alter_table("line_reopenings", schema=None) as batch_op:
        batch_op.drop_column("reason")
