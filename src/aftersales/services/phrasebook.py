"""Where quick phrases are kept: the port the phrase handlers and the case page read and write through."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from aftersales.services.values import Phrase


class PhraseRepository(Protocol):
    def add(self, store_id: str | None, text: str, by: str, at: datetime) -> Phrase:
        """Keep a quick phrase of the store (None: the platform's)."""
        ...

    def of(self, store_id: str | None) -> list[Phrase]:
        """The store's quick phrases (None: the platform's), oldest first."""
        ...

    def get(self, phrase_id: int) -> Phrase | None:
        """One quick phrase, whoever's it is (the caller checks)."""
        ...

    def remove(self, phrase_id: int) -> None:
        """Forget a quick phrase."""
        ...
