"""Coverage at a glance: how a search's matches spread over time, outlets and stories.

Communications staff ask "how is coverage moving" (a histogram of matches by Jalali day,
Saturday week or month, empty buckets included so a quiet week shows as a gap), "who
writes about us" (the outlets with most matches) and "who ran our press release, and
when" (each story among the matches with every outlet's first copy and its delay after
the first).  Backends count in their engine (days in Tehran, groups by field); what is
calendar or story logic is here, once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .models import Interval
from .series import bucket_start


@dataclass(frozen=True)
class Copy:
    """One outlet's copy of a story."""

    article_id: str
    url: str
    source: str
    title: str
    published: datetime | None
    delay: timedelta | None  # after the story's first dated copy; None when undated


@dataclass
class StoryRun:
    """A story among the matches: its copies, first publication first."""

    story_id: str
    title: str  # the first copy's headline
    matching: int  # how many of its copies match the search
    copies: list[Copy]

    @property
    def outlets(self) -> list[Copy]:
        """Each outlet's first copy, in the order the outlets ran the story."""
        seen: set[str] = set()
        out = []
        for copy in self.copies:
            if copy.source not in seen:
                seen.add(copy.source)
                out.append(copy)
        return out


@dataclass
class Coverage:
    interval: Interval
    total: int  # every match, dated or not
    undated: int
    buckets: list[tuple[date, int]]  # bucket start (Tehran day) → matches, gaps as zeros
    outlets: list[tuple[str, int]]  # sources with most matches
    stories: list[StoryRun] = field(default_factory=list)


def histogram(days: dict[date, int], interval: Interval) -> list[tuple[date, int]]:
    """Matches per bucket from the first to the last bucket with any, empty ones as 0."""
    counts: Counter[date] = Counter()
    for day, n in days.items():
        counts[bucket_start(day, interval)] += n
    if not counts:
        return []
    out, start, last = [], min(counts), max(counts)
    while start <= last:
        out.append((start, counts[start]))
        start = _next_bucket(start, interval)
    return out


def _next_bucket(start: date, interval: Interval) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    # a Jalali month has at most 31 days: 31 days on from its first is in the next one
    return bucket_start(start + timedelta(days=31), "month")


def timeline(story_id: str, copies: list[Copy], matching: int = 0) -> StoryRun:
    """The story's copies oldest first (undated last), each with its delay after the first."""
    dated = sorted((c for c in copies if c.published), key=lambda c: (c.published, c.source))
    undated = sorted((c for c in copies if not c.published), key=lambda c: c.source)
    first = dated[0].published if dated else None
    ordered = [
        Copy(
            c.article_id,
            c.url,
            c.source,
            c.title,
            c.published,
            c.published - first if c.published and first else None,
        )
        for c in dated + undated
    ]
    title = ordered[0].title if ordered else ""
    return StoryRun(story_id, title, matching, ordered)
