"""docs/contract.md: the public contract for integrators in the project's own words, its tables
generated from the code (``python -m aftersales.entrypoints.contract_doc > docs/contract.md``;
a test fails when the committed file differs), so the statuses, actions, deadlines and error
codes it lists are the ones the code has."""

from __future__ import annotations

import sys

from aftersales.adapters import packs
from aftersales.domain import errors, wording
from aftersales.domain.event_types import CATALOGUE
from aftersales.domain.model import OPEN_STATUSES, CaseType, Role, Status
from aftersales.domain.transitions import TRANSITIONS, Transition
from aftersales.entrypoints.api.problems import TITLES

# Codes answered by the API itself rather than by a rule of the domain.
_API_CODES = {"unauthorized": 401, "method_not_allowed": 405, "payload_too_large": 413,
              "token_not_replayable": 409, "unavailable": 503, "internal_error": 500}

_INTRO = """\
# The contract

What an integrator (the marketplace's order system, its apps, a script) relies on: the case's
statuses and actions, who may take each, the deadlines that act when nobody does, the error
codes, the order facts it takes in and the events and webhooks it sends out. Its tables are generated from the code by
`python -m aftersales.entrypoints.contract_doc > docs/contract.md` (`make docs/contract.md`); do
not edit them by hand: a test fails when this file and the code disagree. The routes and their
bodies are in `openapi.json` (and at `/docs` on a running server); the rules with their numbers
and sources in [rules.md](rules.md).

## Conventions

- **Authentication**: `Authorization: Bearer <token>`. A token speaks for one role and one party:
  `buyer` (a buyer id), `seller` (a store id), `agent`, `operator` (a name), `integration` (the
  order system). Another party's case, order or file is answered 404, as if it did not exist.
- **Money** is a decimal string of yuan with at most two places (`"199.00"`), never a number;
  inside, integer fen.
- **Times** are ISO 8601 with an offset. Answers show them in `Asia/Shanghai` unless the request
  asks another zone (`?tz=` or a `Time-Zone` header); they are stored in UTC.
- **Lists** are keyset pages: `?limit=` (1 to 100) and the `next_cursor` of the last answer.
- **Writes** may carry an `Idempotency-Key`: the same key with the same body answers what the
  first request answered without doing it again; with another body it is refused
  (`idempotency_conflict`).
- **Concurrency**: a case answer carries an `ETag` (its version); an action sent with `If-Match`
  of an older version is refused 412 `version_conflict`, nothing changed.
- **Errors** are RFC 9457 problem details (`application/problem+json`): `type`, `title`,
  `status`, a stable `code`, `detail` in English and `detail_zh` in Chinese, and where it helps
  `field`, `allowed` or `errors`. A refused request never leaves a half-written case.
- **Words**: every decision carries its explanation in both languages (`zh`, `en`).
"""

_ORDERS = """\
## Orders and their facts

The order system pushes an order whole (`POST /api/v1/orders`, role `integration`); a later
post may fill in or move later its `shipped_at`, `delivered_at` and `completed_at`, never move
them back, change its buyer or store or drop a line. Facts may also come one at a time:
`POST /api/v1/orders/{id}/events {"type": "shipped"|"delivered"|"completed"|"cancelled", "at",
"id"?}` answers `{"order", "applied", "moved_cases"}`, 201 when the fact was new, 200 for a
repeat (the same `id` again, or a fact already known at that time), which is not applied again;
the same `id` with another fact is refused (`idempotency_conflict`). Facts may arrive late and
out of order (a `delivered` after the `completed` it preceded is taken); a time that contradicts
what is known (before payment, a second time for a known fact, delivered before shipped,
completed before delivered, a shipment of a cancelled order, a cancellation once shipped) is
refused 409 `order_event_conflict` with the order's `known` times, nothing changed. Windows are
worked out from the order's facts whenever they are asked, so they follow at once; and where an
open case's deadline depends on the goods' state (the seller's answer: not shipped, in transit,
delivered) a fact that changes the state moves it under the rule that now matches, counted from
when the case entered its status, with a `deadline_moved` event in the case's history. A
cancelled order takes no after-sales case (rule `order_cancelled`): its refund is the order
system's.
"""

_EVENTS = """\
## Events and webhooks

Every change to a case is an event in its history, and every history event becomes an **event
object**, written in the same transaction as the change:

```json
{"id": "evt_…", "type": "case.agreed", "created_at": "2026-03-04T09:00:00+08:00", "api_version": "v1",
 "data": {"case": {…the case as GET /api/v1/cases/{id} answers it, less allowed_actions…},
          "event": {"seq": 2, "action": "agree", "actor": {"role": "seller", "id": "s1"},
                    "from_status": "awaiting_seller", "to_status": "awaiting_return", "at": "…"}}}
```

`data.case` is the case right after the change, rendered once when the change was written.

**Polling.** `GET /api/v1/events?after=<event id>&type=<type>&case=<case id>&limit=` lists event
objects oldest first after `after` (`type` may be repeated); the answer's `next_after` is the id
to pass next time, so a poller that was down catches up from where it stopped. Events are kept at
least 30 days. The platform's staff and the order system (`integration`) see every case's; a
store (`seller`) its own; a buyer none.

**Endpoints.** `POST /api/v1/webhook-endpoints {"url", "events"?, "store"?, "description"?}`: an
operator's endpoint receives every case's events (or one store's, with `store`); a store's owner's
receives the store's own. `events` filters by type (left out: every type). The answer carries
`secret` (`whsec_…`) **once**; it is stored nowhere (derived from the system's key). `GET`,
`PATCH {"url"?, "events"?, "description"?, "enabled"?}` and `DELETE` on
`/api/v1/webhook-endpoints/{id}`; `POST …/{id}/rotate-secret` answers a new secret, and for 24
hours every delivery is signed with both, so a receiver can switch without losing one;
`POST …/{id}/test` sends a `webhook.test` event to that endpoint only. An address that is not on
the public internet (loopback, private, link-local, a cloud's metadata service, shared address
space) is refused `webhook_url_refused`, when registered and again on the address actually
connected to when sending (`AFTERSALES_WEBHOOK_ALLOW_PRIVATE=1` lifts this on a closed network).

**Deliveries.** A `POST` of the event object's JSON with the [Standard Webhooks](https://www.standardwebhooks.com)
headers `webhook-id` (the event's id: the same on every retry), `webhook-timestamp` and
`webhook-signature` (`v1,<base64 HMAC-SHA256>`, space-separated when there are two). A `2xx`
answer within 10 seconds (3 to connect) acknowledges it; anything else, a redirect included (none
is followed), is a failure, retried at about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h and then
every 10 h, each ±20 %, until three days have passed; then the delivery is `failed`. An endpoint
failing for five days with no success is switched off (`enabled` false, `disabled_reason`
`"failing"`); switching it on again sends what was waiting. Events written while an endpoint
is switched off are not sent to it: catch up from `GET /api/v1/events`. Delivery is **at least once**: deduplicate on
`webhook-id`. A case's events reach an endpoint **in order**: a later event waits while an earlier
one is retried; other cases are not held up. `GET …/{id}/deliveries?state=` is the delivery log
(each try's time, status, duration and the first KB of the answer); `POST …/{id}/replay
{"delivery": n}` sends one again, `{"since": time}` every failed one since then.

**Verifying a delivery** with the `standardwebhooks` package (`pip install standardwebhooks`):

```python
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

def receive(secret: str, body: bytes, headers: dict[str, str]) -> dict:
    \"\"\"The event object, if the request was signed with ``secret`` in the last five minutes.\"\"\"
    try:
        return Webhook(secret).verify(body, headers)  # the raw body, exactly as received
    except WebhookVerificationError as exc:
        raise PermissionError(f"not from Aftersales: {exc}") from exc
```

Answer `2xx` at once and do the work after; keep the ids you have seen and skip a repeat.
"""


def _catalogue() -> list[str]:
    out = ["### Event types", "", "| type | history action | 中文 | English |", "|---|---|---|---|"]
    for kind, (action, text) in sorted(CATALOGUE.items()):
        out.append(f"| `{kind}` | {f'`{action}`' if action else '—'} | {text.zh} | {text.en} |")
    return [*out, ""]


def _roles(t: Transition) -> str:
    names = sorted(r.value for r in t.roles if r is not Role.SYSTEM)
    return ", ".join([*names, *(["*deadline*"] if Role.SYSTEM in t.roles else [])])


def _target(t: Transition) -> str:
    if t.keeps:
        return "stays (its deadline runs on)"
    if t.target is None:
        return "decided by the input"
    if isinstance(t.target, Status):
        return f"`{t.target.value}`"
    order = list(CaseType)
    return "; ".join(f"{k.value}: `{v.value}`" for k, v in sorted(t.target.items(), key=lambda x: order.index(x[0])))


def _statuses() -> list[str]:
    loaded = [packs.load(name) for name in packs.available()]
    names = " · ".join(packs.available())
    out = ["## Statuses", "", f"| status | 中文 | English | open | deadline rules ({names}) |",
           "|---|---|---|---|---|"]
    for s in Status:
        rules = " · ".join(", ".join(f"`{t.id}` → {t.action}" for t in p.timeouts if t.status is s) or "—"
                           for p in loaded)
        label = wording.STATUS_LABEL[s]
        out.append(f"| `{s.value}` | {label.zh} | {label.en} | {'yes' if s in OPEN_STATUSES else 'no'} | {rules} |")
    return [*out, "", "A deadline acts as the action it names when nobody acts before it; [rules.md](rules.md) "
            "has each one's length, clock and source.", ""]


def _actions() -> list[str]:
    out = ["## Actions", "", "`POST /api/v1/cases/{id}/{action}`; a case answer's `allowed_actions` lists those "
           "the caller may take now. *deadline*: the action a deadline takes by itself.", "",
           "| action | 中文 | who | from | to |", "|---|---|---|---|---|"]
    for t in TRANSITIONS:
        sources = ", ".join(f"`{s.value}`" for s in Status if s in t.sources)
        out.append(f"| `{t.action}` | {wording.BUTTON.get(t.action, wording.action(t.action)).zh} | {_roles(t)} | "
                   f"{sources} | {_target(t)} |")
    return [*out, ""]


def _errors() -> list[str]:
    domain = {cls.code: cls.status for cls in _subclasses(errors.DomainError)}
    out = ["## Error codes", "", "| code | status | title |", "|---|---|---|"]
    for code, title in TITLES.items():
        status = domain.get(code) or _API_CODES.get(code)
        out.append(f"| `{code}` | {status} | {title} |")
    return [*out, ""]


def _subclasses(cls: type[errors.DomainError]) -> list[type[errors.DomainError]]:
    found: list[type[errors.DomainError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def document() -> str:
    lines = [_INTRO, *_statuses(), *_actions(), *_errors(), _ORDERS, _EVENTS, *_catalogue()]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(document())
