"""Field types of the wire: text without NUL, money as strings, times bounded and with offsets.

Whatever one engine would refuse is refused here for both (PostgreSQL cannot store a
NUL character; neither engine can store a lone surrogate; Python cannot count days past
the year 9999), with a 422 naming the field instead of a 500.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Annotated, Any, overload
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from aftersales.domain.model import Actor
from aftersales.domain.money import format_fen, parse_yuan
from aftersales.services.case_doc import local

# Times a request may name: orders, clocks, questions. Past the upper bound, deadlines
# counted in years would leave the calendar; before the lower, zones had no standard offsets.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def clean_text(value: str) -> str:
    """Refuse what no engine stores alike: NUL, and code points that are not Unicode scalars."""
    if "\x00" in value:
        raise ValueError("text must not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from exc
    return value


def clean_json(value: Any, where: str = "") -> Any:
    """``clean_text`` over every string of a free-form JSON value, keys included."""
    if isinstance(value, str):
        try:
            return clean_text(value)
        except ValueError as exc:
            raise ValueError(f"{where or 'value'}: {exc}") from exc
    if isinstance(value, dict):
        return {clean_json(k, where): clean_json(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def in_range(value: datetime) -> datetime:
    try:
        inside = EARLIEST <= value < LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise ValueError("must be between 1970-01-01 and 2999-12-31")
    return value


def _valid_money(text: str) -> str:
    parse_yuan(text)  # InvalidAmount is a ValueError: pydantic reports it as a validation error
    return text


Str = Annotated[str, AfterValidator(clean_text)]
MONEY_PATTERN = r"^(0|[1-9]\d{0,9})(\.\d{1,2})?$"  # money._AMOUNT; at most MAX_FEN
Money = Annotated[
    str,
    Field(pattern=MONEY_PATTERN, examples=["199.00"], description="yuan, two decimals"),
    AfterValidator(_valid_money),
]
# Money in an answer: written by format_fen, so its shape is documented, not checked again.
MoneyOut = Annotated[str, Field(pattern=MONEY_PATTERN, examples=["199.00"], description="yuan, two decimals")]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
ShortText = Annotated[Str, Field(min_length=1, max_length=200)]
LongText = Annotated[Str, Field(max_length=4000)]
EvidenceIds = Annotated[list[Annotated[Str, Field(max_length=40)]], Field(max_length=20)]
def _iso_only(value: Any) -> Any:
    """A time on the wire is ISO 8601 text with its offset: pydantic would also take a number
    (or a numeric string, as in ``?at=0.5``) as Unix seconds, which the contract never says."""
    if isinstance(value, bool | int | float) or (isinstance(value, str) and _NUMERIC.fullmatch(value.strip())):
        raise ValueError("a time is ISO 8601 with its offset, such as 2026-03-04T09:00:00+08:00, not a number")
    return value


_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_only), AfterValidator(in_range)]

# The zone times are shown in: the pack's, unless the client asked for another.
display_zone: ContextVar[ZoneInfo | None] = ContextVar("display_zone", default=None)


@overload
def shown(value: datetime, zone: ZoneInfo) -> datetime: ...


@overload
def shown(value: None, zone: ZoneInfo) -> None: ...


@overload
def shown(value: datetime | None, zone: ZoneInfo) -> datetime | None: ...


def shown(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """The instant in the viewer's zone (``display_zone``, else ``zone``)."""
    if value is None:
        return None
    return local(value, display_zone.get() or zone)


def _iso(value: datetime) -> str:
    return value.isoformat()


# Out: ISO 8601 with the offset it was shown in (``+00:00``, never ``Z``), as the API always wrote.
WireTime = Annotated[
    datetime,
    PlainSerializer(_iso, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def money_text(value: int | None) -> str | None:
    return None if value is None else format_fen(value)


def who(actor: Actor) -> dict[str, str]:
    """The role and party, and the member of the store's team when one signed in to act."""
    said = {"role": actor.role.value, "id": actor.id}
    if actor.staff:
        said["staff"] = actor.staff
    return said


# Words in both languages the product speaks (no docstring: it would become the schema's description).
class Text(BaseModel):
    zh: str
    en: str
