"""The shape of the code, held as tests: one path from every face to a use case, a pure domain,
and no module or function too long to read (issue 6)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "aftersales"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules(folder: str) -> list[Path]:
    return sorted(p for p in (SRC / folder).rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, as (line, dotted name), names imported from a package included."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


# What a face may use of the service layer: the requests it builds, the values it gets back,
# the dispatcher, and the case's public rendering (the API answers what an event carries).
# Everything else (handlers, record, ports, deps) is behind the dispatcher.
FACE_MAY_USE = ("aftersales.services.commands", "aftersales.services.queries", "aftersales.services.values",
                "aftersales.services.dispatch", "aftersales.services.case_doc",
                "aftersales.services.webhooks.requests", "aftersales.services.webhooks.values")


def _is_package(name: str) -> bool:
    """A package itself (``from aftersales.services import commands``): what is taken from it is checked."""
    return (SRC.parent / name.replace(".", "/") / "__init__.py").exists()


def _face_violations(path: Path) -> list[str]:
    found = []
    for line, name in _imports(path):
        if name.startswith("aftersales.adapters.db"):
            found.append(f"{line}: imports {name} (the database is the bootstrap's)")
        elif name.startswith("aftersales.services") and not _is_package(name) and not any(
                name == allowed or name.startswith(allowed + ".") for allowed in FACE_MAY_USE):
            found.append(f"{line}: imports {name} (use cases go through the dispatcher)")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("uow", "_uow"):
            found.append(f"{node.lineno}: reaches for a unit of work ({node.attr})")
    return found


@pytest.mark.parametrize("path", _modules("entrypoints"), ids=lambda p: str(p.relative_to(SRC)))
def test_a_face_reaches_use_cases_only_through_the_dispatcher(path: Path) -> None:
    assert _face_violations(path) == []


def test_the_face_check_catches_what_it_is_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from aftersales.adapters.db.repositories.cases import SqlCases\n"
                   "from aftersales.services import cases\n"
                   "from aftersales.services.cases import open_case\n"
                   "def f(system):\n    return system.uow()\n", encoding="utf-8")
    assert sorted({v.split(":")[0] for v in _face_violations(bad)}) == ["1", "2", "3", "5"]


DOMAIN_MAY_IMPORT = ("__future__", "aftersales.domain", "calendar", "collections", "contextlib", "dataclasses",
                     "datetime", "decimal", "enum", "functools", "ipaddress", "itertools", "re", "typing",
                     "urllib.parse", "zoneinfo")


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_the_domain_is_pure(path: Path) -> None:
    """No I/O, no framework, no other layer, no clock: only the standard library's pure parts."""
    bad = [f"{line}: {name}" for line, name in _imports(path)
           if not any(name == ok or name.startswith(ok + ".") for ok in DOMAIN_MAY_IMPORT)]
    assert bad == []
    text = path.read_text(encoding="utf-8")
    assert ".now(" not in text and "time.time" not in text and "today(" not in text


@pytest.mark.parametrize("path", sorted(p for p in SRC.rglob("*.py") if "versions" not in p.parts),
                         ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_or_function_is_too_long_to_read(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = [f"{node.name}: {node.end_lineno - node.lineno + 1} lines"  # type: ignore[operator]
            for node in ast.walk(ast.parse(text)) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]  # type: ignore[operator]
    assert long == []


def test_ports_hold_protocols_only() -> None:
    tree = ast.parse((SRC / "services" / "ports.py").read_text(encoding="utf-8"))
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert classes and all(any(getattr(b, "id", "") == "Protocol" for b in c.bases) for c in classes)
