"""Integers written out in Persian words, the way the news writes them (سه هزار و پانصد):
the inverse of `numbers.parse_number`, which the property tests check."""

from __future__ import annotations

from rasad.errors import InvalidInput

from .number_words import ONES, TEENS, TENS

_SMALL_NAMES = {v: k for k, v in {**ONES, **TEENS, **TENS}.items() if k not in {"چار", "شیش"}}
_SMALL_NAMES |= {15: "پانزده", 16: "شانزده", 17: "هفده", 18: "هجده"}
_HUNDRED_NAMES = {
    100: "صد",
    200: "دویست",
    300: "سیصد",
    400: "چهارصد",
    500: "پانصد",
    600: "ششصد",
    700: "هفتصد",
    800: "هشتصد",
    900: "نهصد",
}
_SCALE_NAMES = [(10**9, "میلیارد"), (10**6, "میلیون"), (10**3, "هزار")]


def _below_thousand(n: int) -> list[str]:
    parts = []
    if n >= 100:
        parts.append(_HUNDRED_NAMES[n - n % 100])
        n %= 100
    if n >= 20:
        parts.append(_SMALL_NAMES[n - n % 10])
        n %= 10
    if n:
        parts.append(_SMALL_NAMES[n])
    return parts


def to_words(n: int) -> str:
    """Write a non-negative integer in Persian words (سه هزار و پانصد), the way news does."""
    if n < 0:
        raise InvalidInput("negative numbers are not written by this renderer")
    if n == 0:
        return "صفر"
    parts: list[str] = []
    for scale, name in _SCALE_NAMES:
        if n >= scale:
            head = n // scale
            # above 999 میلیارد the count of میلیارد is itself written out: هزار و پنجاه میلیارد
            parts.append(f"{to_words(head)} {name}")
            n %= scale
    parts.extend(_below_thousand(n))
    return " و ".join(parts)
