"""Which files are accepted as evidence: sniffed from their bytes, never from their name."""

from __future__ import annotations

import pytest

from aftersales.domain import errors
from aftersales.domain.evidence import KINDS, MAX_BYTES, check_file, sniff
from aftersales.domain.policy import Pack

PNG = bytes.fromhex("89504e470d0a1a0a") + b"\x00" * 8


@pytest.mark.parametrize(("data", "ctype"), [
    (PNG, "image/png"), (b"\xff\xd8\xff\xe0", "image/jpeg"), (b"GIF89a..", "image/gif"),
    (b"%PDF-1.7", "application/pdf"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"), ("卖家说…".encode(), "text/plain"),
    (b"MZ\x90\x00", None), (b"text with a \x00 NUL", None),
])
def test_the_bytes_say_what_a_file_is(data: bytes, ctype: str | None) -> None:
    assert sniff(data) == ctype


@pytest.mark.parametrize(("kind", "content", "filename", "field"), [
    ("Photo!", PNG, "a.png", "kind"), ("photo", b"", "a.png", "file"), ("photo", PNG, "a\x00.png", "file"),
    ("photo", PNG, "x" * 256, "file"), ("photo", b"MZ\x90\x00", "a.jpg", "file"),
    ("photo", PNG + b"\x00" * MAX_BYTES, "a.png", "file"),
])
def test_an_unacceptable_upload_names_its_field(kind: str, content: bytes, filename: str, field: str) -> None:
    with pytest.raises(errors.ValidationFailed) as refused:
        check_file(kind, content, filename)
    assert refused.value.extra["field"] == field


def test_a_kind_the_product_does_not_know_is_refused_with_the_list() -> None:
    # Issue 13 point 10: `kind=nonsense` was kept; a rule's `any_of` could never be met by it.
    with pytest.raises(errors.ValidationFailed) as refused:
        check_file("nonsense", PNG, None)
    assert refused.value.extra["allowed"] == list(KINDS)
    assert "comparison_photo" in refused.value.en and "comparison_photo" in refused.value.zh


def test_comparison_photos_are_pictures() -> None:
    with pytest.raises(errors.BadFile):
        check_file("comparison_photo", "纯文字".encode(), None)
    assert check_file("comparison_photo", PNG, "a.png") == "image/png"


def test_every_kind_a_rule_asks_for_is_one_a_party_can_name(pack: Pack) -> None:
    assert pack.evidence_rules
    for rule in pack.evidence_rules:
        assert set(rule.any_of) <= set(KINDS), rule.id


def test_a_counterfeit_claim_takes_the_seeds_first_kind_of_evidence(pack: Pack) -> None:
    # Issue 13 point 2: the seed lists 真假对比图 first; the pack had left it out.
    rule = next(r for r in pack.evidence_rules if r.id == "counterfeit_claim")
    assert rule.any_of[0] == "comparison_photo" and "真假对比图" in rule.source and "真假对比图" in rule.text.zh


@pytest.mark.parametrize(("kind", "content", "filename", "reason"), [
    ("chat_log", "纯文字".encode(), "note.png", "type_mismatch"),
    ("photo", PNG, "photo.jpg", "type_mismatch"),
    ("photo", b"%PDF-1.7 ...", "scan.pdf", "not_an_image"),
    ("photo", "纯文字".encode(), None, "not_an_image"),
])
def test_a_name_or_a_kind_that_contradicts_the_bytes_is_refused(kind: str, content: bytes, filename: str | None,
                                                                 reason: str) -> None:
    with pytest.raises(errors.BadFile) as refused:
        check_file(kind, content, filename)
    assert refused.value.extra["reason"] == reason


@pytest.mark.parametrize("filename", ["../a.png", "dir/a.png", "c:\\\\x\\\\a.png", "..", " . "])
def test_a_file_name_is_a_name_without_folders(filename: str) -> None:
    with pytest.raises(errors.ValidationFailed):
        check_file("photo", PNG, filename)


def test_an_unknown_extension_says_nothing_and_the_bytes_decide() -> None:
    assert check_file("other", PNG, "scan.heic.bak") == "image/png"


@pytest.mark.parametrize(("content", "filename"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "picture.txt"),
    ("\ufeff  <!DOCTYPE html><html><body>订单</body></html>".encode(), None),
    (b'<?xml version="1.0"?><a/>', "data"),
    (b"<HTML><script>x()</script>", "page.TXT"),
    ("纯文字".encode(), "page.html"),
    ("纯文字".encode(), "run.js"),
])
def test_files_a_browser_would_run_or_render_are_refused(content: bytes, filename: str | None) -> None:
    with pytest.raises(errors.BadFile) as refused:
        check_file("other", content, filename)
    assert refused.value.extra["reason"] == "active_content"
    assert "SVG" in refused.value.zh and "SVG" in refused.value.en


def test_text_that_mentions_markup_is_still_text() -> None:
    assert check_file("chat_log", "<3 谢谢!客服说 <script> 不能发".encode(), "chat.txt") == "text/plain"
    assert check_file("chat_log", "客服:<html> 标签是什么?".encode(), None) == "text/plain"


@pytest.mark.parametrize("filename", ["a%0D%0AX-Evil: 1.png", "a%0aX.png", '"a', "tab%09.png", "del%7F.png"])
def test_a_file_name_with_a_control_character_however_encoded_is_refused(filename: str) -> None:
    with pytest.raises(errors.ValidationFailed) as refused:
        check_file("photo", PNG, filename)
    assert refused.value.extra["field"] == "file"


def test_a_percent_sign_in_a_name_is_kept() -> None:
    assert check_file("photo", PNG, "折扣 50%.png") == "image/png"
