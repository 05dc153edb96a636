"""Scenario files (DESIGN 3.7): a story played against a fresh in-memory system.

Each file gets its own in-memory database, a simulated clock and a payment
gateway that settles at once. Before each step the clock moves to the step's
``at`` and the system runs to rest (every due timer fires at its due time, in
due order, until none is due); after the step's action it runs to rest again;
then ``expect`` is checked against the same JSON a client would see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from aftersales.adapters import calendars, packs
from aftersales.adapters.clocks import ManualClock
from aftersales.adapters.db.sql import Database
from aftersales.adapters.payments import InMemoryGateway
from aftersales.domain import case as case_engine
from aftersales.domain import errors
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.model import Actor, Role
from aftersales.domain.store_policy import StorePolicy
from aftersales.entrypoints import schemas as s
from aftersales.services import handlers as svc

ACTIONS = {"open", "update_order", "reopen", *case_engine.PUBLIC_ACTIONS}
_REL = re.compile(r"^\+(\d+)(s|m|h|d)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
# A 1x1 PNG: the placeholder file for `evidence: [KIND]`.
_PLACEHOLDER = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class InvalidScenario(Exception):
    """The file is not a valid scenario (exit code 2)."""


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: times stay text and are parsed with their offsets."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Failure:
    step: int
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"step {self.step}" + (f" (line {self.line})" if self.line else "")
        return f"{where}: {self.message}"


@dataclass
class FileResult:
    path: str
    name: str
    steps: int = 0
    failures: list[Failure] = field(default_factory=list)
    invalid: str | None = None

    @property
    def ok(self) -> bool:
        return self.invalid is None and not self.failures


def _parse_time(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidScenario(f"{where}: expected an ISO 8601 time with an offset, got {value!r}")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidScenario(f"{where}: {value!r} is not an ISO 8601 time") from exc
    if dt.tzinfo is None:
        raise InvalidScenario(f"{where}: {value!r} needs an offset such as +08:00")
    return dt


def _load(path: Path) -> tuple[dict[str, Any], list[int | None]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidScenario(f"cannot read {path}: {exc}") from exc
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise InvalidScenario(f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidScenario("a scenario is a mapping with name, stores, orders and steps")
    lines: list[int | None] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == "steps" and isinstance(v, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in v.value]
    return data, lines


def _matches(expected: Any, found: Any) -> bool:
    """Times compare as instants, money as decimals, maps key by key."""
    if isinstance(expected, dict):
        return isinstance(found, dict) and all(k in found and _matches(v, found[k]) for k, v in expected.items())
    if expected is None or found is None:
        return expected is None and found is None
    if isinstance(expected, bool) or isinstance(found, bool):
        return bool(expected == found)
    if isinstance(expected, str) and isinstance(found, str):
        if "T" in expected and "T" in found:
            try:
                return datetime.fromisoformat(expected) == datetime.fromisoformat(found)
            except ValueError:
                pass
        if re.fullmatch(r"-?\d+(\.\d+)?", expected) and re.fullmatch(r"-?\d+(\.\d+)?", found):
            return Decimal(expected) == Decimal(found)
        return expected == found
    if isinstance(expected, int | float) and isinstance(found, str):
        try:
            return Decimal(str(expected)) == Decimal(found)
        except InvalidOperation:
            return False
    return bool(expected == found)


def _diff(expected: dict[str, Any], found: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, want in expected.items():
        have = found.get(key, "<absent>") if isinstance(found, dict) else "<absent>"
        if isinstance(want, dict) and isinstance(have, dict):
            out += _diff(want, have, f"{prefix}{key}.")
        elif not _matches(want, have):
            out.append(f"{prefix}{key}: expected {want!r}, found {have!r}")
    return out


class Runner:
    """Plays one scenario file."""

    def __init__(self, data: dict[str, Any], lines: list[int | None], path: str) -> None:
        self.data, self.lines, self.path = data, lines, path
        try:
            self.pack = packs.load(str(data.get("policy", "taobao")))
        except InvalidPolicy as exc:
            raise InvalidScenario(str(exc)) from exc
        self.db = Database("sqlite://")
        self.db.create_all()
        self.uow = self.db.uow()
        self.clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
        self.gateway = InMemoryGateway()
        self.n = 0
        raw_years = data.get("calendar") or []
        if isinstance(raw_years, dict):
            raw_years = [raw_years]
        try:
            years = [calendars.YearData.from_mapping(y) for y in raw_years]
            calendar = calendars.for_pack(self.pack.calendar, years)
        except (calendars.InvalidCalendar, AttributeError) as exc:
            raise InvalidScenario(f"calendar: {exc}") from exc
        self.deps = svc.Deps(self.pack, self._next_id, calendar)
        self.cases: dict[str, str] = {}
        self.buyers: set[str] = set()
        self.stores: set[str] = set()
        self.orders: dict[str, dict[str, Any]] = {}
        self.integration = Actor(Role.INTEGRATION, "scenario")

    def _next_id(self) -> str:
        self.n += 1
        return f"case{self.n}"

    def close(self) -> None:
        self.db.dispose()

    def setup(self) -> None:
        for i, raw in enumerate(self.data.get("stores") or []):
            try:
                store = s.StoreIn.model_validate(raw).to_domain()
                svc.upsert_store(self.uow, self.integration, store)
                clauses = raw.get("policy") if isinstance(raw, dict) else None
                if clauses:
                    if isinstance(clauses, dict):
                        clauses = clauses.get("clauses")
                    policy = StorePolicy.from_dict({"store": store.id, "clauses": clauses})
                    svc.set_store_policy(self.uow, self.deps, self.integration, store.id, policy)
            except (ValidationError, errors.DomainError, InvalidPolicy) as exc:
                raise InvalidScenario(f"stores[{i}]: {_short(exc)}") from exc
            self.stores.add(store.id)
        for i, raw in enumerate(self.data.get("orders") or []):
            try:
                order = s.OrderIn.model_validate(raw)
                svc.upsert_order(self.uow, self.integration, order.to_domain())
            except (ValidationError, errors.DomainError) as exc:
                raise InvalidScenario(f"orders[{i}]: {_short(exc)}") from exc
            self.orders[order.id] = dict(raw)
            self.buyers.add(order.buyer)

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
        real = datetime.now(UTC)
        svc.run_to_rest(self.uow, self.deps, self.gateway, self.clock.now(), "scenario", real,
                        real + timedelta(hours=1))

    def view(self, name: str) -> dict[str, Any]:
        case_id = self.cases.get(name)
        if case_id is None:
            raise InvalidScenario(f"no case named {name!r} was opened")
        case = svc.get_case(self.uow, Actor(Role.OPERATOR, "scenario"), case_id)
        return s.case_view(case, self.pack)

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
        at = _parse_time(value, f"{where}: at")
        if prev is not None and at < prev:
            raise InvalidScenario(f"{where}: at {value} is earlier than the previous step")
        return at

    def _step(self, step: dict[str, Any], where: str) -> list[str]:
        unknown = set(step) - {"at", "as", "do", "case", "with", "check", "line", "expect"}
        if unknown:
            raise InvalidScenario(f"{where}: unknown keys {sorted(unknown)}")
        expect = step.get("expect") or {}
        if not isinstance(expect, dict):
            raise InvalidScenario(f"{where}: `expect` must be a mapping")
        if step.get("check") is not None:
            return self._check(step, expect, where)
        action = step.get("do")
        if action is None:
            name = expect.get("case")
            if not expect:
                return []
            if name is None:
                raise InvalidScenario(f"{where}: an expect without an action needs `case:`")
            return _diff({k: v for k, v in expect.items() if k != "case"}, self.view(str(name)))
        if action not in ACTIONS:
            raise InvalidScenario(f"{where}: unknown action {action!r}")
        body = step.get("with") or {}
        if not isinstance(body, dict):
            raise InvalidScenario(f"{where}: `with` must be a mapping")
        actor = self.actor(step.get("as", "operator" if action == "update_order" else None), where)
        name = step.get("case")
        error: str | None = None
        try:
            name = self._do(action, actor, name, dict(body), where)
        except errors.DomainError as exc:
            error = exc.code
        except ValidationError as exc:
            error = f"validation_failed ({_short(exc)})"
        self.rest()
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
        return _diff(fields, self.view(str(target)))

    def _evidence(self, actor: Actor, kinds: Any, where: str) -> list[str]:
        if not isinstance(kinds, list):
            raise InvalidScenario(f"{where}: evidence is a list of kinds")
        out = []
        for kind in kinds:
            self.n += 1
            item = svc.upload_evidence(self.uow, actor, str(kind), _PLACEHOLDER, f"{kind}.png", f"ev{self.n}",
                                       self.clock.now())
            out.append(item.id)
        return out

    def _do(self, action: str, actor: Actor, name: Any, body: dict[str, Any], where: str) -> Any:
        at = self.clock.now()
        if "evidence" in body:
            body["evidence_ids"] = [*body.get("evidence_ids", []), *self._evidence(actor, body.pop("evidence"), where)]
        if action == "update_order":
            oid = body.get("id")
            if oid not in self.orders:
                raise InvalidScenario(f"{where}: update_order needs the `id` of an order of the file")
            merged = {**self.orders[oid], **body}
            order = s.OrderIn.model_validate(merged)
            svc.upsert_order(self.uow, Actor(Role.INTEGRATION, "scenario") if actor.role is Role.OPERATOR else actor,
                             order.to_domain())
            self.orders[oid] = merged
            return name
        if action == "reopen":
            line = body.get("line")
            if not isinstance(line, str) or "/" not in line:
                raise InvalidScenario(f"{where}: reopen needs `line: ORDER/LINE` and `days`")
            order_id, line_id = line.split("/", 1)
            grant = s.ReopenIn.model_validate({k: v for k, v in body.items() if k != "line"})
            svc.reopen_line(self.uow, self.deps, actor, order_id, line_id, grant.days, grant.note, at)
            return name
        if action == "open":
            line = body.pop("line", None)
            if not isinstance(line, str) or "/" not in line:
                raise InvalidScenario(f"{where}: open needs `line: ORDER/LINE`")
            order_id, line_id = line.split("/", 1)
            req = s.CaseOpenIn.model_validate({"order_id": order_id, "line_id": line_id, **body})
            case = svc.open_case(self.uow, self.deps, actor, order_id, line_id, req.type, req.reason,
                                 s.fen(req.amount), at, req.description, tuple(req.evidence_ids))
            if name is not None:
                self.cases[str(name)] = case.id
            return name
        if name is None:
            raise InvalidScenario(f"{where}: {action} needs `case:`")
        case_id = self.cases.get(str(name))
        if case_id is None:
            raise InvalidScenario(f"{where}: no case named {name!r} was opened")
        params = s.ACTION_BODIES[action].model_validate(body).params()  # type: ignore[attr-defined]
        svc.act(self.uow, self.deps, actor, case_id, action, at, params)
        return name

    def _check(self, step: dict[str, Any], expect: dict[str, Any], where: str) -> list[str]:
        if step["check"] != "eligibility":
            raise InvalidScenario(f"{where}: the only check is `eligibility`")
        line = step.get("line")
        if not isinstance(line, str) or "/" not in line:
            raise InvalidScenario(f"{where}: check needs `line: ORDER/LINE`")
        order_id, line_id = line.split("/", 1)
        who = self.actor(step["as"], where) if "as" in step else Actor(Role.OPERATOR, "scenario")
        try:
            opts = svc.line_options(self.uow, self.deps, who, order_id, line_id, self.clock.now())
        except errors.DomainError as exc:
            return [f"eligibility failed: {exc.code}"]
        found = {f"{o.type.value}/{o.reason.value}": s.option_view(o, self.pack) for o in opts}
        out = []
        for key, want in expect.items():
            if key not in found:
                raise InvalidScenario(f"{where}: {key!r} is not a TYPE/REASON pair")
            if not isinstance(want, dict):
                raise InvalidScenario(f"{where}: {key}: expected a mapping such as {{allowed: true}}")
            out += [f"{key} {m}" for m in _diff(want, found[key])]
        return out


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        e = exc.errors()[0]
        return f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
    return str(exc)


def run_file(path: str | Path) -> FileResult:
    p = Path(path)
    result = FileResult(str(p), p.name)
    try:
        data, lines = _load(p)
        result.name = str(data.get("name", p.name))
        runner = Runner(data, lines, str(p))
        try:
            result.failures = runner.run()
            result.steps = len(data.get("steps") or [])
        finally:
            runner.close()
    except InvalidScenario as exc:
        result.invalid = str(exc)
    except errors.DomainError as exc:  # outside a step's action: the file itself is broken
        result.invalid = f"{exc.code}: {exc}"
    return result


def run_files(paths: Iterable[str | Path]) -> tuple[int, list[FileResult]]:
    """Run every file; the exit code is 2 if any was invalid, else 1 if any failed, else 0."""
    results = [run_file(p) for p in paths]
    code = 2 if any(r.invalid for r in results) else (1 if any(r.failures for r in results) else 0)
    return code, results
