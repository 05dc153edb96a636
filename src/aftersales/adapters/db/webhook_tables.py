"""Tables of what goes out: the outbox of event objects and the webhook endpoints, their
deliveries and each delivery's attempts. On the same metadata as ``tables`` (which re-exports
them), in a module of their own to keep each a size that reads at once."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from aftersales.adapters.db.coltypes import JSONType, UTCDateTime, metadata

# Every history event as the event object integrators receive, in commit order (``seq``): the
# body is the exact bytes a webhook sends and GET /api/v1/events lists, rendered at write time.
outbox = Table(
    "outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(40), nullable=False, unique=True),
    Column("type", String(40), nullable=False),
    Column("case_id", String(40)),
    Column("store_id", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    # Real time of the write: what the retention of at least 30 days counts from.
    Column("recorded_at", UTCDateTime, nullable=False, index=True),
    Column("body", Text, nullable=False),
    Index("ix_outbox_case", "case_id", "seq"),
    Index("ix_outbox_type", "type", "seq"),
)

# Where events are sent: the platform's (store_id null: every case) or a store's own.
# The secret is not stored: it is derived from the system's key, the id and ``generation``;
# after a rotation the one before stays valid until ``previous_until``.
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("url", String(2048), nullable=False),
    Column("store_id", String(64), index=True),
    Column("events", JSONType),
    Column("description", String(200)),
    Column("generation", Integer, nullable=False),
    Column("previous_until", UTCDateTime),
    Column("enabled", Boolean, nullable=False),
    # "owner" (switched off by a person) or "failing" (by the system after days of failures).
    Column("disabled_reason", String(16)),
    Column("failing_since", UTCDateTime),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One event to one endpoint. ``case_id`` orders a case's deliveries to an endpoint: the next
# waits while an earlier one is pending. Claimed by lease, as timers and payouts are.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("endpoint_id", String(40), ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False),
    Column("event_seq", Integer, ForeignKey("outbox.seq"), nullable=False),
    Column("case_id", String(40)),
    Column("state", String(12), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_at", UTCDateTime, nullable=False),
    Column("first_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime),
    Index("ix_webhook_deliveries_due", "state", "next_at"),
    Index("ix_webhook_deliveries_order", "endpoint_id", "case_id", "event_seq"),
)

# Each try of a delivery, for the delivery log: what the endpoint answered and how fast.
webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("delivery_id", Integer, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("status", Integer),
    Column("duration_ms", Integer, nullable=False),
    Column("error", String(200)),
    Column("answer", Text),
    Column("ok", Boolean, nullable=False),
    sqlite_with_rowid=False,
)
