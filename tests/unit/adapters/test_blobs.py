"""The folder of evidence bytes: named by their hash, written once and read-only, checked on read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aftersales.adapters.blobs import FolderBlobStore, MemoryBlobStore
from aftersales.domain.errors import BlobCorrupt


def test_a_blob_is_named_by_its_hash_kept_once_and_read_only(tmp_path: Path) -> None:
    store = FolderBlobStore(tmp_path)
    sha = store.put(b"photo bytes")
    assert sha == hashlib.sha256(b"photo bytes").hexdigest()
    path = tmp_path / sha[:2] / sha[2:4] / sha
    assert path.read_bytes() == b"photo bytes" and not path.stat().st_mode & 0o222
    assert store.put(b"photo bytes") == sha and store.count() == 1
    assert store.get(sha) == b"photo bytes"
    assert not list(tmp_path.rglob(".incoming-*"))  # no half-written file left behind


def test_a_changed_missing_or_misnamed_blob_is_never_served(tmp_path: Path) -> None:
    store = FolderBlobStore(tmp_path)
    sha = store.put(b"original")
    path = tmp_path / sha[:2] / sha[2:4] / sha
    path.chmod(0o644)
    path.write_bytes(b"tampered")
    with pytest.raises(BlobCorrupt):
        store.get(sha)
    with pytest.raises(BlobCorrupt):
        store.get("0" * 64)
    with pytest.raises(BlobCorrupt):
        store.get("../../etc/passwd")


def test_the_memory_store_checks_the_same_way() -> None:
    store = MemoryBlobStore()
    sha = store.put(b"x")
    assert store.get(sha) == b"x"
    store.damage(sha)
    with pytest.raises(BlobCorrupt):
        store.get(sha)
