"""Which messages of the pages are missing from a catalog (used by `make i18n` and the tests).

Prints each missing or empty message per language and exits 1 if there is any."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "src" / "aftersales" / "entrypoints" / "web"
LANGS = ("zh_CN", "en")
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                    "lstrip_blocks": "true"}}


def messages() -> set[str]:
    """Every message the pages' source marks for translation."""
    found = extract_from_dir(str(WEB), METHODS, keywords={"_": None, "N_": None, "gettext": None},
                             options_map=OPTIONS)
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found if m[2]}


def missing(lang: str) -> list[str]:
    with (WEB / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        po = read_po(f)
    have = {str(m.id) for m in po if m.id and m.string and not m.fuzzy}
    return sorted(messages() - have)


def main() -> int:
    bad = 0
    for lang in LANGS:
        for m in missing(lang):
            print(f"{lang}: no translation of {m!r}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
