"""Real files for the tests of evidence: images made with Pillow, and the bad files of issue 8
(a text file named .png, a truncated JPEG, a decompression bomb, a PDF that is not one)."""

from __future__ import annotations

import io

from PIL import Image


def png(width: int = 8, height: int = 8, noise: bool = False, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    im = Image.effect_noise((width, height), 64).convert("RGB") if noise else Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    im.save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps(width: int = 32, height: int = 24) -> bytes:
    """A JPEG whose EXIF says where it was taken (GPS) and with which camera."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 16.0, 12.0), 3: "E", 4: (120.0, 9.0, 36.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    whole = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(whole, format="JPEG", quality=95)
    data = whole.getvalue()
    return data[: len(data) // 2]


def bomb_png() -> bytes:
    """A small PNG that claims 20,000 × 20,000 pixels: 400 megapixels to unpack."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG")
    return out.getvalue()


def pdf() -> bytes:
    body = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    body += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    body += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return body
