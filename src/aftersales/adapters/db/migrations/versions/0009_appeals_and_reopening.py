"""Second looks: a case's kind (a request, an appeal of a ruling, a request to reopen a
window), the appeal's link to the ruled case, and when a case was ruled; the agents' queue
narrowed by status, store, agent or kind, each from a partial index of the queue

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aftersales.adapters.db.tables import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
QUEUE_FILTERS = ("status", "store_id", "agent", "kind")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="dispute", nullable=False))
        batch_op.add_column(sa.Column("appeal_of", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("appeal_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("ruled_at", UTCDateTime(), nullable=True))
        batch_op.create_index("ix_cases_appeal_of", ["appeal_of"], unique=False)
    for col in QUEUE_FILTERS:
        op.create_index(f"ix_cases_queue_{col}", "cases", [col, "sla_due", "seq"], unique=False,
                        sqlite_where=sa.text("sla_due IS NOT NULL"), postgresql_where=sa.text("sla_due IS NOT NULL"))


def downgrade() -> None:
    for col in QUEUE_FILTERS:
        op.drop_index(f"ix_cases_queue_{col}", table_name="cases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_appeal_of")
        batch_op.drop_column("ruled_at")
        batch_op.drop_column("appeal_id")
        batch_op.drop_column("appeal_of")
        batch_op.drop_column("kind")
