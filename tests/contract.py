"""The committed contract (openapi.json) as a check every HTTP test runs on every answer it gets."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import httpx2
import schemathesis

# Every answer a test gets is checked against the committed contract (the documented status,
# media type and schema), so a response model and openapi.json cannot disagree unnoticed.
CONTRACT = schemathesis.openapi.from_path(str(Path(__file__).parents[1] / "openapi.json"))


def conforms(response: Any) -> None:
    """Fail the test if ``response`` is not what openapi.json says its operation answers."""
    request = response.request
    operation = CONTRACT.find_operation_by_path(request.method, request.url.path)
    if operation is None:
        return  # not an API operation: /docs, its files, a path that does not exist
    response.read()
    with contextlib.suppress(httpx2.StreamConsumed):
        request.read()  # a multipart upload was streamed; its bytes are needed to describe a failure
    operation.validate_response(response)
