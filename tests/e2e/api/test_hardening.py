"""What a client cannot break: bad input is a 422 naming the field on both engines (never a 500),
bodies have a size limit checked before anything else, every answer is marked not to be sniffed
and, when it carried credentials, not to be stored; the docs work offline."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from aftersales.adapters.db.engine import Database
from aftersales.bootstrap import Settings, bootstrap
from aftersales.entrypoints.api.app import create_app
from tests import files
from tests.e2e.api.helpers import assert_problem, count_cases
from tests.e2e.conftest import ORDER, Api

CASE = {"order_id": "o1", "line_id": "l1", "type": "return_refund", "reason": "quality", "amount": "199.00"}


def cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": value}).encode()).decode().rstrip("=")


def names(problem: dict[str, Any], field: str) -> bool:
    """Does the problem say which field is wrong?"""
    locs = [".".join(str(x) for x in e.get("loc", [])) for e in problem.get("errors", [])]
    return problem.get("field") == field or any(field in loc for loc in locs) or field in problem["detail"]


class TestInputThatUsedToBeA500:
    def test_a_question_about_the_year_10000(self, api: Api) -> None:
        r = api.get("/api/v1/orders/o1/lines/l1/eligibility?at=9999-12-31T23:59:59-12:00", "buyer:b1")
        assert names(assert_problem(r, 422, "validation_failed"), "at")

    @pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/cases/{cid}/events", "/api/v1/cases/{cid}/messages",
                                      "/api/v1/interventions"])
    @pytest.mark.parametrize("key", [10**30, -1, 2**31, "7", [1, 2]])
    def test_a_forged_cursor(self, api: Api, path: str, key: Any) -> None:
        cid = api.open(reason="quality").json()["id"]
        r = api.get(f"{path.format(cid=cid)}?cursor={cursor(key)}", "agent:a1")
        assert names(assert_problem(r, 422, "validation_failed"), "cursor")

    @pytest.mark.parametrize("when", ["0001-01-01T00:00:00+08:00", "1900-01-01T00:00:00+08:00",
                                      "9999-12-31T23:59:59+00:00"])
    def test_an_order_paid_outside_the_calendar_we_count_in(self, api: Api, when: str) -> None:
        r = api.post("/api/v1/orders", "integration:oms", {**ORDER, "id": "o9", "paid_at": when})
        assert names(assert_problem(r, 422, "validation_failed"), "paid_at")

    @pytest.mark.parametrize(("field", "value"), [("description", "坏\x00了"), ("description", "\ud800"),
                                                   ("evidence_ids", ["ev\x00"])])
    def test_text_no_engine_stores_alike_in_a_case(self, api: Api, field: str, value: Any) -> None:
        # ASCII JSON: a lone surrogate travels as the escape \\ud800, as a client would send it.
        r = api.client.post("/api/v1/cases", content=json.dumps({**CASE, field: value}).encode(),
                            headers=api.h("buyer:b1", **{"Content-Type": "application/json"}))
        assert names(assert_problem(r, 422, "validation_failed"), field)
        assert count_cases(api) == 0

    def test_a_nul_in_a_message_an_address_or_a_title(self, api: Api) -> None:
        cid = api.open(reason="quality").json()["id"]
        r = api.post(f"/api/v1/cases/{cid}/messages", "buyer:b1", {"text": "在吗\x00"})
        assert names(assert_problem(r, 422, "validation_failed"), "text")
        r = api.post("/api/v1/stores", "integration:oms", {"id": "s2", "return_address": "杭州\x00"})
        assert names(assert_problem(r, 422, "validation_failed"), "return_address")
        line = {**ORDER["lines"][0], "title": "羊毛\x00衫"}
        r = api.post("/api/v1/orders", "integration:oms", {**ORDER, "id": "o9", "lines": [line]})
        assert names(assert_problem(r, 422, "validation_failed"), "title")

    @pytest.mark.parametrize("filename", ["a\x00.png", "长" * 300 + ".png"])
    def test_an_evidence_file_name_no_engine_stores_alike(self, api: Api, filename: str) -> None:
        # Written by hand: a client library would percent-encode the NUL a raw client can send.
        png = bytes.fromhex("89504e470d0a1a0a") + b"\x00" * 32
        body = (b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n'
                b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + filename.encode() +
                b'"\r\nContent-Type: image/png\r\n\r\n' + png + b"\r\n--B--\r\n")
        r = api.client.post("/api/v1/evidence", content=body,
                            headers=api.h("buyer:b1", **{"Content-Type": "multipart/form-data; boundary=B"}))
        assert names(assert_problem(r, 422, "validation_failed"), "file")

    @pytest.mark.parametrize("url", ["/api/v1/cases?store=%00", "/api/v1/cases/cs%00x", "/api/v1/orders/o%001"])
    def test_a_nul_in_the_path_or_the_query(self, api: Api, url: str) -> None:
        assert_problem(api.get(url, "agent:a1"), 422, "validation_failed")


class TestBodies:
    @pytest.mark.parametrize("body", [b"\xff\xfe{", b"[" * 200_000])
    def test_a_body_that_is_not_json_is_a_422(self, api: Api, body: bytes) -> None:
        r = api.client.post("/api/v1/cases", content=body,
                            headers=api.h("buyer:b1", **{"Content-Type": "application/json"}))
        assert_problem(r, 422, "validation_failed")

    def test_a_large_json_body_is_refused_before_anyone_is_asked_who_sent_it(self, api: Api) -> None:
        big = json.dumps({**CASE, "description": "x" * (2 * 1024 * 1024)}).encode()
        r = api.client.post("/api/v1/cases", content=big, headers={"Content-Type": "application/json"})
        assert_problem(r, 413, "payload_too_large")

    def test_an_upload_may_be_larger_than_json_but_not_without_limit(self, api: Api) -> None:
        photo = files.png(1000, 1000, noise=True)
        assert len(photo) > 2 * 1024 * 1024  # over the JSON limit, under the evidence limit
        r = api.client.post("/api/v1/evidence", files={"file": ("a.png", photo, "image/png")},
                            data={"kind": "photo"}, headers=api.h("buyer:b1"))
        assert r.status_code == 201, r.text
        huge = b"\x00" * (12 * 1024 * 1024)
        r = api.client.post("/api/v1/evidence", files={"file": ("a.png", huge, "image/png")},
                            data={"kind": "photo"}, headers=api.h("buyer:b1"))
        assert_problem(r, 413, "payload_too_large")


class TestUploads:
    ELEVEN_MB = b"x" * (11 * 1024 * 1024)

    def test_one_file_over_10_mb_is_a_413_before_anyone_is_asked_who_sent_it(self, api: Api) -> None:
        cid = api.open(reason="quality").json()["id"]
        upload = {"files": {"file": ("big.txt", self.ELEVEN_MB, "text/plain")}, "data": {"kind": "other"}}
        for headers in ({}, api.h("buyer:b1")):  # no token, then the case's own buyer
            r = api.client.post(f"/api/v1/cases/{cid}/evidence", headers=headers, **upload)
            problem = assert_problem(r, 413, "payload_too_large")
            assert "10 MB" in problem["detail"] and "10 MB" in problem["detail_zh"]
        assert api.get(f"/api/v1/cases/{cid}/evidence", "buyer:b1").json()["data"] == []

    def test_several_files_each_under_the_limit_are_one_upload(self, api: Api) -> None:
        cid = api.open(reason="quality").json()["id"]
        photos = [("file", (f"p{i}.png", files.png(1000, 1000, noise=True), "image/png")) for i in range(5)]
        assert sum(len(p[1][1]) for p in photos) > 10 * 1024 * 1024  # more than one file's limit in all
        r = api.client.post(f"/api/v1/cases/{cid}/evidence", files=photos, data={"kind": "photo"},
                            headers=api.h("buyer:b1"))
        assert r.status_code == 201, r.text
        assert len(r.json()["data"]) == 5

    def test_a_line_break_in_a_file_name_is_refused_raw_or_encoded(self, api: Api) -> None:
        png = files.png(10, 10)
        # As a client library sends it (WHATWG's form encoding: CR LF become %0D%0A) …
        r = api.client.post("/api/v1/evidence", files={"file": ("a\r\nX-Evil: 1.png", png, "image/png")},
                            data={"kind": "photo"}, headers=api.h("buyer:b1"))
        assert names(assert_problem(r, 422, "validation_failed"), "file")
        # … and as a raw client can: the line break cuts the header, leaving its quote open.
        body = (b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n'
                b'--B\r\nContent-Disposition: form-data; name="file"; filename="a\r\nX-Evil: 1.png"\r\n'
                b"Content-Type: image/png\r\n\r\n" + png + b"\r\n--B--\r\n")
        r = api.client.post("/api/v1/evidence", content=body,
                            headers=api.h("buyer:b1", **{"Content-Type": "multipart/form-data; boundary=B"}))
        assert names(assert_problem(r, 422, "validation_failed"), "file")

    @pytest.mark.parametrize(("name", "content", "ctype"), [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
        ("page.html", b"<!doctype html><script>alert(1)</script>", "text/html"),
        ("notes.txt", b"<html><body onload=alert(1)>", "text/plain"),
    ])
    def test_svg_and_html_are_refused_as_active_content(self, api: Api, name: str, content: bytes,
                                                        ctype: str) -> None:
        r = api.client.post("/api/v1/evidence", files={"file": (name, content, ctype)}, data={"kind": "other"},
                            headers=api.h("buyer:b1"))
        assert assert_problem(r, 422, "bad_file")["reason"] == "active_content"


class TestTheContractSaysWhatTheServerTakes:
    """A client generated from openapi.json is not surprised: what the patterns admit is accepted
    (but for a zone name the database lacks, which the description names), the rest refused."""

    def test_every_zone_of_the_database_matches_the_documented_pattern(self) -> None:
        from zoneinfo import available_timezones

        from aftersales.entrypoints.api.deps import ZONE_PATTERN

        assert all(re.fullmatch(ZONE_PATTERN, z) for z in available_timezones())

    @pytest.mark.parametrize("tz", ["../../etc/passwd", "x" * 65, "Asia Shanghai", "/UTC"])
    def test_a_zone_outside_the_pattern_is_refused(self, api: Api, tz: str) -> None:
        r = api.client.get("/api/v1/cases", params={"tz": tz}, headers=api.h("buyer:b1"))
        assert_problem(r, 422, "validation_failed")
        assert api.get("/api/v1/cases?tz=Mars/Olympus_Mons", "buyer:b1").status_code == 422  # as documented
        assert api.get("/api/v1/cases?tz=America/Argentina/Buenos_Aires", "buyer:b1").status_code == 200

    @pytest.mark.parametrize("at", ["0.5", "1700000000", "-1", "1e9"])
    def test_a_time_is_iso_8601_never_unix_seconds(self, api: Api, at: str) -> None:
        r = api.get(f"/api/v1/orders/o1/lines/l1/eligibility?at={at}", "buyer:b1")
        assert names(assert_problem(r, 422, "validation_failed"), "at")
        ok = api.get("/api/v1/orders/o1/lines/l1/eligibility?at=2026-03-04T10:00:00%2B08:00", "buyer:b1")
        assert ok.status_code == 200

    def test_a_time_in_a_body_is_not_a_number_either(self, api: Api) -> None:
        r = api.post("/api/v1/orders", "integration:oms", {**ORDER, "id": "o7", "paid_at": 1772330400})
        assert names(assert_problem(r, 422, "validation_failed"), "paid_at")

    def test_the_largest_amount_the_pattern_admits_is_accepted_and_one_more_digit_is_not(self, api: Api) -> None:
        line = {**ORDER["lines"][0], "paid": "9999999999.99"}
        assert api.post("/api/v1/orders", "integration:oms", {**ORDER, "id": "o8", "lines": [line]}).status_code == 201
        line = {**ORDER["lines"][0], "paid": "99999999999.99"}
        r = api.post("/api/v1/orders", "integration:oms", {**ORDER, "id": "o9", "lines": [line]})
        assert names(assert_problem(r, 422, "validation_failed"), "paid")
        from aftersales.domain.money import InvalidAmount, parse_yuan

        pattern = api.client.get("/openapi.json").json()["components"]["schemas"]["LineIn"]["properties"]["paid"][
            "pattern"]
        for text in ("0", "0.5", "199.00", "9999999999.99", "10000000000", "999999999999.99", "01", "1.234", "-1"):
            try:
                parse_yuan(text)
                accepted = True
            except InvalidAmount:
                accepted = False
            assert (re.fullmatch(pattern, text) is not None) == accepted, text

    def test_if_match_is_described_as_it_is_read(self, api: Api) -> None:
        spec = api.client.get("/openapi.json").json()
        params = spec["paths"]["/api/v1/cases/{case_id}/agree"]["post"]["parameters"]
        if_match = next(p for p in params if p["name"] == "If-Match")
        pattern = if_match["schema"]["anyOf"][0]["pattern"]
        for ok in ("*", '"3"', 'W/"3"', "3"):
            assert re.fullmatch(pattern, ok)
        for bad in ("", "yesterday", '"-1"', '"1234567890"'):
            assert not re.fullmatch(pattern, bad)


class TestHeaders:
    def test_every_answer_says_nosniff(self, api: Api) -> None:
        for r in (api.client.get("/healthz"), api.client.get("/nowhere"), api.client.get("/api/v1/cases"),
                  api.get("/api/v1/cases", "buyer:b1")):
            assert r.headers["x-content-type-options"] == "nosniff", r.url

    def test_every_answer_forbids_framing_inline_script_and_cross_site_referrers(self, api: Api) -> None:
        big = b"x" * (2 * 1024 * 1024)
        for r in (api.client.get("/login"), api.client.get("/docs"), api.client.get("/nowhere"),
                  api.get("/api/v1/cases", "buyer:b1"),
                  api.client.post("/api/v1/orders", content=big, headers=api.h("integration:oms"))):
            csp = r.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, r.url
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
            assert r.headers["x-frame-options"] == "DENY" and r.headers["referrer-policy"] == "same-origin"

    def test_the_docs_start_from_a_file_not_an_inline_script(self, api: Api) -> None:
        page = api.client.get("/docs").text
        assert "<script>" not in page and 'src="/static/api/swagger-init.js"' in page
        assert api.client.get("/static/api/swagger-init.js").status_code == 200

    def test_an_answer_to_credentials_is_not_stored_by_caches(self, api: Api) -> None:
        assert api.get("/api/v1/cases", "buyer:b1").headers["cache-control"] == "no-store"
        assert api.get("/api/v1/cases/nope", "buyer:b1").headers["cache-control"] == "no-store"
        assert "no-store" not in api.client.get("/healthz").headers.get("cache-control", "")


def test_the_docs_need_no_network(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        url = f"/static/api/swagger-ui/{asset}"
        assert url in page.text
        served = api.client.get(url)
        assert served.status_code == 200 and len(served.content) > 10_000


def test_another_stores_policy_is_not_found(api: Api) -> None:
    for who in ("seller:s2", "buyer:b1"):
        assert_problem(api.get("/api/v1/stores/s1/policy", who), 404, "not_found")
        assert_problem(api.get("/api/v1/stores/s1", who), 404, "not_found")
    for who in ("seller:s1", "agent:a1", "integration:oms"):
        assert api.get("/api/v1/stores/s1/policy", who).status_code == 200


@pytest.fixture
def live(sqlite_db: Database) -> Iterator[int]:
    """The app behind a real HTTP server (uvicorn in a thread), for what a test client cannot send."""
    app = create_app(bootstrap(Settings(database_url=sqlite_db.url, clock="test"), db=sqlite_db))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def _status(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    return sock.recv(65536).split(b"\r\n", 1)[0]


class TestBodiesOverTheWire:
    HEAD = b"POST /api/v1/cases HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"

    def test_a_declared_50_mb_body_is_refused_before_a_byte_of_it_is_read(self, live: int) -> None:
        with socket.create_connection(("127.0.0.1", live)) as sock:
            sock.sendall(self.HEAD + b"Content-Length: 52428800\r\n\r\n")
            assert b" 413 " in _status(sock)

    def test_a_streamed_body_is_cut_off_at_the_limit_not_read_whole(self, live: int) -> None:
        chunk = b"10000\r\n" + b"x" * 65536 + b"\r\n"
        sent = 0
        with socket.create_connection(("127.0.0.1", live)) as sock:
            sock.sendall(self.HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
            sock.settimeout(2)
            with contextlib.suppress(OSError):  # the server stops reading, or hangs up: both are the point
                while sent < 800 and not select.select([sock], [], [], 0)[0]:
                    sock.sendall(chunk)
                    sent += 1
            assert b" 413 " in _status(sock)
        assert sent < 200, f"{sent} chunks of 64 KiB were taken for a body refused at 1 MiB"
