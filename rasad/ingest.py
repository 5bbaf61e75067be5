"""Text in, a storable `Article` out: the one path the crawler and `rasad ingest` share.

Figures are extracted from the title, lead and body as one text (their offsets point into
`Article.text`); the article's place is the one its source covers when the source says,
else the place its figures name most; fingerprints let the store join copies of one story.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, time

from rasad.index.models import Article
from rasad.index.stories import fingerprints
from rasad.nlp.dates import TEHRAN
from rasad.nlp.extract import Extractor
from rasad.nlp.figure import Figure

# a day with no time of its own is stored at this hour, Tehran time
DATE_ONLY_HOUR = time(8)


class ExtractionFailed(Exception):
    """The extractor failed on an article's text (a defect of ours, not of the page): the
    article is still kept, without figures, and the failure is counted and said."""

    def __init__(self, article: Article, reason: str) -> None:
        super().__init__(article, reason)
        self.article, self.reason = article, reason

    def __str__(self) -> str:
        return f"figures of {self.article.url} could not be extracted ({self.reason})"


def with_figures(
    article: Article, extractor: Extractor, date_from_text: bool = False, prints: bool = True
) -> Article:
    """The article with its figures, place and fingerprints.

    `date_from_text`: an undated article takes the first full date its text gives (files
    ingested by hand); a crawled page's date comes from the page or stays unknown.
    `prints`: False leaves the fingerprints to whoever looks the story up (a crawl's worker
    leaves them to the crawl's process, which has the CPU to spare).
    Raises `ExtractionFailed`, carrying the article without figures, when extraction fails.
    """
    day = article.published.astimezone(TEHRAN).date() if article.published else None
    try:
        result = extractor.extract(article.text, day)
    except Exception as exc:
        kept = replace(
            article,
            figures=[],
            fingerprints=fingerprints(article.body) if prints else article.fingerprints,
        )
        raise ExtractionFailed(kept, f"{type(exc).__name__}: {exc}") from exc
    published = article.published
    if published is None and date_from_text and result.published:
        published = datetime.combine(result.published, DATE_ONLY_HOUR, TEHRAN)
    return replace(
        article,
        figures=result.figures,
        city=article.city or main_place(result.figures),
        fingerprints=fingerprints(article.body) if prints else article.fingerprints,
        published=published,
    )


def main_place(figures: list[Figure]) -> str | None:
    """The place an article's figures are about most often."""
    places = Counter(f.location for f in figures if f.location)
    return places.most_common(1)[0][0] if places else None
