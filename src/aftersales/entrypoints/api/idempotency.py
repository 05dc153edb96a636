"""Writes over HTTP: ``Idempotency-Key`` honoured on every POST (DESIGN 3.6).

With a key, the lookup, the change and the stored answer are one transaction (the
dispatcher's ``Idempotent`` command); a refused request is stored too, so a retry gets
the same answer. The same key with another body is 422. A token is shown once: a retry
of a token request is answered with a problem saying so, never with the token again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel

from aftersales.bootstrap import System
from aftersales.domain import errors
from aftersales.domain.model import Actor
from aftersales.entrypoints.api import problems
from aftersales.services import commands as c
from aftersales.services.values import StoredReply

# Headers a replay repeats; the rest belong to the moment (dates, lengths).
_KEPT = ("etag", "location", "content-type")


@dataclass
class Reply:
    """An answer before it is sent: the body, its status and its own headers."""

    model: BaseModel
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, response: Response) -> BaseModel:
        """Set status and headers on FastAPI's response; the route's response_model renders the body."""
        response.status_code = self.status
        response.headers.update(self.headers)
        return self.model


def _stored(reply: Response | Reply) -> StoredReply:
    if isinstance(reply, Reply):
        headers = {**reply.headers, "content-type": "application/json"}
        return StoredReply("", reply.status, reply.model.model_dump_json().encode(), headers)
    kept = {k: v for k, v in reply.headers.items() if k.lower() in _KEPT}
    return StoredReply("", reply.status_code, bytes(reply.body), kept)


def _not_replayable(request: Request) -> Response:
    return problems.problem(
        409, "token_not_replayable",
        "a token is shown once: this Idempotency-Key already issued one; list tokens to find and revoke it if it "
        "was lost, then issue a new one",
        detail_zh="令牌只显示一次:该 Idempotency-Key 已签发过令牌;如已丢失,请撤销后重新签发",
        instance=request.url.path)


def _plain(value: Any) -> Any:
    """A request body as JSON for its fingerprint; dumped only when a key asks for one."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else str(value)


def write(system: System, request: Request, actor: Actor, payload: Any, command: c.Request[Any],
          render: Callable[[Any], Reply], response: Response, *, replayable: bool = True) -> Any:
    """Dispatch ``command`` (once per Idempotency-Key, when one is sent) and answer with ``render``."""
    key = request.headers.get("idempotency-key")
    if key is None:
        reply = render(system.dispatch(command))
        system.wake.set()
        return reply.send(response)
    if not 1 <= len(key) <= 255:
        raise errors.ValidationFailed("Idempotency-Key must be 1 to 255 characters", "Idempotency-Key 长度无效",
                                      field="Idempotency-Key")
    canonical = json.dumps([request.method, request.url.path, payload], sort_keys=True, default=_plain)
    fresh: list[Reply] = []

    def keep(outcome: object) -> StoredReply:
        if isinstance(outcome, errors.DomainError):
            return _stored(problems.from_domain(outcome, request))
        reply = render(outcome)
        fresh.append(reply)
        return _stored(reply if replayable else _not_replayable(request))

    result = system.dispatch(c.Idempotent(
        principal=f"{actor.role.value}:{actor.id}", key=key,
        fingerprint=hashlib.sha256(canonical.encode()).hexdigest(), inner=command, keep=keep))
    system.wake.set()
    if isinstance(result, StoredReply):
        return Response(result.body, status_code=result.status_code,
                        headers={**result.headers, "Idempotent-Replayed": "true"})
    return fresh[0].send(response)
