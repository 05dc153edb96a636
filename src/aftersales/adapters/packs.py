"""Reading policy packs from the files shipped in ``aftersales/policy/``."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.policy import Pack


def available() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("aftersales.policy").iterdir() if p.name.endswith(".toml"))


@cache
def load(name: str) -> Pack:
    """The pack shipped under ``name`` (``taobao`` …); InvalidPolicy when there is none."""
    if name not in available():
        raise InvalidPolicy(f"no policy pack {name!r}; available: {', '.join(available())}")
    text = resources.files("aftersales.policy").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return Pack.from_dict(tomllib.loads(text))


def load_file(path: str | Path) -> Pack:
    with open(path, "rb") as f:
        return Pack.from_dict(tomllib.load(f))
