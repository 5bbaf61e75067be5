"""The general extractor: an article's title, lead, body and date from a page whose
selectors are unknown or have stopped matching.

News pages wrap the article in chrome that is itself full of news: a headline ticker,
related-news lists, most-read boxes, comments, breadcrumbs, tags, «کد خبر».  General
main-text extractors keep much of it (their lists look like paragraphs), and the chrome's
figures and dates then pass for the article's.  So this one reads the page's structure
the way its CMS built it:

- **chrome** is what a page's own markup names so (tickers, related lists, comments, tags,
  tools, menus, headers, footers, asides) and what is mostly links;
- the **body** is the element whose own paragraphs hold the most text that is not link
  text, read child by child;
- the **title** is the page's `h1` (else its `og:title`, else its `<title>` without the
  site's name);
- the **date** is the page's own publication meta or `<time>`, else the first date
  written where no link stands beside it: other articles' dates in tickers and lists are
  printed next to their links, the article's own is not.

The text is read from the parsed tree, so ZWNJ and the page's spelling stay as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml import html as lxml_html

from rasad.nlp.dates import find_dates, first_full_date
from rasad.nlp.text import fold

CHROME_WORDS = frozenset(
    "ticker related comment comments breadcrumb breadcrumbs share social tag tags footer "
    "menu nav navbar sidebar side banner ad ads advert advertisement print tools toolbar "
    "rating login search newsletter popular mostviewed header topbar".split()
)
_CHROME_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form")
_BLOCKS = ("p", "div", "h2", "h3", "h4", "h5", "blockquote", "section", "ul", "ol")
_PARAGRAPHS = ("p", "h2", "h3", "h4", "h5", "blockquote")
_LEAD_WORDS = frozenset("lead intro introtext subtitle summary abstract teaser".split())
_SPLIT = re.compile(r"[\s_\-]+")
MIN_BODY = 40  # letters a body needs to count as one
MAX_LINK_SHARE = 0.5  # a block with more of its text in links is a list of links


@dataclass
class MainText:
    title: str
    lead: str
    body: str
    published: datetime | None


def _words(node: lxml_html.HtmlElement) -> set[str]:
    names = f"{node.get('class', '')} {node.get('id', '')}".lower()
    return {w for w in _SPLIT.split(names) if w}


def _text(node: lxml_html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


def _link_share(node: lxml_html.HtmlElement) -> float:
    total = len(_text(node))
    linked = sum(len(_text(a)) for a in node.iter("a"))
    return linked / total if total else 0.0


def is_chrome(node: lxml_html.HtmlElement) -> bool:
    return bool(_words(node) & CHROME_WORDS)


def extract(page: str, parse_date: object = None) -> MainText | None:
    """The article on an HTML page; None when no part of it reads as an article body.
    `parse_date` reads a date as the sites write it (`crawler.article.parse_published`)."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    title = _title(tree)
    published = _date(tree, parse_date) if callable(parse_date) else None
    lead = _lead(tree)
    _drop_chrome(tree)
    container = _body_container(tree)
    if container is None:
        return None
    paragraphs = [p for p in _paragraphs(container) if p not in (title, lead)]
    body = "\n".join(paragraphs)
    if len(body) < MIN_BODY:
        return None
    return MainText(title, lead, body, published)


def _title(tree: lxml_html.HtmlElement) -> str:
    for h1 in tree.iter("h1"):
        if text := _text(h1):
            return text
    og = tree.xpath("//meta[@property='og:title']/@content")
    if og and og[0].strip():
        return " ".join(og[0].split())
    heads = tree.xpath("//title")
    text = _text(heads[0]) if heads else ""
    return re.split(r"\s+[-|–—]\s+", text)[0] if text else ""


def _lead(tree: lxml_html.HtmlElement) -> str:
    for node in tree.iter("p", "div", "h2", "h3"):
        if _words(node) & _LEAD_WORDS and not is_chrome(node) and (text := _text(node)):
            return text
    return ""


def _date(tree: lxml_html.HtmlElement, parse: object) -> datetime | None:
    metas = tree.xpath(
        "//meta[@property='article:published_time' or @itemprop='datePublished' "
        "or @name='pubdate' or @name='publish-date']/@content | //time/@datetime"
    )
    for value in metas:
        if when := parse(value):  # type: ignore[operator]
            return when
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "title"):
            continue
        own = " ".join(t for t in [node.text or "", *(c.tail or "" for c in node)] if t.strip())
        if not own.strip() or not _mentions_date(own):
            continue
        if node.xpath("ancestor-or-self::a") or node.xpath("ancestor-or-self::li[.//a]"):
            continue  # another article's date, printed beside its link
        if when := parse(own):  # type: ignore[operator]
            return when
    return None


def page_date(page: str, parse: object) -> datetime | None:
    """The page's own publication date (see `_date`), for pages whose selectors found the
    text but not the date."""
    try:
        return _date(lxml_html.fromstring(page), parse)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _mentions_date(text: str) -> bool:
    return first_full_date(find_dates(fold(text).folded)) is not None


def _drop_chrome(tree: lxml_html.HtmlElement) -> None:
    doomed = [
        node
        for node in tree.iter()
        if isinstance(node.tag, str)
        and (
            (node.tag in _CHROME_TAGS and not _holds_most_paragraphs(node, tree)) or is_chrome(node)
        )
    ]
    for node in doomed:
        if node.getparent() is not None:
            node.drop_tree()


def _holds_most_paragraphs(node: lxml_html.HtmlElement, tree: lxml_html.HtmlElement) -> bool:
    """A form or header around the whole page (DotNetNuke wraps every page in a form)."""
    inside = len(node.xpath(".//p"))
    return inside > 0 and inside >= 0.8 * len(tree.xpath("//p"))


def _body_container(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    best, best_score = None, 0
    for node in tree.iter(*_BLOCKS, "article", "main", "td"):
        own = [c for c in node if isinstance(c.tag, str) and c.tag in _PARAGRAPHS]
        text = sum(len(_text(c)) for c in own) + len((node.text or "").strip())
        linked = sum(len(_text(a)) for c in own for a in c.iter("a"))
        score = text - 2 * linked
        if score > best_score:
            best, best_score = node, score
    return best if best_score >= MIN_BODY else None


def _paragraphs(container: lxml_html.HtmlElement) -> list[str]:
    out = []
    if (container.text or "").strip():
        out.append(" ".join(container.text.split()))
    for child in container:
        if isinstance(child.tag, str):
            text = _text(child)
            if text and _link_share(child) <= MAX_LINK_SHARE:
                out.append(text)
        if (child.tail or "").strip():
            out.append(" ".join(child.tail.split()))
    return out
