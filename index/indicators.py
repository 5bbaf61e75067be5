"""Indicators: statistics an analyst tracks under a name of their own.

An indicator is either several metric keys merged (the same statistic phrased so that the
extractor gave it two keys: بارش and بارندگی) or a figure query (words of the sentence,
unit, kind, place, speaker); its series runs over every figure that matches, bucketed and
flagged as a metric's is.  Indicators belong to the user who made them and may be shared,
like saved searches, and live in the store's state collections so `rasad copy` moves them.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from .contract import Store
from .filters import Filter, figure_filters
from .models import FigureQuery, Interval, Series
from .owned import visible_to
from .query import QueryError

INDICATOR = "indicator"
MAX_KEYS = 50


@dataclass
class Indicator:
    name: str
    metrics: list[str] = field(default_factory=list)  # keys merged
    text: str = ""  # or a figure query: words of the sentence, subject, place, speaker
    unit: str = ""
    kind: str = ""
    city: str = ""
    speaker: str = ""
    owner: str = ""
    shared: bool = False
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def filters(self) -> list[Filter]:
        if self.metrics:
            return [Filter("metric", "in", list(self.metrics))]
        query = FigureQuery(
            unit=self.unit or None,
            kind=self.kind or None,
            city=self.city or None,
            speaker=self.speaker or None,
            text=self.text or None,
        )
        return figure_filters(query)


class Indicators:
    """The indicators of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, indicator: Indicator) -> Indicator:
        """Keep an indicator; one that would match everything, or nothing named, is refused."""
        indicator.name = indicator.name.strip()
        indicator.metrics = list(dict.fromkeys(k.strip() for k in indicator.metrics if k.strip()))
        if not indicator.name:
            raise QueryError("an indicator needs a name")
        if len(indicator.metrics) > MAX_KEYS:
            raise QueryError(f"an indicator merges at most {MAX_KEYS} metric keys")
        if not indicator.filters():
            raise QueryError("an indicator needs metric keys or at least one figure filter")
        self.store.put_state(INDICATOR, indicator.id, asdict(indicator))
        return indicator

    def get(self, indicator_id: str) -> Indicator | None:
        doc = self.store.get_state(INDICATOR, indicator_id)
        return Indicator(**doc) if doc else None

    def visible(self, user: str | None) -> list[Indicator]:
        """What `user` sees (None: nobody logged in): its own, the shared, the ownerless."""
        found = (Indicator(**d) for d in self.store.states(INDICATOR))
        return [i for i in found if visible_to(i.owner, i.shared, user)]

    def delete(self, indicator_id: str) -> bool:
        return self.store.delete_state(INDICATOR, indicator_id)

    def series(
        self,
        indicator: Indicator,
        interval: Interval = "month",
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        listed: int | None = None,
    ) -> Series:
        return self.store.series_of(
            indicator.filters(), indicator.name, interval, date_from, date_to, listed
        )
