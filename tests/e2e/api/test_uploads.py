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


def _blobs(api: Api) -> int:
    """Files in the evidence folder (the blob store of this system)."""
    store: Any = api.system.dispatch.deps.blobs
    return int(store.count())


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
])  # ten files at once: test_nine_photos_at_once_are_kept_with_thumbnails_and_ten_are_refused_whole
def test_a_bad_upload_is_refused_with_a_code_and_nothing_is_stored(
        api: Api, name: str, data: bytes, ctype: str, kind: str, status: int, code: str, reason: str | None) -> None:
    before, blobs = _rows(api), _blobs(api)
    body = assert_problem(_upload(api, name, data, ctype, kind), status, code)
    if reason is not None:
        assert body["reason"] == reason and body["detail_zh"]
    assert _rows(api) == before and _blobs(api) == blobs


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
    before, blobs = _rows(api), _blobs(api)
    r = api.client.post("/api/v1/evidence", content=body,
                        headers=api.h("buyer:b1", **{"Content-Type": "multipart/form-data; boundary=B"}))
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _rows(api) == before and _blobs(api) == blobs


def _case(api: Api) -> str:
    api.clock("2026-03-04T10:00:00+08:00")
    return str(api.open(type_="return_refund", reason="quality", amount="199.00").json()["id"])


def _photos(n: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("file", (f"p{i}.png", files.png(color=(i * 20, 10, 10)), "image/png")) for i in range(n)]


def test_nine_photos_at_once_are_kept_with_thumbnails_and_ten_are_refused_whole(api: Api) -> None:
    case_id = _case(api)
    path = f"/api/v1/cases/{case_id}/evidence"
    before, blobs = _rows(api), _blobs(api)
    ten = api.client.post(path, files=_photos(10), data={"kind": "photo"}, headers=api.h("buyer:b1"))
    assert assert_problem(ten, 422, "bad_file")["reason"] == "too_many_files"
    one_bad = [*_photos(3), ("file", ("x.jpg", files.truncated_jpeg(), "image/jpeg"))]
    assert_problem(api.client.post(path, files=one_bad, data={"kind": "photo"}, headers=api.h("buyer:b1")), 422,
                   "bad_file")
    big = [("file", ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (11 * 1024 * 1024), "image/png"))]
    assert_problem(api.client.post(path, files=big, data={"kind": "photo"}, headers=api.h("buyer:b1")), 413,
                   "payload_too_large")  # as the README promises, one file over the limit
    assert (_rows(api), _blobs(api)) == (before, blobs)  # all or nothing
    nine = api.client.post(path, files=_photos(9), data={"kind": "photo"}, headers=api.h("buyer:b1"))
    assert nine.status_code == 201, nine.text
    items = nine.json()["data"]
    assert len(items) == 9 and all(i["thumbnail_sha256"] for i in items)
    assert _blobs(api) == blobs + 18  # each photo and its thumbnail, by hash
    thumb = api.get(f"/api/v1/evidence/{items[0]['id']}/thumbnail", "seller:s1")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).format == "JPEG"
    assert_problem(api.get(f"/api/v1/evidence/{items[0]['id']}/thumbnail", "buyer:b2"), 404, "not_found")
    events = api.get(f"/api/v1/cases/{case_id}/events", "buyer:b1").json()["data"]
    assert events[-1]["action"] == "evidence" and len(events[-1]["data"]["evidence_ids"]) == 9


def test_stored_bytes_are_checked_against_their_hash_on_every_read(api: Api) -> None:
    r = _upload(api, "invoice.pdf", files.pdf(), "application/pdf", "other")
    assert r.status_code == 201, r.text
    sha = r.json()["sha256"]
    store: Any = api.system.dispatch.deps.blobs
    path = store.root / sha[:2] / sha[2:4] / sha
    assert path.read_bytes() == files.pdf() and not path.stat().st_mode & 0o222  # kept read-only
    path.chmod(0o644)
    path.write_bytes(files.pdf().replace(b"%%EOF", b"%%EOX"))  # a disk fault, or a hand that edited it
    assert_problem(api.get(f"/api/v1/evidence/{r.json()['id']}/content", "buyer:b1"), 500, "evidence_corrupt")
    path.unlink()
    assert_problem(api.get(f"/api/v1/evidence/{r.json()['id']}/content", "buyer:b1"), 500, "evidence_corrupt")
