"""The pages' languages: every message in both catalogs, countdowns and times as people read them."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aftersales.entrypoints.web import i18n

_spec = importlib.util.spec_from_file_location("i18n_check", Path(__file__).parents[3] / "tools" / "i18n-check.py")
assert _spec is not None and _spec.loader is not None
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)

NOW = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_every_message_of_the_pages_is_in_both_catalogs() -> None:
    assert len(check.messages()) > 100
    for lang in check.LANGS:
        assert check.missing(lang) == [], lang


def test_the_check_notices_a_message_nobody_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    found = check.messages() | {"A sentence added to a template yesterday"}
    monkeypatch.setattr(check, "messages", lambda: found)
    assert check.missing("zh_CN") == ["A sentence added to a template yesterday"]


def test_countdowns_read_the_same_in_both_languages() -> None:
    zh, en = i18n.Reader("zh-CN", SHANGHAI), i18n.Reader("en", SHANGHAI)
    due = NOW + timedelta(days=1, hours=3, minutes=20)
    assert zh.left(due, NOW) == "还剩 1 天 3 小时" and en.left(due, NOW) == "1 d 3 h left"
    assert zh.left(NOW + timedelta(minutes=42), NOW) == "还剩 42 分钟"
    assert en.left(NOW - timedelta(hours=2), NOW) == "overdue by 2 h"
    assert zh.left(NOW + timedelta(seconds=30), NOW) == "还剩 不到 1 分钟"


def test_times_are_shown_on_the_viewers_wall_clock_not_utc() -> None:
    assert i18n.Reader("zh-CN", SHANGHAI).when(NOW) == "2026-03-04 09:00"
    assert i18n.Reader("en", ZoneInfo("Europe/Berlin")).when(NOW) == "2026-03-04 02:00"


def test_the_language_is_asked_then_remembered_then_the_browsers() -> None:
    assert i18n.choose(None, None, None) == "zh-CN"
    assert i18n.choose(None, None, "en-GB,en;q=0.8") == "en"
    assert i18n.choose(None, "en", "zh-CN") == "en"
    assert i18n.choose("zh-CN", "en", "en") == "zh-CN"
    assert i18n.choose("fr", None, "de,en;q=0.5") == "en"


def test_every_kind_of_evidence_has_its_words_in_both_languages() -> None:
    from aftersales.domain.evidence import KINDS
    from aftersales.entrypoints.web.labels import EVIDENCE_KIND

    assert set(EVIDENCE_KIND) == set(KINDS)
    zh = i18n.Reader("zh-CN", SHANGHAI)
    assert zh._(EVIDENCE_KIND["comparison_photo"]) == "真假对比图"


@pytest.mark.parametrize(("lang", "text", "plain"), [
    ("zh-CN", "七天无理由退货:自签收次日零时起 7 天内。可申请退货退款至 3月11日。(依据:C1 第二十五条; T4)",
     "七天无理由退货:自签收次日零时起 7 天内。可申请退货退款至 3月11日。"),
    ("zh-CN", "假货维权需提供凭证之一(需提供以下凭证之一:真假对比图、聊天记录;依据:SEED 淘宝售后服务 (疑似假货))",
     "假货维权需提供凭证之一(需提供以下凭证之一:真假对比图、聊天记录)"),
    ("en", "Seller-fault problems: until 15 days after completion (source: SEED; C1 art. 24)",
     "Seller-fault problems: until 15 days after completion"),
    ("en", "no source here", "no source here"),
])
def test_a_person_reads_the_rule_without_its_source_codes(lang: str, text: str, plain: str) -> None:
    from aftersales.domain.model import Text

    assert i18n.Reader(lang, SHANGHAI).plain(Text(text, text)) == plain


def test_statuses_actions_and_events_read_on_the_pages_as_the_domain_words_them() -> None:
    from babel.messages.pofile import read_po

    from aftersales.domain import wording
    from aftersales.domain.model import Status
    from aftersales.entrypoints.web import labels

    zh, en = i18n.catalog("zh-CN"), i18n.catalog("en")
    assert set(wording.STATUS_LABEL) == set(Status)
    for table, words in ((labels.STATUS, wording.STATUS_LABEL), (labels.ACTION, wording.BUTTON),
                         (labels.EVENT, wording.DONE)):
        for key, shown in table.items():
            assert zh.gettext(shown) == words[key].zh and en.gettext(shown) == words[key].en, key
    assert zh.gettext(labels.EVENT["agree"]) == "已同意" and zh.gettext(labels.ACTION["agree"]) == "同意"
    # A template's own message with the same English may not say it otherwise in its catalog.
    folder = Path(i18n.__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    with folder.open("rb") as f:
        po = {str(m.id): str(m.string) for m in read_po(f) if m.id}
    assert {en_: z for en_, z in wording.page_words().items() if en_ in po and po[en_] != z} == {}
