"""Evidence that can be trusted (issue 8, point 2, first part): a file is what its bytes are, an
image is decoded whole before it is kept and kept without its metadata, and every bad upload is
refused with a problem and a code, storing nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text

from tests import files
from tests.e2e.api.helpers import assert_problem
from tests.e2e.conftest import Api


def _rows(api: Api) -> int:
    assert api.system.db is not None
    with api.system.db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM evidence")).scalar_one())


def _upload(api: Api, name: str, data: bytes, ctype: str, kind: str = "photo") -> Any:
    return api.client.post("/api/v1/evidence", files={"file": (name, data, ctype)}, data={"kind": kind},
                           headers=api.h("buyer:b1"))


@pytest.mark.parametrize(("name", "data", "ctype", "kind", "status", "code", "reason"), [
    ("note.png", "只是一段文字".encode(), "image/png", "chat_log", 422, "bad_file", "type_mismatch"),
    ("broken.jpg", files.truncated_jpeg(), "image/jpeg", "photo", 422, "bad_file", "corrupt"),
    ("bomb.png", files.bomb_png(), "image/png", "photo", 422, "bad_file", "too_many_pixels"),
    ("fake.pdf", b"%PDF-1.4 this is not a PDF at all", "application/pdf", "other", 422, "bad_file", "not_pdf"),
    ("invoice.pdf", files.pdf(), "application/pdf", "photo", 422, "bad_file", "not_an_image"),
    ("empty.png", b"", "image/png", "photo", 422, "validation_failed", None),
    ("../../etc/passwd.png", files.png(), "image/png", "photo", 422, "validation_failed", None),
    ("dir\\\\a.png", files.png(), "image/png", "photo", 422, "validation_failed", None),
    ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (11 * 1024 * 1024), "image/png", "photo", 413,
     "payload_too_large", None),
])
def test_a_bad_upload_is_refused_with_a_code_and_nothing_is_stored(
        api: Api, name: str, data: bytes, ctype: str, kind: str, status: int, code: str, reason: str | None) -> None:
    before = _rows(api)
    body = assert_problem(_upload(api, name, data, ctype, kind), status, code)
    if reason is not None:
        assert body["reason"] == reason and body["detail_zh"]
    assert _rows(api) == before


def test_a_photo_is_kept_without_where_and_with_what_it_was_taken(api: Api) -> None:
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the phone wrote its make and the place
    r = _upload(api, "IMG_0001.jpg", original, "image/jpeg")
    assert r.status_code == 201, r.text
    kept = api.get(f"/api/v1/evidence/{r.json()['id']}/content", "buyer:b1").content
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and image.size == (32, 24) and not image.getexif()
    assert b"PhoneMaker" not in kept


def test_a_real_pdf_and_a_text_are_accepted_as_they_are(api: Api) -> None:
    for name, data, kind in (("report.pdf", files.pdf(), "inspection_report"), ("chat.txt", "卖家说……".encode(),
                                                                               "chat_log")):
        r = _upload(api, name, data, "application/octet-stream", kind)
        assert r.status_code == 201, r.text
        assert api.get(f"/api/v1/evidence/{r.json()['id']}/content", "buyer:b1").content == data


@pytest.mark.parametrize("name", ["a\x07b.png", "a\x1b[31mred.png", "line\nbreak.png"])
def test_a_file_name_with_control_characters_is_refused(api: Api, name: str) -> None:
    # Written by hand: a client library would percent-encode what a raw client can send.
    body = (b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n'
            b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + name.encode() +
            b'"\r\nContent-Type: image/png\r\n\r\n' + files.png() + b"\r\n--B--\r\n")
    before = _rows(api)
    r = api.client.post("/api/v1/evidence", content=body,
                        headers=api.h("buyer:b1", **{"Content-Type": "multipart/form-data; boundary=B"}))
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _rows(api) == before
