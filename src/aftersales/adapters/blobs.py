"""Evidence bytes on disk, named by their sha256 (a `BlobStore`).

``root/ab/cd/abcd…``: two levels of folders keep any one folder small. A blob is written to a
temporary file in its folder, flushed to disk and renamed into place, so a reader never sees
half of one; it is then made read-only, and never written again (the same bytes have the same
name). Every read hashes what it read and compares it with the name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from aftersales.domain.errors import BlobCorrupt


class FolderBlobStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise BlobCorrupt(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        path = self._path(sha)
        if path.exists():
            return sha
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        path = self._path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise BlobCorrupt(f"blob {sha256} is missing") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobCorrupt(f"blob {sha256} does not hash to its name: its bytes changed on disk")
        return data

    def count(self) -> int:
        """How many blobs are kept (for tests and the operator's page)."""
        return sum(1 for p in self.root.rglob("*") if p.is_file() and not p.name.startswith(".incoming-"))


class MemoryBlobStore:
    """Blobs in a dict, for a system that lives in memory (scenario files, tests); checked on
    read like the folder's. ``damage`` changes a blob's bytes, as a disk fault would."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(sha, bytes(data))
        return sha

    def get(self, sha256: str) -> bytes:
        data = self.blobs.get(sha256)
        if data is None or hashlib.sha256(data).hexdigest() != sha256:
            raise BlobCorrupt(f"blob {sha256} is missing or its bytes changed")
        return data

    def damage(self, sha256: str) -> None:
        self.blobs[sha256] = self.blobs[sha256][:-1] + b"?"

    def count(self) -> int:
        return len(self.blobs)
