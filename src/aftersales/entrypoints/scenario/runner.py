"""Playing a scenario: a story against a fresh in-memory system (DESIGN 3.7).

Each file gets its own in-memory database, a simulated clock and a payment gateway
that settles at once. Before each step the clock moves to the step's ``at`` and the
system runs to rest (every due timer fires at its due time, in due order, until none
is due); after the step's action it runs to rest again; then ``expect`` is checked
against the same JSON a client would see. A step is turned into a command by the same
request models the API uses, and goes through the same dispatcher.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from aftersales import bootstrap
from aftersales.adapters import calendars, packs
from aftersales.adapters.clocks import ManualClock
from aftersales.adapters.payments import InMemoryGateway
from aftersales.domain import errors
from aftersales.domain import store_policy as store_policies
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import Actor, Role
from aftersales.domain.money import format_fen
from aftersales.domain.payouts import PaymentResult
from aftersales.domain.transitions import PUBLIC_ACTIONS
from aftersales.entrypoints.scenario.files import Failure, InvalidScenario, diff, parse_time, short
from aftersales.entrypoints.schemas import requests as rq
from aftersales.entrypoints.schemas.responses import CaseOut, OptionOut
from aftersales.services import commands as c
from aftersales.services import queries as q

ACTIONS = {"open", "update_order", "order_event", "reopen", "reopen_request", "appeal", *PUBLIC_ACTIONS}
_REL = re.compile(r"^\+(\d+)(s|m|h|d)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_STEP_KEYS = {"at", "as", "do", "case", "with", "check", "line", "expect", "opens"}
# A white 1x1 PNG (made by Pillow, so it decodes whole): the placeholder file for `evidence: [KIND]`.
_PLACEHOLDER = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082"
)
_OPERATOR = Actor(Role.OPERATOR, "scenario")
_INTEGRATION = Actor(Role.INTEGRATION, "scenario")


def _split_line(value: Any, where: str, what: str) -> tuple[str, str]:
    if not isinstance(value, str) or "/" not in value:
        raise InvalidScenario(f"{where}: {what} needs `line: ORDER/LINE`")
    order_id, line_id = value.split("/", 1)
    return order_id, line_id


class _SecondWorker:
    """The gateway of ``workers: 2``: each time the first worker waits on it, with the money
    sent and the answer not yet recorded, a second worker settles what it can. That is what two
    workers and a slow gateway do, played in a fixed order."""

    def __init__(self, inner: InMemoryGateway) -> None:
        self.inner = inner
        self.dispatch: Any = None
        self._busy = False

    def refund(self, key: str, case_id: str, amount: int, requested_at: datetime) -> PaymentResult:
        result = self.inner.refund(key, case_id, amount, requested_at)
        if self.dispatch is not None and not self._busy:
            self._busy = True
            try:
                self.dispatch(c.SettlePayouts(owner="scenario-second-worker", lease_seconds=3600, limit=500))
            finally:
                self._busy = False
        return result


class Runner:
    """Plays one scenario file."""

    def __init__(self, data: dict[str, Any], lines: list[int | None], path: str) -> None:
        self.data, self.lines, self.path = data, lines, path
        try:
            pack = packs.load(str(data.get("policy", "taobao")))
        except InvalidPolicy as exc:
            raise InvalidScenario(str(exc)) from exc
        raw_years = data.get("calendar") or []
        if isinstance(raw_years, dict):
            raw_years = [raw_years]
        try:
            years = [calendars.YearData.from_mapping(y) for y in raw_years]
        except (calendars.InvalidCalendar, AttributeError) as exc:
            raise InvalidScenario(f"calendar: {exc}") from exc
        self.clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
        self.n = 0
        workers = data.get("workers", 1)
        if workers not in (1, 2):
            raise InvalidScenario("`workers` is 1 or 2")
        self.gateway = InMemoryGateway()
        gateway = _SecondWorker(self.gateway) if workers == 2 else self.gateway
        self.system = bootstrap.in_memory(pack, clock=self.clock, gateway=gateway, years=years,
                                          new_id=self._next_id)
        self.dispatch = self.system.dispatch
        if isinstance(gateway, _SecondWorker):
            gateway.dispatch = self.dispatch
        self.pack = pack
        self.cases: dict[str, str] = {}
        self.stores: set[str] = set()
        self.orders: dict[str, dict[str, Any]] = {}

    def _next_id(self, prefix: str) -> str:
        self.n += 1
        return f"{'case' if prefix == 'cs' else prefix}{self.n}"

    def close(self) -> None:
        self.system.close()

    def setup(self) -> None:
        for i, raw in enumerate(self.data.get("stores") or []):
            try:
                self._store(raw)
            except (ValidationError, errors.DomainError, InvalidPolicy) as exc:
                raise InvalidScenario(f"stores[{i}]: {short(exc)}") from exc
        for i, raw in enumerate(self.data.get("orders") or []):
            try:
                order = rq.OrderIn.model_validate(raw)
                self.dispatch(order.command(_INTEGRATION))
            except (ValidationError, errors.DomainError) as exc:
                raise InvalidScenario(f"orders[{i}]: {short(exc)}") from exc
            self.orders[order.id] = dict(raw)

    def _store(self, raw: Any) -> None:
        store = rq.StoreIn.model_validate(raw)
        self.dispatch(store.command(_INTEGRATION))
        self.stores.add(store.id)
        clauses = raw.get("policy") if isinstance(raw, dict) else None
        if isinstance(clauses, dict):
            clauses = clauses.get("clauses")
        if clauses:
            policy = store_policies.parse({"store": store.id, "clauses": clauses})
            self.dispatch(c.SetStorePolicy(actor=_INTEGRATION, store_id=store.id, policy=policy))

    def actor(self, who: Any, where: str) -> Actor:
        if not isinstance(who, str) or not who:
            raise InvalidScenario(f"{where}: `as` names a buyer, a store, agent[:id] or operator")
        if who == "operator":
            return Actor(Role.OPERATOR, "operator")
        if who == "agent" or who.startswith("agent:"):
            return Actor(Role.AGENT, who.partition(":")[2] or "agent")
        if who in self.stores:
            return Actor(Role.SELLER, who)
        return Actor(Role.BUYER, who)  # a buyer of the file's orders, or a stranger

    def rest(self) -> None:
        self.dispatch(c.RunToRest(owner="scenario"))

    def view(self, name: str) -> dict[str, Any]:
        """The case as ``GET /api/v1/cases/{id}`` shows it to an operator."""
        case_id = self.cases.get(name)
        if case_id is None:
            raise InvalidScenario(f"no case named {name!r} was opened")
        case = self.dispatch(q.GetCase(actor=_OPERATOR, case_id=case_id))
        found: dict[str, Any] = CaseOut.from_case(case, self.pack).model_dump(mode="json")
        names = {v: k for k, v in self.cases.items()}
        for key in ("appeal_of", "appeal_id"):  # links between cases, by the names the file gave them
            found[key] = names.get(found[key], found[key])
        return found

    def run(self) -> list[Failure]:
        self.setup()
        steps = self.data.get("steps")
        if not isinstance(steps, list):
            raise InvalidScenario("`steps` must be a list")
        failures: list[Failure] = []
        prev: datetime | None = None
        for i, step in enumerate(steps, 1):
            line = self.lines[i - 1] if i - 1 < len(self.lines) else None
            where = f"step {i}" + (f" (line {line})" if line else "")
            if not isinstance(step, dict):
                raise InvalidScenario(f"{where}: a step is a mapping")
            at = self._at(step.get("at"), prev, where)
            prev = at
            self.clock.set(at)
            try:
                self.rest()
                messages = self._step(step, where)
            except InvalidScenario:
                raise
            except Exception as exc:  # counts as a failed expectation; the file goes on
                messages = [f"unexpected error: {type(exc).__name__}: {exc}"]
            failures += [Failure(i, line, msg) for msg in messages]
        return failures

    def _at(self, value: Any, prev: datetime | None, where: str) -> datetime:
        if value is None:
            if prev is None:
                raise InvalidScenario(f"{where}: the first step needs an `at`")
            return prev
        if isinstance(value, str) and (m := _REL.match(value.strip())):
            if prev is None:
                raise InvalidScenario(f"{where}: a relative `at` needs a previous step")
            return prev + timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
        at = parse_time(value, f"{where}: at")
        if prev is not None and at < prev:
            raise InvalidScenario(f"{where}: at {value} is earlier than the previous step")
        return at

    def _step(self, step: dict[str, Any], where: str) -> list[str]:
        unknown = set(step) - _STEP_KEYS
        if unknown:
            raise InvalidScenario(f"{where}: unknown keys {sorted(unknown)}")
        expect = step.get("expect") or {}
        if not isinstance(expect, dict):
            raise InvalidScenario(f"{where}: `expect` must be a mapping")
        if step.get("check") is not None:
            return self._check(step, expect, where)
        action = step.get("do")
        if action is None:
            if not expect:
                return []
            if expect.get("case") is None:
                raise InvalidScenario(f"{where}: an expect without an action needs `case:`")
            return diff({k: v for k, v in expect.items() if k != "case"}, self.view(str(expect["case"])))
        return self._action(step, action, expect, where)

    def _action(self, step: dict[str, Any], action: Any, expect: dict[str, Any], where: str) -> list[str]:
        if action not in ACTIONS:
            raise InvalidScenario(f"{where}: unknown action {action!r}")
        body = step.get("with") or {}
        if not isinstance(body, dict):
            raise InvalidScenario(f"{where}: `with` must be a mapping")
        actor = self.actor(step.get("as", "operator" if action in ("update_order", "order_event") else None), where)
        name = step.get("case")
        error: str | None = None
        try:
            name = self._do(action, actor, name, dict(body), where, step.get("opens"))
        except errors.DomainError as exc:
            error = exc.code
        except ValidationError as exc:
            error = f"validation_failed ({short(exc)})"
        self.rest()
        return self._expected(action, name, error, expect, where)

    def _expected(self, action: str, name: Any, error: str | None, expect: dict[str, Any], where: str) -> list[str]:
        want_error = expect.get("error")
        if want_error is not None:
            if error is None:
                return [f"expected error {want_error}, but {action} succeeded"]
            if error.split(" ")[0] != want_error:
                return [f"error: expected {want_error}, found {error}"]
            return []
        if error is not None:
            return [f"{action} failed unexpectedly: {error}"]
        fields = {k: v for k, v in expect.items() if k != "case"}
        if not fields:
            return []
        target = expect.get("case", name)
        if target is None:
            raise InvalidScenario(f"{where}: expect needs `case:` to know which case to check")
        return diff(fields, self.view(str(target)))

    def _evidence(self, actor: Actor, kinds: Any, where: str) -> list[str]:
        if not isinstance(kinds, list):
            raise InvalidScenario(f"{where}: evidence is a list of kinds")
        return [self.dispatch(c.UploadEvidence(actor=actor, kind=str(kind), content=_PLACEHOLDER,
                                               filename=f"{kind}.png")).id for kind in kinds]

    def _do(self, action: str, actor: Actor, name: Any, body: dict[str, Any], where: str, opens: Any = None) -> Any:
        if "evidence" in body:
            body["evidence_ids"] = [*body.get("evidence_ids", []), *self._evidence(actor, body.pop("evidence"), where)]
        if action == "update_order":
            self._update_order(actor, body, where)
        elif action == "order_event":
            oid = body.pop("order", None)
            if oid not in self.orders:
                raise InvalidScenario(f"{where}: order_event needs the `order` id of an order of the file")
            who = _INTEGRATION if actor.role is Role.OPERATOR else actor
            self.dispatch(rq.OrderEventIn.model_validate(body).command(who, str(oid)))
        elif action == "reopen":
            order_id, line_id = _split_line(body.get("line"), where, "reopen")
            grant = rq.ReopenIn.model_validate({k: v for k, v in body.items() if k != "line"})
            self.dispatch(grant.command(actor, order_id, line_id))
        elif action == "open":
            order_id, line_id = _split_line(body.pop("line", None), where, "open")
            req = rq.CaseOpenIn.model_validate({"order_id": order_id, "line_id": line_id, **body})
            case = self.dispatch(req.command(actor))
            if name is not None:
                self.cases[str(name)] = case.id
        elif action == "reopen_request":
            order_id, line_id = _split_line(body.pop("line", None), where, "reopen_request")
            case = self.dispatch(rq.ReopenRequestIn.model_validate(body).command(actor, order_id, line_id))
            if name is not None:
                self.cases[str(name)] = case.id
        elif action == "appeal":
            # `case:` is the ruled case; `opens:` names the appeal, which `expect` then checks.
            case = self.dispatch(rq.AppealIn.model_validate(body).command(actor, self._case_id(name, where)))
            if opens is not None:
                self.cases[str(opens)] = case.id
                return opens
        else:
            self.dispatch(rq.ACTION_BODIES[action].model_validate(body).command(actor, self._case_id(name, where),
                                                                                action))
        return name

    def _case_id(self, name: Any, where: str) -> str:
        if name is None:
            raise InvalidScenario(f"{where}: this action needs `case:`")
        case_id = self.cases.get(str(name))
        if case_id is None:
            raise InvalidScenario(f"{where}: no case named {name!r} was opened")
        return case_id

    def _update_order(self, actor: Actor, body: dict[str, Any], where: str) -> None:
        oid = body.get("id")
        if oid not in self.orders:
            raise InvalidScenario(f"{where}: update_order needs the `id` of an order of the file")
        merged = {**self.orders[oid], **body}
        who = _INTEGRATION if actor.role is Role.OPERATOR else actor
        self.dispatch(rq.OrderIn.model_validate(merged).command(who))
        self.orders[oid] = merged

    def _payouts(self, step: dict[str, Any], expect: dict[str, Any], where: str) -> list[str]:
        """A case's payouts by kind: amount, state, attempts, and the calls the gateway took."""
        payouts = self.dispatch(q.CasePayouts(actor=_OPERATOR, case_id=self._case_id(step.get("case"), where)))
        found = {p.kind: {"amount": format_fen(p.amount), "state": p.state, "attempts": p.attempts,
                          "gateway_calls": self.gateway.calls.get(p.key, 0)} for p in payouts}
        return diff(expect, {"count": len(payouts), **found})

    def _check(self, step: dict[str, Any], expect: dict[str, Any], where: str) -> list[str]:
        if step["check"] == "payouts":
            return self._payouts(step, expect, where)
        if step["check"] != "eligibility":
            raise InvalidScenario(f"{where}: a check is `eligibility` or `payouts`")
        order_id, line_id = _split_line(step.get("line"), where, "check")
        who = self.actor(step["as"], where) if "as" in step else _OPERATOR
        try:
            _, opts = self.dispatch(q.LineEligibility(actor=who, order_id=order_id, line_id=line_id))
        except errors.DomainError as exc:
            return [f"eligibility failed: {exc.code}"]
        found = {f"{o.type.value}/{o.reason.value}": OptionOut.from_option(o, self.pack).model_dump(mode="json")
                 for o in opts}
        out = []
        for key, want in expect.items():
            if key not in found:
                raise InvalidScenario(f"{where}: {key!r} is not a TYPE/REASON pair")
            if not isinstance(want, dict):
                raise InvalidScenario(f"{where}: {key}: expected a mapping such as {{allowed: true}}")
            out += [f"{key} {m}" for m in diff(want, found[key])]
        return out
