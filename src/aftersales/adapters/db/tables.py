"""Tables (SQLAlchemy Core). The Alembic migrations build exactly this schema; a test
compares them so the two cannot drift."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    text,
)

# Re-exported: migrations and repositories read them as tables.UTCDateTime.
from aftersales.adapters.db.coltypes import JSONType as JSONType
from aftersales.adapters.db.coltypes import Money as Money
from aftersales.adapters.db.coltypes import UTCDateTime as UTCDateTime
from aftersales.adapters.db.coltypes import metadata as metadata

stores = Table(
    "stores",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("return_address", Text, nullable=False),
    # The store's own after-sales policy (店铺售后政策), as StorePolicy.as_dict(); linted on the way in.
    Column("policy", JSONType),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False, index=True),
    Column("buyer_id", String(64), nullable=False, index=True),
    Column("paid_at", UTCDateTime, nullable=False),
    Column("shipped_at", UTCDateTime),
    Column("delivered_at", UTCDateTime),
    Column("completed_at", UTCDateTime),
    Column("shipping_fee", Money, nullable=False),
    Column("free_shipping_threshold", Money),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("cancelled_at", UTCDateTime),
)

# Order facts taken one at a time, by the id the order system gave each: a repeat is answered
# from here instead of being applied again.
order_events = Table(
    "order_events",
    metadata,
    Column("order_id", String(64), ForeignKey("orders.id"), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", String(64), ForeignKey("orders.id"), primary_key=True),
    Column("line_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("category", String(32), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("paid", Money, nullable=False),
    Column("no_reason_waived", Boolean, nullable=False, default=False),
    Column("usage_days", Integer),
    Column("return_insurance_cap", Money),
)

cases = Table(
    "cases",
    metadata,
    # The surrogate sequence orders lists (keyset pagination); ``id`` is the public id.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(40), nullable=False, unique=True),
    Column("order_id", String(64), nullable=False),
    Column("line_id", String(64), nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False, index=True),
    Column("buyer_id", String(64), nullable=False, index=True),
    Column("type", String(20), nullable=False),
    Column("reason", String(24), nullable=False),
    Column("status", String(32), nullable=False, index=True),
    Column("phase", String(12), nullable=False),
    Column("amount", Money, nullable=False),
    Column("refunded", Money, nullable=False),
    Column("line_paid", Money, nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("status_since", UTCDateTime, nullable=False),
    Column("deadline", UTCDateTime),
    Column("deadline_action", String(24)),
    Column("deadline_rule", String(64)),
    Column("deadline_provisional", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
    Column("entry", Integer, nullable=False),
    Column("description", Text),
    Column("evidence_ids", JSONType, nullable=False),
    Column("eligibility_rule", String(64)),
    Column("return_address", Text),
    Column("return_shipment", JSONType),
    Column("replacement_shipment", JSONType),
    Column("refusal_reason", Text),
    Column("refusal_note", Text),
    Column("receipt_refused", Boolean, nullable=False, default=False),
    Column("repair_failures", Integer, nullable=False, default=0),
    Column("ruling", JSONType),
    Column("freight", JSONType),
    Column("closed_by", String(32)),
    Column("updated_at", UTCDateTime, nullable=False),
    # Set while the platform owes the case a look (in review, or flagged): the agents' queue
    # is a keyset query on (sla_due, seq) over this index.
    Column("sla_due", UTCDateTime),
    Column("attention", String(32)),
    Column("assignee", String(64)),
    Column("offer", JSONType),  # the seller's pending counter-offer (Offer.as_dict)
    Column("agent", String(64)),  # the platform's agent handling the dispute
    Column("pause", JSONType),  # an evidence round or a suspension running (Pause.as_dict)
    Column("suspend_asked", String(8)),  # the party that asked to negotiate themselves, alone so far
    # "dispute", "appeal" (of the ruled case ``appeal_of``) or "reopening" (a request to reopen a window).
    Column("kind", String(16), nullable=False, server_default="dispute"),
    Column("appeal_of", String(40), index=True),
    Column("appeal_id", String(40)),  # the appeal of this case's ruling
    Column("first_agent", String(64)),  # on an appeal: the agent who ruled the case appealed
    Column("ruled_at", UTCDateTime),  # when the platform ruled (the ruling itself is in ``ruling``)
    ForeignKeyConstraint(["order_id", "line_id"], ["order_lines.order_id", "order_lines.line_id"]),
    # At most one open case per order line, enforced by the database so that two
    # concurrent opens cannot both win.
    Index(
        "uq_cases_open_per_line",
        "order_id",
        "line_id",
        unique=True,
        sqlite_where=text("status NOT IN ('completed', 'closed')"),
        postgresql_where=text("status NOT IN ('completed', 'closed')"),
    ),
    Index("ix_cases_line", "order_id", "line_id"),
    Index("ix_cases_queue", "sla_due", "seq"),
    # The agents' queue narrowed by one filter: partial, so only cases the platform owes a look
    # are in them and writing any other case costs nothing more.
    *(Index(f"ix_cases_queue_{col}", col, "sla_due", "seq", sqlite_where=text("sla_due IS NOT NULL"),
            postgresql_where=text("sla_due IS NOT NULL")) for col in ("status", "store_id", "agent", "kind")),
    # The store's workbench: what waits for it, the nearest deadline first (a keyset).
    Index("ix_cases_workbench", "store_id", "deadline", "seq"),
    # The workbench's tabs count a store's cases per status, overdue or not, from this index alone.
    Index("ix_cases_store_status", "store_id", "status", "deadline"),
)

# Keyed by (case, seq): the history is read per case in order, and on SQLite a table
# WITHOUT ROWID keeps it in one B-tree, one page fewer to write on every commit.
case_events = Table(
    "case_events",
    metadata,
    Column("case_id", String(40), ForeignKey("cases.id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_role", String(16), nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_status", String(32)),
    Column("to_status", String(32), nullable=False),
    Column("before", JSONType, nullable=False),
    Column("after", JSONType, nullable=False),
    Column("data", JSONType, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    sqlite_with_rowid=False,
)

# One row per case: its armed deadline. Re-arming replaces the row; the ``entry``
# it carries fences a claim made before the re-arming.
timers = Table(
    "timers",
    metadata,
    Column("case_id", String(40), ForeignKey("cases.id"), primary_key=True),
    Column("entry", Integer, nullable=False),
    Column("due_at", UTCDateTime, nullable=False, index=True),
    Column("action", String(24), nullable=False),
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime),
    sqlite_with_rowid=False,
)

payouts = Table(
    "payouts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(40), ForeignKey("cases.id"), nullable=False, index=True),
    Column("kind", String(12), nullable=False),
    Column("amount", Money, nullable=False),
    Column("key", String(80), nullable=False, unique=True),
    Column("state", String(12), nullable=False, index=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("settled_at", UTCDateTime),
    Column("reference", String(120)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", String(100), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("headers", JSONType, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    # "api" (a bearer token), "session" (a signed-in page's cookie), "login_link" (a buyer's
    # one-time link): one table, one hash lookup, one way to revoke.
    Column("kind", String(16), nullable=False, server_default="api"),
    Column("user_id", Integer, index=True),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("store_id", String(64)),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    # The address the attempt came from, as the server saw it (behind a proxy: see README).
    Column("source", String(64), nullable=False, server_default=""),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_login_failures_name_at", "name", "at"),
    Index("ix_login_failures_source_at", "source", "at"),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", String(40), primary_key=True),
    # Null until an action cites it: a buyer uploads photos, then opens the case with them.
    Column("case_id", String(40), ForeignKey("cases.id"), index=True),
    Column("kind", String(32), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("filename", String(255)),
    # The bytes of uploads from before the blob store; null since: they are in the blob store
    # under ``sha256`` (and the thumbnail of an image under ``thumb_sha256``).
    Column("content", LargeBinary),
    Column("thumb_sha256", String(64)),
    Column("uploaded_by_role", String(16), nullable=False),
    Column("uploaded_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Quick phrases (快捷短语): a store's (``store_id``) for its team, the platform's (None) for its
# agents, inserted in messages and refusals.
quick_phrases = Table(
    "quick_phrases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("store_id", String(64), ForeignKey("stores.id"), index=True),
    Column("text", Text, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# When each person last looked at a case (``reader``: role, party and staff member): what is new
# to them is what came after.
case_reads = Table(
    "case_reads",
    metadata,
    Column("reader", String(160), primary_key=True),
    Column("case_id", String(40), ForeignKey("cases.id"), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(40), ForeignKey("cases.id"), nullable=False, index=True),
    Column("author_role", String(16), nullable=False),
    Column("author_id", String(64), nullable=False),
    Column("author_staff", String(64)),  # the member of the store's team who wrote it
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # "party", "system" (a change told in both languages: text in English, text_zh in
    # Chinese) or "note" (an agent's private note).
    Column("kind", String(16), nullable=False, server_default="party"),
    Column("text_zh", Text),
)

# The test clock of DESIGN 3.6, shared by every server and worker process.
test_clock = Table(
    "test_clock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("now", UTCDateTime, nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

# The simulated payment gateway's own ledger: what an external payment system would
# remember about each idempotency key. It lives beside our tables only because the
# simulation needs durable memory; nothing of ours writes it in our transactions.
sim_gateway_ledger = Table(
    "sim_gateway_ledger",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("case_id", String(40), nullable=False),
    Column("amount", Money, nullable=False),
    Column("reference", String(40), nullable=False),
    Column("calls", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# A year's official calendar, loaded by an operator when the State Council announces it
# (`aftersales calendar load FILE`); it overrides the chinesecalendar package's data.
calendar_years = Table(
    "calendar_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("holidays", JSONType, nullable=False),
    Column("workdays", JSONType, nullable=False),
    Column("source", Text, nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
)

# Reopenings of a line's windows, granted by the platform after review: append-only, they
# are the line's history of second chances.
line_reopenings = Table(
    "line_reopenings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(64), nullable=False),
    Column("line_id", String(64), nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
    Column("until", UTCDateTime, nullable=False),
    Column("days", Integer, nullable=False),
    Column("granted_by_role", String(16), nullable=False),
    Column("granted_by", String(64), nullable=False),
    Column("note", Text),
    # The reason a buyer's request was reviewed on: the reopening is for that claim. Null for an
    # agent's own reopening of every problem with the goods.
    Column("reason", String(20)),
    ForeignKeyConstraint(["order_id", "line_id"], ["order_lines.order_id", "order_lines.line_id"]),
    Index("ix_line_reopenings_line", "order_id", "line_id"),
)

# The tables of what goes out, on this metadata (see their module).
from aftersales.adapters.db.webhook_tables import outbox as outbox  # noqa: E402
from aftersales.adapters.db.webhook_tables import outbox_cursors as outbox_cursors  # noqa: E402
from aftersales.adapters.db.webhook_tables import webhook_attempts as webhook_attempts  # noqa: E402
from aftersales.adapters.db.webhook_tables import webhook_deliveries as webhook_deliveries  # noqa: E402
from aftersales.adapters.db.webhook_tables import webhook_endpoints as webhook_endpoints  # noqa: E402
