"""Evidence files (凭证): what kinds there are, which files are accepted, and their record."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aftersales.domain import errors
from aftersales.domain.model import Actor, Category, Reason, Text
from aftersales.domain.policy import EvidenceRule
from aftersales.domain.timecalc import BusinessCalendar, add
from aftersales.domain.wording import KIND

# The kinds the product knows (DESIGN 2), each with its words on every page that asks for one;
# any other name is refused, so the rules' ``any_of`` lists can always be met.
KINDS = tuple(KIND)
MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 9  # a submission's files at most (the seed's nine photos a Taobao claim takes)
MAX_FILENAME = 255

# Sniffed from the first bytes, never taken from the client's word alone: a file
# named .jpg that is an executable is refused.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """An uploaded file's record (its bytes are stored apart)."""

    id: str
    case_id: str | None
    kind: str
    sha256: str
    content_type: str
    size: int
    filename: str | None
    uploaded_by: Actor
    created_at: datetime
    thumb_sha256: str | None = None  # a small JPEG of an image, in the blob store


def valid_kind(kind: str) -> bool:
    return kind in KINDS


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


# What a file's name says it is, where the name says anything we know.
_EXTENSIONS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
               "webp": "image/webp", "pdf": "application/pdf", "txt": "text/plain"}
# Names of files a browser would run or render as a document: refused whatever the bytes.
_ACTIVE_EXTENSIONS = frozenset({"svg", "svgz", "html", "htm", "xhtml", "xht", "xml", "js", "mjs", "hta"})
# Text that opens like markup a browser runs (an SVG, an HTML page, an XML document).
_MARKUP = re.compile(r"\A\s*<(?:\?xml|!doctype|svg|html|head|body|script|iframe|object|embed)\b", re.IGNORECASE)
# A control character as browsers and client libraries write it in a multipart file name
# (WHATWG's form encoding sends CR, LF and " as %0D, %0A and %22).
_ENCODED_CONTROL = re.compile(r"%(?:[01][0-9A-Fa-f]|7[Ff])")
# Kinds that are pictures by their nature: a photo that is not an image is not a photo.
IMAGE_KINDS = frozenset({"photo", "comparison_photo"})


def _markup(ctype: str, content: bytes) -> bool:
    head = content[:1024].decode("utf-8", "ignore").lstrip("\ufeff")
    return ctype == "text/plain" and _MARKUP.match(head) is not None


def check_file(kind: str, content: bytes, filename: str | None) -> str:
    """The content type of an acceptable upload; ValidationFailed naming the field, or BadFile
    with its ``reason``, otherwise. The bytes decide the type; a name or a kind that says
    otherwise is refused rather than believed."""
    if not valid_kind(kind):
        raise errors.ValidationFailed(f"kind must be one of {', '.join(KINDS)}",
                                      f"凭证类型无效,须为以下之一:{', '.join(KINDS)}", field="kind",
                                      allowed=list(KINDS))
    if filename is not None and (len(filename) > MAX_FILENAME or not filename.isprintable() or '"' in filename
                                 or _ENCODED_CONTROL.search(filename)):
        # A quote survives only from a header a line break cut short (filename="a<CR><LF>X-…).
        raise errors.ValidationFailed(
            f"the file name must be printable text of at most {MAX_FILENAME} characters",
            f"文件名须为可打印字符,且不超过 {MAX_FILENAME} 个字符", field="file")
    if filename is not None and ("/" in filename or "\\" in filename or filename.strip(". ") == ""):
        raise errors.ValidationFailed("a file name is a name, without folders", "文件名不能包含路径", field="file")
    if not content:
        raise errors.ValidationFailed("the file is empty", "文件为空", field="file")
    if len(content) > MAX_BYTES:
        raise errors.ValidationFailed(
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", "文件超过 10 MB", field="file")
    ctype = sniff(content)
    if ctype is None:
        raise errors.ValidationFailed(
            "only images (PNG, JPEG, GIF, WebP), PDF and UTF-8 text are accepted", "只接受图片、PDF 和文本文件",
            field="file")
    extension = filename.rsplit(".", 1)[-1].lower() if filename and "." in filename else None
    if extension in _ACTIVE_EXTENSIONS or _markup(ctype, content):
        raise errors.BadFile("files a browser would run or show as a page (SVG, HTML, XML, scripts) are not "
                             "accepted: send a picture, a PDF or plain text",
                             "不接受浏览器会执行或作为网页显示的文件(SVG、HTML、XML、脚本),请上传图片、PDF 或纯文本",
                             reason="active_content", field="file")
    named = _EXTENSIONS.get(extension) if extension else None
    if named is not None and named != ctype:
        raise errors.BadFile(f"the file is named as {named} but its bytes are {ctype}",
                             f"文件名表明是 {named},但内容是 {ctype}", reason="type_mismatch", field="file")
    if kind in IMAGE_KINDS and not ctype.startswith("image/"):
        raise errors.BadFile(f"a {kind} must be an image (PNG, JPEG, GIF or WebP), not {ctype}",
                             "照片须为图片(PNG、JPEG、GIF 或 WebP)", reason="not_an_image", field="file")
    return ctype


def require_for(rules: Sequence[EvidenceRule], action: str, party: str, reason: Reason, category: Category,
                delivered_at: datetime | None, at: datetime, kinds: frozenset[str], zone: ZoneInfo,
                calendar: BusinessCalendar) -> None:
    """Refuse ``action`` by ``party`` on a claim for ``reason`` where a rule of the pack asks for
    evidence of one of its kinds and ``kinds`` (the party's evidence on the case and cited now)
    has none; the refusal says what is missing and why, in both languages."""
    for rule in rules:
        if action not in rule.actions or party != rule.party or reason not in rule.reasons:
            continue
        if rule.categories is not None and category not in rule.categories:
            continue
        if rule.within is not None and (delivered_at is None or at >= add(delivered_at, rule.within, zone,
                                                                           calendar).at):
            continue
        if kinds.isdisjoint(rule.any_of):
            named = [KIND.get(k) or Text(k, k) for k in rule.any_of]
            raise errors.EvidenceRequired(
                f"{rule.text.en} (evidence of one of these kinds: {', '.join(t.en for t in named)}; "
                f"source: {rule.source})", f"{rule.text.zh}(需提供以下凭证之一:{'、'.join(t.zh for t in named)};"
                f"依据:{rule.source})", rule=rule.id, any_of=list(rule.any_of))
