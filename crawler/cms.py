"""What the content-management systems of Persian news sites have in common.

Iranian outlets run on a handful of CMSs, and every site on one CMS has the same markup:
Hamshahri Online on Nastooh, Shahraranews on Iran Samaneh, municipal portals on Saman or
DotNetNuke.  A profile is what a sources entry would otherwise repeat for each site of a
CMS (article links, the "next page" link, the URL of an article, selectors); an entry names
its profile with `cms:` and overrides what differs.  `rasad sources add` tries the profiles
on a new site's pages (`detect`).

The Nastooh and Iran Samaneh profiles follow public evidence of those CMSs' pages (see
crawler/sources.yaml); the Saman and DotNetNuke ones follow older, thinner evidence and are
marked `unverified`: where their selectors miss, the general extractor reads the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsel import Selector


@dataclass(frozen=True)
class Profile:
    name: str
    links: str  # article links on a listing page
    next_page: str  # the link to the following listing page
    article_pattern: str  # the URL of an article (path, maybe running into the query)
    selectors: dict[str, str] = field(default_factory=dict)
    generator: str = ""  # what `<meta name="generator">` says on its sites
    markers: tuple[str, ...] = ()  # CSS that finds something on its article pages only
    unverified: bool = False  # built from thin evidence

    def recognizes(self, page: Selector) -> bool:
        """Whether a page looks made by this CMS: its generator, or all its markers."""
        generator = " ".join(page.css("meta[name=generator]::attr(content)").getall()).lower()
        if self.generator and self.generator in generator:
            return True
        return bool(self.markers) and all(page.css(m) for m in self.markers)


PROFILES: dict[str, Profile] = {
    "nastooh": Profile(
        name="nastooh",
        links="li.news h3 a::attr(href)",
        # its paging links say rel="noindex next": a word of the rel list, not the whole
        next_page="a[rel~=next]::attr(href)",
        article_pattern=r"/news/\d+/[^/?#]+",  # chrome pages are /news/<id>/ with no slug
        selectors={
            "title": "h1.title::text",
            "lead": ".introtext::text",
            "body": ".item-body .item-text > *",
            # the meta is UTC with a Z; the visible date is Jalali, written with its month
            "date": "meta[itemprop=datePublished]::attr(content), .item-date > span::text",
            "tags": "section.box.tags a[rel~=tag]::text",
        },
        generator="nastooh",
        markers=(".item-body .item-text", "h1.title"),
    ),
    "iran_samaneh": Profile(
        name="iran_samaneh",
        links="a[href*='/fa/news/']::attr(href)",
        next_page="a[rel~=next]::attr(href)",
        article_pattern=r"^/fa/news/\d+",  # not /fa/amp/news/<id>, the AMP copy
        selectors={
            "title": ".news-content .title::text, .news-main .title::text",
            "lead": ".news-content .subtitle::text, .news-main .subtitle::text",
            "body": ".news-content .body > *, .news-main .body > *",
            # the second item of the tools list, beside the «کد خبر» item
            "date": "ul.up-news-tools li:nth-child(2) span::text",
            "tags": ".tags_container a::text",
        },
        markers=("ul.up-news-tools", ".news-content .body, .news-main .body"),
    ),
    "saman": Profile(
        name="saman",
        links="a[href*='cnt_id=']::attr(href), a[href*='/news/']::attr(href)",
        next_page="a.next::attr(href), a[rel~=next]::attr(href)",
        article_pattern=r"/news/\d+-[^/]*\.html|/index\.php\?(?:[^#]*&)?cnt_id=\d+",
        selectors={
            "title": ".news-title::text, h1::text",
            "lead": ".news-lead::text",
            "body": ".news-body > *",
            "date": ".news-date::text",
        },
        generator="saman",
        markers=(".news-body", ".news-date"),
        unverified=True,
    ),
    "dotnetnuke": Profile(
        name="dotnetnuke",
        links="a[href*='ArticleID=']::attr(href), a[href*='articleid/']::attr(href)",
        next_page="a[rel~=next]::attr(href), a.next::attr(href)",
        article_pattern=r"(?i)/default\.aspx\?(?:[^#]*&)?tabid=\d+&(?:[^#]*&)?articleid=\d+",
        selectors={
            "title": ".ArticleTitle::text, h1::text",
            "lead": ".ArticleSummary::text",
            "body": ".ArticleBody > *",
            "date": ".ArticleDate::text",
        },
        generator="dotnetnuke",
        markers=(".ArticleBody",),
        unverified=True,
    ),
}


def detect(*pages: Selector) -> Profile | None:
    """The profile whose CMS made one of these pages, if one did."""
    return next((p for p in PROFILES.values() if any(p.recognizes(pg) for pg in pages)), None)
