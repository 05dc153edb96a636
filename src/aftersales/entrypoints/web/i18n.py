"""Languages and how things read: the two catalogs (zh-CN, the default, and en), which one a
request gets, and times, countdowns and money as a person reads them.

Messages are English in the source and translated in ``locale/<lang>/LC_MESSAGES/messages.po``
(``make i18n`` extracts and updates them; a test fails on a message missing from either).
The catalogs are read from the ``.po`` files when the app starts, so no compiled file is kept.
"""

from __future__ import annotations

import gettext
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po

from aftersales.domain import wording
from aftersales.domain.model import Text
from aftersales.domain.money import format_fen
from aftersales.domain.timecalc import Duration

LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"
_FOLDER = {"zh-CN": "zh_CN", "en": "en"}


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translated where it is shown."""
    return message


class Catalog(gettext.NullTranslations):
    """A catalog read from a .po file; a message it lacks reads as the English source."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        return self._messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


@cache
def catalog(lang: str) -> Catalog:
    path = resources.files("aftersales.entrypoints.web").joinpath("locale", _FOLDER[lang], "LC_MESSAGES",
                                                                  "messages.po")
    with path.open("rb") as f:
        po = read_po(f)
    found = {str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy}
    if lang == "zh-CN":
        found.update(wording.page_words())  # the domain's words for statuses, actions and events
    return Catalog(found)


def choose(query: str | None, cookie: str | None, accept: str | None) -> str:
    """``?lang=`` first, then the remembered choice, then the browser's first language we speak."""
    for asked in (query, cookie):
        found = _match(asked)
        if found:
            return found
    for part in (accept or "").split(","):
        found = _match(part.split(";")[0].strip())
        if found:
            return found
    return DEFAULT_LANG


def _match(tag: str | None) -> str | None:
    if not tag:
        return None
    tag = tag.lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


# Where an explanation's source begins, in either language.
_SOURCE_MARKS = ("(依据:", "(依据:", "(source: ", "; source: ", ";依据:")


class Reader:
    """How one viewer reads things: their language and time zone."""

    def __init__(self, lang: str, zone: ZoneInfo) -> None:
        self.lang = lang
        self.zone = zone
        self.zh = lang == "zh-CN"
        self._ = catalog(lang).gettext

    def text(self, t: Text | None) -> str:
        """A bilingual text of the rules, in the viewer's language."""
        if t is None:
            return ""
        return t.zh if self.zh else t.en

    def label(self, t: Text | None) -> str:
        """A name standing on its own (a heading, an option, a card's title): the pack writes
        its English names in lower case for use inside sentences, so the first letter is raised."""
        text = self.text(t)
        return text if self.zh else text[:1].upper() + text[1:]

    def plain(self, t: Text | None) -> str:
        """A rule's explanation for a person: its words without the source codes the domain
        appends for the API ("(依据:SEED …; C1 第二十四条)"); the rules page keeps them."""
        text = self.text(t)
        cut = min((i for i in (text.rfind(m) for m in _SOURCE_MARKS) if i >= 0), default=-1)
        if cut <= 0:
            return text
        text = text[:cut].rstrip()
        for opening, closing in (("(", ")"), ("(", ")")):  # the source may have shared a bracket
            text += closing * (text.count(opening) - text.count(closing))
        return text

    def said(self, zh: str | None, en: str) -> str:
        """A message the system wrote in both languages (``zh`` None: a person's own words)."""
        return zh if self.zh and zh else en

    def when(self, at: datetime | None) -> str:
        """An instant as the viewer's wall clock shows it (never UTC unless they chose it)."""
        if at is None:
            return ""
        return at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def duration(self, d: Duration) -> str:
        """``48 小时`` / ``48 h``; business days say so (工作日), since they skip holidays."""
        zh = {"hours": "小时", "days": "天", "business_days": "个工作日", "years": "年"}
        en = {"hours": "h", "days": "days", "business_days": "business days", "years": "years"}
        return f"{d.amount} {(zh if self.zh else en)[d.unit.value]}"

    def money(self, fen: int | None) -> str:
        return "" if fen is None else f"¥{format_fen(fen)}"

    def left(self, deadline: datetime | None, now: datetime) -> str:
        """``还剩 1 天 3 小时`` / ``1 d 3 h left``; ``已超时 …`` / ``overdue by …`` once past.
        The page's script counts the same way, so the text reads right with or without it."""
        if deadline is None:
            return ""
        delta = deadline - now
        span = _span(abs(delta), self.zh)
        if delta.total_seconds() >= 0:
            return f"还剩 {span}" if self.zh else f"{span} left"
        return f"已超时 {span}" if self.zh else f"overdue by {span}"


def _span(d: timedelta, zh: bool) -> str:
    minutes = int(d.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if zh:
        parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "",
                 f"{mins} 分钟" if not days and mins else ""]
        return " ".join(p for p in parts if p) or "不到 1 分钟"
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} min" if not days and mins else ""]
    return " ".join(p for p in parts if p) or "under a minute"
