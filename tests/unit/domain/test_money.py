from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.domain.money import MAX_FEN, InvalidAmount, format_fen, parse_yuan


@pytest.mark.parametrize(("text", "fen"), [("199.00", 19900), ("199", 19900), ("0.5", 50), ("0.05", 5), ("0", 0),
                                            ("0.00", 0), ("9999999999.99", MAX_FEN)])
def test_parses_yuan_into_fen(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "1e3", "12.345", "-1.00", "01.00", "1,000.00", "¥1", "nan", " ", "1.",
                                  ".5", "10000000000.00", "999999999999.99"])
def test_refuses_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_yuan(text)


def test_refuses_a_float() -> None:
    with pytest.raises(InvalidAmount):
        parse_yuan(19.9)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_format_and_parse_round_trip(fen: int) -> None:
    text = format_fen(fen)
    assert parse_yuan(text) == fen
    assert text.count(".") == 1 and len(text.split(".")[1]) == 2
