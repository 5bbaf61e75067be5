"""The figure record: one reported figure occurrence, as the extractor makes it and the
store keeps it.

This dataclass is the one place the figure's fields are spelled out.  The store's
flattened rows, the SQLite columns and the Elasticsearch mapping are derived from it
(`rasad.index.schema`), and a test checks the API's `FigureOut` against it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(slots=True)
class Figure:
    """One reported figure occurrence (GUIDELINES.md record plus the brief's fields)."""

    value: int | float
    unit: str
    kind: str
    surface: str
    start: int
    end: int
    subject: str
    qualifier: str
    scope: str | None
    location: str | None
    speaker: str | None
    speaker_role: str | None
    sentence: str
    sentence_start: int
    sentence_end: int
    figure_id: int = 0
    metric: str = ""
    unit_source: str = "written"
    value_rial: int | float | None = None  # money normalized to rial; None for other kinds

    def to_dict(self) -> dict[str, Any]:
        # every field is a plain value: no need for asdict's deep copy (this runs for every
        # figure of every article written)
        return {name: getattr(self, name) for name in FIELD_NAMES}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        """A record read back from a store (keys it does not know, such as a row's
        article fields, are ignored)."""
        return cls(**{k: data[k] for k in FIELD_NAMES if k in data})


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Figure))
