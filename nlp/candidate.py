"""A figure candidate in token coordinates, as `figures` and `implied` build it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .numbers import NumberMatch
from .tokens import Token

_YEAR_RANGES = ((1300, 1450), (1950, 2050))


@dataclass(slots=True)
class Candidate:
    """A figure in token coordinates; `unit_last` is the last token of the surface."""

    number: NumberMatch
    value: Decimal
    unit: str | None
    kind: str | None
    unit_first: int | None = None
    unit_last: int | None = None
    unit_source: str = "written"  # written, range, elided, label, population, restated
    sign_first: int | None = None  # a unit sign written before the number: ٪۳۰

    @property
    def first(self) -> int:
        return self.number.first

    @property
    def span_first(self) -> int:
        """The first token of the surface (the sign, when it leads)."""
        return self.sign_first if self.sign_first is not None else self.number.first

    @property
    def last(self) -> int:
        return self.unit_last if self.unit_last is not None else self.number.last


def is_year_like(number: NumberMatch, tokens: list[Token]) -> bool:
    token = tokens[number.first]
    if number.first != number.last or not token.is_num or not token.text.isdigit():
        return False
    value = int(token.text)
    return len(token.text) == 4 and any(lo <= value <= hi for lo, hi in _YEAR_RANGES)
