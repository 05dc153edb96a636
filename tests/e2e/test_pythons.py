"""The project runs on Python 3.11, 3.12 and 3.13, and says so everywhere a newcomer meets it."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).parents[2]
FIND = str(ROOT / "tools" / "find-python")


def test_the_package_admits_3_11_to_3_13() -> None:
    wanted = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    assert [v for v in ("3.10", "3.11", "3.12", "3.13", "3.14") if wanted.contains(f"{v}.0")] == [
        "3.11", "3.12", "3.13"]


def _python(version: str) -> str | None:
    found = subprocess.run([FIND, version], capture_output=True, text=True, check=False)
    return found.stdout.strip() or None


@pytest.mark.parametrize(("version", "accepted"), [("3.10", False), ("3.11", True), ("3.12", True),
                                                    ("3.13", True)])
def test_the_makefile_takes_a_supported_python_and_refuses_another(version: str, accepted: bool) -> None:
    python = _python(version)
    if python is None:
        pytest.skip(f"!!! Python {version} is not installed here: its check did not run !!!")
    check = subprocess.run([FIND, "--check", python], capture_output=True, text=True, check=False)
    assert (check.returncode == 0) is accepted, check.stderr
    if not accepted:
        assert "3.11 to 3.13" in check.stderr


def test_the_makefile_takes_the_newest_it_finds() -> None:
    newest = next((v for v in ("3.13", "3.12", "3.11") if _python(v)), None)
    assert newest is not None
    found = subprocess.run([FIND], capture_output=True, text=True, check=True).stdout.strip()
    version = subprocess.run([found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version == newest
