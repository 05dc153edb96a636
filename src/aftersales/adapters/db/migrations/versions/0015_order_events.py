"""Order facts that come in one at a time (shipped, delivered, completed, cancelled): the
events taken, by their id, so a repeat is answered without being applied twice; and an order's
cancellation

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 19:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "order_events",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("order_id", "event_id"),
    )


def downgrade() -> None:
    op.drop_table("order_events")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("cancelled_at")
