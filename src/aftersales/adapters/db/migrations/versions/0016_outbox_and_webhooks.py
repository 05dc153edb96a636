"""What goes out: the outbox of event objects and how far it was fanned out, webhook
endpoints, their deliveries and the attempts of each

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 20:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_T = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("store_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", _T, nullable=False),
        sa.Column("recorded_at", _T, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox"),
        sa.UniqueConstraint("id", name="uq_outbox_id"),
    )
    op.create_index("ix_outbox_recorded_at", "outbox", ["recorded_at"])
    op.create_index("ix_outbox_case", "outbox", ["case_id", "seq"])
    op.create_index("ix_outbox_type", "outbox", ["type", "seq"])
    op.create_table(
        "outbox_cursors",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_outbox_cursors"),
    )
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=True),
        sa.Column("events", _JSON, nullable=True),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("previous_until", _T, nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=16), nullable=True),
        sa.Column("failing_since", _T, nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _T, nullable=False),
        sa.Column("updated_at", _T, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_endpoints"),
    )
    op.create_index("ix_webhook_endpoints_store_id", "webhook_endpoints", ["store_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", _T, nullable=False),
        sa.Column("first_at", _T, nullable=False),
        sa.Column("delivered_at", _T, nullable=True),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", _T, nullable=True),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoints.id"], ondelete="CASCADE",
                                name="fk_webhook_deliveries_endpoint_id_webhook_endpoints"),
        sa.ForeignKeyConstraint(["event_seq"], ["outbox.seq"], name="fk_webhook_deliveries_event_seq_outbox"),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
    )
    waiting = sa.text("state = 'pending'")
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["next_at", "id"], postgresql_where=waiting,
                    sqlite_where=waiting)
    op.create_index("ix_webhook_deliveries_waiting", "webhook_deliveries", ["endpoint_id", "case_id", "event_seq"],
                    postgresql_where=waiting, sqlite_where=waiting)
    op.create_index("ix_webhook_deliveries_log", "webhook_deliveries", ["endpoint_id", "id"])
    op.create_table(
        "webhook_attempts",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", _T, nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["webhook_deliveries.id"], ondelete="CASCADE",
                                name="fk_webhook_attempts_delivery_id_webhook_deliveries"),
        sa.PrimaryKeyConstraint("delivery_id", "attempt", name="pk_webhook_attempts"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    op.drop_table("outbox_cursors")
    op.drop_table("outbox")
