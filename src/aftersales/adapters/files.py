"""What an uploaded file really is, checked by decoding it (Pillow for images; the PDF's own
structure for PDFs), and the bytes that are kept: images re-encoded, which drops their EXIF
(camera, time and GPS position) and anything hidden after the picture."""

from __future__ import annotations

import io
import re
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from aftersales.domain import errors

# A phone's photo is 12 to 50 megapixels; more than this is refused before it is decoded
# (a small file can unpack into gigabytes: a decompression bomb).
MAX_PIXELS = 60_000_000
THUMBNAIL = (320, 320)  # fits a phone's column of evidence and a desk's side by side
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP", "image/gif": "GIF"}
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def _bad(reason: str, en: str, zh: str) -> errors.BadFile:
    return errors.BadFile(en, zh, reason=reason, field="file")


class PillowInspector:
    """The `FileInspector` of production and of the tests alike."""

    def inspect(self, content: bytes, ctype: str) -> bytes:
        if ctype in _FORMATS:
            return _image(content, ctype)
        if ctype == "application/pdf":
            _pdf(content)
        return content

    def thumbnail(self, content: bytes, ctype: str) -> bytes | None:
        if ctype not in _FORMATS:
            return None
        with Image.open(io.BytesIO(content)) as im:  # inspected already: decodes safely
            im.thumbnail(THUMBNAIL)
            out = io.BytesIO()
            im.convert("RGB").save(out, format="JPEG", quality=80)
            return out.getvalue()


def _image(content: bytes, ctype: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[_FORMATS[ctype]]) as im:
                width, height = im.size
                if width * height > MAX_PIXELS:
                    raise _bad("too_many_pixels", f"the image has {width}×{height} pixels, more than is safe "
                               f"to open ({MAX_PIXELS:,})", "图片像素过多,无法安全打开")
                im.load()  # decodes every byte: a truncated or corrupt file fails here
                upright = ImageOps.exif_transpose(im) if ctype == "image/jpeg" else im
                out = io.BytesIO()
                if ctype == "image/gif":
                    return content  # decoded whole above; GIF carries no EXIF, and frames are kept
                fmt = _FORMATS[ctype]
                options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {"optimize": True}
                upright.save(out, format=fmt, **options)  # no exif= or pnginfo=: metadata dropped
                return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bad("too_many_pixels", "the image is too large to open safely", "图片过大,无法安全打开") from exc
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as exc:
        raise _bad("corrupt", f"the image cannot be read whole: {exc}", "图片已损坏或不完整") from exc


def _pdf(content: bytes) -> None:
    """A PDF has a header, a cross-reference table it points to at its end, and ends with %%EOF."""
    tail = content[-2048:]
    found = _STARTXREF.search(tail)
    if not content.startswith(b"%PDF-1.") and not content.startswith(b"%PDF-2."):
        raise _bad("not_pdf", "the file is not a PDF", "文件不是 PDF")
    if found is None or int(found.group(1)) >= len(content):
        raise _bad("not_pdf", "the PDF is incomplete or not a PDF (no cross-reference table at its end)",
                   "PDF 不完整或不是 PDF")
    offset = int(found.group(1))
    if not (content[offset:offset + 4] == b"xref" or re.match(rb"\d+\s+\d+\s+obj", content[offset:offset + 32])):
        raise _bad("not_pdf", "the PDF's cross-reference table is not where it says", "PDF 结构无效")
