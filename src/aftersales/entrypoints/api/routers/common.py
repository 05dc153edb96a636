"""What the routers share: the prefix, the documented problems, ETags."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header

from aftersales.domain import errors
from aftersales.entrypoints.api.problems import documented

API = "/api/v1"
READ_ERRORS: dict[int | str, dict[str, Any]] = documented(401, 403, 404, 409, 412, 422)
# Writes may also be refused for their size, before anything is read.
WRITE_ERRORS: dict[int | str, dict[str, Any]] = documented(401, 403, 404, 409, 412, 413, 422)


def etag(version: int) -> str:
    return f'"{version}"'


# What parse_if_match reads: *, or a case's version as its ETag gives it ("3", or weak W/"3").
IF_MATCH_PATTERN = r'^(\*|(W/)?"?\d{1,9}"?)$'
IfMatch = Annotated[str | None, Header(
    alias="If-Match", pattern=IF_MATCH_PATTERN, max_length=14,
    description='the case version the write expects, as its ETag gives it ("3"; W/"3" or 3 are read alike; * '
                "for any): 412 version_conflict when the case has moved on")]


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
