"""Persian number expressions: words, digits in three scripts, separators, scales."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.nlp.numbers import format_decimal, parse_number
from rasad.nlp.spelled import to_words


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("صفر", "0"),
        ("سه", "3"),
        ("دویست و پنجاه", "250"),
        ("دو هزار و پانصد و سی", "2530"),
        ("یک هزار و ۵۰", "1050"),
        ("یک هزار و 50 میلیارد", "1050000000000"),
        ("هزار میلیارد", "1000000000000"),
        ("۹۹۹ هزار میلیارد", "999000000000000"),
        ("نهصد و نود و نه هزار و نهصد و نود و نه میلیارد", "999999000000000"),
        ("۱۲ هزار", "12000"),
        ("۱.۵ میلیون", "1500000"),
        ("۱٫۵ میلیون", "1500000"),
        ("12/66", "12.66"),
        ("۳۳ میلیون و ۵۶۲ هزار و ۸۰۰", "33562800"),
        ("٣٣ ميليون و ٥٦٢ هزار", "33562000"),  # Arabic-Indic digits, Arabic yeh
        ("۸٬۲۴۴٬۵۳۵", "8244535"),
        ("8,244,535", "8244535"),
        ("۱۲،۵۰۰", "12500"),
        ("1.200.000", "1200000"),
        ("یکصد", "100"),
        ("یک صد و پنجاه", "150"),
        ("یکهزار", "1000"),
        ("نیم", "0.5"),
        ("دو و نیم میلیون", "2500000"),
        ("سه میلیون و نیم", "3500000"),
        ("دوازده و پنج دهم", "12.5"),
        ("سه چهارم", "0.75"),
        ("هفده هزار", "17000"),
        ("هزار و ۸۰۰", "1800"),
        ("2 هزار و 200 میلیارد", "2200000000000"),
        # decimals and fractions in words, negatives, a glued و
        ("هفت و ۳ دهم", "7.3"),
        ("۹۲ و ۶ دهم", "92.6"),
        ("دو ممیز چهار دهم", "2.4"),
        ("دو ممیز پنج", "2.5"),
        ("دو ممیز پنج میلیون", "2500000"),
        ("سه و شصت و دو صدم", "3.62"),
        ("سیصد و دوازده ده هزارم", "0.0312"),
        ("چهل و پنج صدم", "0.45"),
        ("هشتصد و پنجاه و یک هزارم", "0.851"),
        ("۶ دهم", "0.6"),
        ("منفی دو هزار", "-2000"),
        ("-۲۵", "-25"),
        ("دو هزارو 40", "2040"),
        ("یک هزارو ۵۰۰", "1500"),
        ("۳/۲۵۰/۰۰۰", "3250000"),
    ],
)
def test_parse_number(expression: str, expected: str) -> None:
    assert format_decimal(parse_number(expression)) == expected


@pytest.mark.parametrize(
    "bad",
    ["", "سلام", "سه و چهار", "۳ و ۱۴", "میلیون میلیون", "چندین", "منفی", "دو ممیز", "هزار و دهم"],
)
def test_not_a_number(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_number(bad)


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_words_round_trip(n: int) -> None:
    """Any integer written out by our renderer parses back to itself."""
    assert parse_number(to_words(n)) == Decimal(n)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.sampled_from(["هزار", "میلیون", "میلیارد"]))
def test_digits_with_scale(n: int, scale: str) -> None:
    factor = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9}[scale]
    persian = str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert parse_number(f"{persian} {scale}") == n * factor


def test_renderer_examples() -> None:
    assert to_words(2530) == "دو هزار و پانصد و سی"
    assert to_words(1_050_000_000_000) == "یک هزار و پنجاه میلیارد"
