"""Evidence files (凭证): what kinds there are and which file types are accepted."""

from __future__ import annotations

import re

# The kinds the product knows (DESIGN 2); a marketplace may use its own names too, as long
# as they are short identifiers.
KINDS = ("photo", "chat_log", "waybill", "inspection_report", "authentication", "penalty_decision", "other")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def valid_kind(kind: str) -> bool:
    return bool(_KIND.match(kind))
MAX_BYTES = 10 * 1024 * 1024

# Sniffed from the first bytes, never taken from the client's word alone: a file
# named .jpg that is an executable is refused.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, among those accepted; None otherwise."""
    for magic, ctype in _MAGIC:
        if data.startswith(magic):
            return ctype
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return "text/plain"
