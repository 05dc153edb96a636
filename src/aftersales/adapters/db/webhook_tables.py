"""Tables of what goes out: the outbox of event objects and the webhook endpoints, their
deliveries and each delivery's attempts. On the same metadata as ``tables`` (which re-exports
them), in a module of their own to keep each a size that reads at once."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, text

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
    # A test event is for this endpoint only; null: for every endpoint that takes its type.
    Column("endpoint_id", String(40)),
    Index("ix_outbox_case", "case_id", "seq"),
    Index("ix_outbox_type", "type", "seq"),
)

# How far the outbox has been fanned out into deliveries (one row, "webhooks"): the worker
# reads events after it in commit order, makes a delivery to each endpoint that takes one, and
# moves it on, in one transaction; the write of a change does not read the endpoints.
outbox_cursors = Table(
    "outbox_cursors",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("seq", Integer, nullable=False),
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
    # What is waiting, by due time, and by case for the order check: partial, so that they stay
    # the size of what is waiting, and so that the planner takes them even before it has
    # statistics (a full index on state let it scan every waiting row for every waiting row).
    Index("ix_webhook_deliveries_due", "next_at", "id", postgresql_where=text("state = 'pending'"),
          sqlite_where=text("state = 'pending'")),
    Index("ix_webhook_deliveries_waiting", "endpoint_id", "case_id", "event_seq",
          postgresql_where=text("state = 'pending'"), sqlite_where=text("state = 'pending'")),
    Index("ix_webhook_deliveries_log", "endpoint_id", "id"),
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
