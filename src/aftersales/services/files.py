"""Ports for evidence files: checking an upload by decoding it, and keeping its bytes."""

from __future__ import annotations

from typing import Protocol

from aftersales.domain.errors import BlobCorrupt

__all__ = ["BlobCorrupt", "BlobStore", "FileInspector"]  # BlobCorrupt: what a BlobStore raises on a failed check


class FileInspector(Protocol):
    """Checks an upload by decoding it, and gives the bytes to keep (images re-encoded, their
    metadata dropped)."""

    def inspect(self, content: bytes, ctype: str) -> bytes:
        """The bytes to store for a file whose sniffed type is ``ctype``; BadFile if they are not
        what they claim or cannot be decoded safely."""
        ...

    def thumbnail(self, content: bytes, ctype: str) -> bytes | None:
        """A small JPEG of an image already inspected, for lists and pages; None for other files."""
        ...


class BlobStore(Protocol):
    """Content-addressed storage of evidence bytes: a blob is named by its sha256, written once,
    never changed, and checked against its name on every read."""

    def put(self, data: bytes) -> str:
        """Keep ``data`` (the same bytes twice are kept once); its sha256."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes named ``sha256``; BlobCorrupt where they are missing or no longer hash to it."""
        ...
