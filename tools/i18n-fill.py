"""Fill translations into the catalogs: `python tools/i18n-fill.py FILE.json` where the file maps
each English message to its Chinese. English messages are their own translation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parent.parent / "src" / "aftersales" / "entrypoints" / "web" / "locale"


def main() -> int:
    zh = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    for lang in ("zh_CN", "en"):
        path = WEB / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id or (message.string and not message.fuzzy):
                continue
            message.string = str(message.id) if lang == "en" else zh.get(str(message.id), "")
            message.flags.discard("fuzzy")
        with path.open("wb") as f:
            write_po(f, catalog, width=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
