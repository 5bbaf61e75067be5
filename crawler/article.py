"""Turning one article page into the fields Rasad stores.

Configured CSS selectors come first; where they find no title or no body, the general
extractor (`main_text`) reads the page's structure, and trafilatura's main-text extraction
is the last resort (from its `raw_text`: its cleaned `text` drops ZWNJ).
Publication times are read as the site writes them (ISO, Jalali numeric or written) and
stored in UTC, Asia/Tehran being the zone of times written without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from parsel import Selector

from rasad.errors import InvalidInput
from rasad.index.models import Article
from rasad.nlp.dates import TEHRAN, clock_time, find_dates, first_full_date
from rasad.nlp.text import ZWNJ, fold

from . import main_text
from .sources import Source

_ZWNJ_MASK = "\u2042"  # ⁂: a visible symbol trafilatura keeps (it drops format chars)
_CREDIT = re.compile(r"منبع\s*[:：]\s*(.+)")


@dataclass
class Parsed:
    """An article read from its page (no figures yet), and how it was read."""

    article: Article
    used_fallback: bool = False  # the selectors missed; trafilatura found title or body


def _first(sel: Selector, css: str | None) -> str:
    if not css:
        return ""
    return " ".join((sel.css(css).get() or "").split())


def _paragraphs(sel: Selector, css: str | None) -> str:
    if not css:
        return ""
    paragraphs = [" ".join(p.css("::text").getall()).strip() for p in sel.css(css)]
    return "\n".join(" ".join(p.split()) for p in paragraphs if p)


def parse_published(text: str) -> datetime | None:
    """A publication time as sites write it; None when there is no date in it."""
    text = text.strip()
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        stamp = None
    if stamp is not None:
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=TEHRAN)).astimezone(UTC)
    folded = fold(text).folded
    day = first_full_date(find_dates(folded))
    if day is None:
        return None
    try:
        at = clock_time(folded) or time(0)
    except InvalidInput:  # ۲۵:۷۰ beside the date: the day stands, the clock does not
        at = time(0)
    return datetime.combine(day, at, TEHRAN).astimezone(UTC)


def parse_article(html: str, url: str, source: Source) -> Parsed | None:
    """Read an article page; None when it has no title or no text at all."""
    sel = Selector(text=html)
    css = source.selectors
    canonical = sel.css("link[rel=canonical]::attr(href)").get()
    if canonical and canonical.strip().startswith(("http://", "https://")):
        url = canonical.strip()  # the same article reached by several URLs is stored once
    title = _first(sel, css.get("title"))
    body = _paragraphs(sel, css.get("body"))
    lead = _first(sel, css.get("lead"))
    fallback = not title or not body
    general = main_text.extract(html, parse_published) if fallback else None
    if general is not None:
        title, body, lead = title or general.title, body or general.body, lead or general.lead
    elif fallback:
        title, body = _fallback(html, url, title, body)
    if not title or not body:
        return None
    dates = sel.css(css["date"]).getall() if css.get("date") else []
    published = _first_time(dates) or _meta_time(sel)
    if published is None:  # the selector missed it, or there is none: as the page writes it
        published = general.published if general else main_text.page_date(html, parse_published)
    credit = _first(sel, css.get("credit"))
    if not credit:
        found = _CREDIT.search(body)
        credit = found.group(1).strip() if found else ""
    article = Article(
        url=url,
        source=source.name,
        title=title,
        body=body,
        lead=lead,
        published=published,
        author=_first(sel, css.get("author")) or None,
        tags=[t.strip() for t in sel.css(css["tags"]).getall() if t.strip()]
        if css.get("tags")
        else [],
        credited_source=credit.removeprefix("منبع:").strip() or None,
        city=source.city,
    )
    return Parsed(article, fallback)


def _first_time(values: list[str]) -> datetime | None:
    """The first value the date selector found that reads as a time."""
    return next((t for t in map(parse_published, values) if t is not None), None)


def _meta_time(sel: Selector) -> datetime | None:
    stamp = sel.css("meta[property='article:published_time']::attr(content)").get()
    return parse_published(stamp) if stamp else None


def _fallback(html: str, url: str, title: str, body: str) -> tuple[str, str]:
    """trafilatura's main text, where the general extractor finds no body (text outside
    paragraphs and blocks); ZWNJ is masked on the way in, since trafilatura drops it."""
    import trafilatura  # imported on demand: only pages the selectors miss need it

    masked = html.replace(ZWNJ, _ZWNJ_MASK)
    doc = trafilatura.bare_extraction(masked, url=url, with_metadata=True, favor_recall=True)
    if doc is None:
        return title, body
    text = getattr(doc, "raw_text", None) or getattr(doc, "text", None) or ""
    found_title = (getattr(doc, "title", None) or "").replace(_ZWNJ_MASK, ZWNJ)
    return title or found_title, body or text.replace(_ZWNJ_MASK, ZWNJ).strip()
