"""What the routers share: the prefix, the documented problems, ETags."""

from __future__ import annotations

from typing import Any

from aftersales.domain import errors
from aftersales.entrypoints.api.problems import documented

API = "/api/v1"
READ_ERRORS: dict[int | str, dict[str, Any]] = documented(401, 403, 404, 409, 412, 422)
# Writes may also be refused for their size, before anything is read.
WRITE_ERRORS: dict[int | str, dict[str, Any]] = documented(401, 403, 404, 409, 412, 413, 422)


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    """The version a client expects; None for no precondition (absent or ``*``)."""
    if value is None or value.strip() == "*":
        return None
    v = value.strip()
    if v.startswith("W/"):
        v = v[2:]
    v = v.strip('"')
    if not v.isdigit() or len(v) > 9:
        raise errors.VersionConflict(f"If-Match {value!r} names no version of this case", "If-Match 无效")
    return int(v)
