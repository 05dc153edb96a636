"""Decoding uploads: images whole and re-encoded without metadata, PDFs by their structure."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from aftersales.adapters.files import PillowInspector
from aftersales.domain import errors
from tests import files

inspect = PillowInspector().inspect


def test_an_image_is_re_encoded_without_its_exif() -> None:
    kept = inspect(files.jpeg_with_gps(), "image/jpeg")
    assert not Image.open(io.BytesIO(kept)).getexif() and b"PhoneMaker" not in kept


def test_bytes_hidden_after_the_picture_are_not_kept() -> None:
    smuggled = files.png() + b"<?php system($_GET['c']); ?>"
    assert b"php" not in inspect(smuggled, "image/png")


@pytest.mark.parametrize(("data", "ctype", "reason"), [
    (files.truncated_jpeg(), "image/jpeg", "corrupt"),
    (files.bomb_png(), "image/png", "too_many_pixels"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png", "corrupt"),
    (b"%PDF-1.4\nno trailer", "application/pdf", "not_pdf"),
    (files.pdf().replace(b"startxref\n", b"startxref\n9"), "application/pdf", "not_pdf"),
])
def test_what_cannot_be_decoded_safely_is_refused(data: bytes, ctype: str, reason: str) -> None:
    with pytest.raises(errors.BadFile) as refused:
        inspect(data, ctype)
    assert refused.value.extra["reason"] == reason


def test_webp_gif_pdf_and_text_pass() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="WEBP")
    assert Image.open(io.BytesIO(inspect(out.getvalue(), "image/webp"))).format == "WEBP"
    gif = io.BytesIO()
    Image.new("P", (4, 4)).save(gif, format="GIF")
    assert inspect(gif.getvalue(), "image/gif") == gif.getvalue()
    assert inspect(files.pdf(), "application/pdf") == files.pdf()
    assert inspect("文字".encode(), "text/plain") == "文字".encode()
