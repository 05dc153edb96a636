"""How cases are listed: the port the store's workbench, the agents' queue and the lists of the
API read through (keyset pages answered by the database's indexes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from aftersales.domain.model import Case
from aftersales.services.values import Listed


class CaseListing(Protocol):
    def page(self, *, buyer_id: str | None, store_id: str | None, status: str | None, before_seq: int | None,
             limit: int) -> list[tuple[int, Case]]:
        """Cases newest first, with the key of each (its sequence number)."""
        ...

    def workbench(self, *, store_id: str, statuses: Sequence[str], case_type: str | None, assignee: str | None,
                  order_id: str | None, after: tuple[datetime, int] | None, limit: int,
                  due_by: datetime | None = None) -> list[tuple[int, Case]]:
        """A store's cases in these statuses that have a deadline, the nearest first (keyset on
        deadline and sequence), optionally of one type, one assignee ("" for nobody), one order,
        or only those whose deadline is at or before ``due_by`` (overdue)."""
        ...

    def store_counts(self, store_id: str, statuses: Sequence[str], now: datetime) -> tuple[dict[str, int], int]:
        """How many of the store's cases are in each of ``statuses``, and how many of those are
        past their deadline at ``now``."""
        ...

    def search(self, *, store_id: str | None, text: str, limit: int) -> list[Case]:
        """Cases (of one store, or all) whose order number, buyer or id is ``text``, whose id ends
        with it (a short id), or whose return or replacement parcel carries it as tracking number;
        newest first."""
        ...

    def listed(self, case_ids: Sequence[str]) -> dict[str, Listed]:
        """For each case, its product's title and the first image sent on it."""
        ...

    def queue(self, *, after: tuple[datetime, int] | None, limit: int, now: datetime, status: str | None = None,
              store_id: str | None = None, breached: bool | None = None, agent: str | None = None,
              kind: str | None = None) -> list[tuple[int, Case]]:
        """Cases the platform owes a look (``sla_due`` set), soonest due first, keyset after
        ``after``; narrowed by status, store, breach (``sla_due`` passed at ``now``), the agent
        handling them ("" for nobody yet) and kind. Answered by the database's indexes."""
        ...
