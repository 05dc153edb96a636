"""Scenario files (DESIGN 3.7): reading them, and comparing what they expect with what happened."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml


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


def parse_time(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidScenario(f"{where}: expected an ISO 8601 time with an offset, got {value!r}")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidScenario(f"{where}: {value!r} is not an ISO 8601 time") from exc
    if dt.tzinfo is None:
        raise InvalidScenario(f"{where}: {value!r} needs an offset such as +08:00")
    return dt


def load(path: Path) -> tuple[dict[str, Any], list[int | None]]:
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


def matches(expected: Any, found: Any) -> bool:
    """Times compare as instants, money as decimals, maps key by key."""
    if isinstance(expected, dict):
        return isinstance(found, dict) and all(k in found and matches(v, found[k]) for k, v in expected.items())
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


def diff(expected: dict[str, Any], found: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, want in expected.items():
        have = found.get(key, "<absent>") if isinstance(found, dict) else "<absent>"
        if isinstance(want, dict) and isinstance(have, dict):
            out += diff(want, have, f"{prefix}{key}.")
        elif not matches(want, have):
            out.append(f"{prefix}{key}: expected {want!r}, found {have!r}")
    return out


def short(exc: Exception) -> str:
    """A validation error's first complaint, as ``field: message``."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        e = exc.errors()[0]
        return f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
    return str(exc)
