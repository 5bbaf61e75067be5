"""`rasad crawl` against a real local HTTP site: items, store contents, faults, increments."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from rasad.crawler.demo_sites import local_copy, write_sources
from rasad.crawler.sources import load_sources
from rasad.index.es_node import free_port
from rasad.index.models import FigureQuery, SearchRequest
from rasad.index.sqlite_store import SQLiteStore
from tests.fixture_site import ARTICLES, LEADS, STYLED_IDS, STYLES, Site, StyledSite, serve


def sources_file(tmp_path: Path, base: str, dead: bool = False) -> Path:
    entry = {
        "name": "shahraranews",
        "city": "مشهد",
        "listing": [f"{base}/fa/news"],
        "rss": [f"{base}/fa/rss/allnews"],
        "article_pattern": r"/fa/news/\d+",
        "links": "a[href*='/fa/news/']::attr(href)",
        "next_page": "a[rel=next]::attr(href)",
        "selectors": {"title": "h1::text", "body": ".body p", "date": ".news-date::text"},
        "allow_private": True,  # the fixture site runs on loopback
    }
    sources = [entry]
    if dead:
        dead_url = f"http://127.0.0.1:{free_port()}/news"
        sources.append({"name": "deadsite", "listing": [dead_url], "allow_private": True})
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), encoding="utf-8")
    return path


def crawl(tmp_path: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "RASAD_STORE": f"sqlite:///{tmp_path / 'store.db'}",
        "RASAD_CRAWL_TIMEOUT": "2",
    }
    return subprocess.run(
        [sys.executable, "-m", "rasad", "crawl", "--sources-file", str(config), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


def test_crawl_fixture_site_into_the_store(tmp_path: Path) -> None:
    site = Site()
    with serve(site) as base:
        config = sources_file(tmp_path, base, dead=True)
        first = crawl(tmp_path, config, "--no-politeness")
        assert first.returncode == 0, first.stderr[-3000:]
        assert "shahraranews:" in first.stdout and "7 new" in first.stdout
        assert "1 duplicate" in first.stdout  # 1008 is 1001 republished
        assert "HTTP 404" in first.stdout  # the dead link
        assert "DownloadCancelledError 1" in first.stdout  # the page over the size limit
        assert "1 without a date" in first.stdout
        timeouts = re.search(r"DownloadTimeoutError (\d+)", first.stdout)
        assert timeouts and int(timeouts.group(1)) >= 3, first.stdout  # the slow page, 3 tries
        assert "deadsite:" in first.stdout and "ConnectionRefusedError" in first.stdout
        fetched_twice = site.hits.get("/fa/news/1005/خبر")
        assert fetched_twice == 2  # 500 first, then fine on retry

        store = SQLiteStore(tmp_path / "store.db")
        hits = store.search(SearchRequest(size=50)).hits
        assert len(hits) == 7
        stories = {h.title: h.story_id for h in hits}
        assert (
            stories["افتتاح بوستان‌های محله‌ای در مشهد"]
            == stories["شهردار مشهد: ۱۵ بوستان محله‌ای تا پایان سال افتتاح می‌شود"]
        )
        assert len(set(stories.values())) == 6
        assert store.known([f"{base}/fa/news/1007/خبر"]) == {}  # oversized: dropped
        bus = store.figures(FigureQuery(unit="دستگاه")).figures
        assert {(f["value"], f["source"]) for f in bus} == {(250, "shahraranews")}  # cp1256
        parks = next(store.get(h.id) for h in hits if h.title.startswith("شهردار مشهد: ۱۵"))
        assert parks.published == datetime(2023, 12, 31, 7, 0, tzinfo=UTC)  # 10:30 Tehran
        assert parks.credited_source == "پایگاه اطلاع رسانی شهرداری مشهد"
        assert parks.figures[0].speaker == "علیرضا کریمی"
        undated = store.search(SearchRequest(q="داوطلبان")).hits[0]
        assert undated.published is None
        assert store.known([f"{base}/fa/news/1006/%D9%86%D9%88"])  # stored under the redirect
        store.close()

        hits_before = dict(site.hits)
        second = crawl(tmp_path, config, "--no-politeness")
        assert second.returncode == 0
        assert "0 new" in second.stdout and "4 unchanged" in second.stdout
        # nothing new on the first listing page: the second one is not fetched again
        assert site.hits["/fa/news?page=2"] == hits_before["/fa/news?page=2"]

        site.edits["1001"] = ["شهردار مشهد گفت: تاکنون ۱۶ بوستان محله‌ای ساخته شده است."]
        third = crawl(tmp_path, config, "--no-politeness")
        assert "1 updated" in third.stdout and "3 unchanged" in third.stdout
        store = SQLiteStore(tmp_path / "store.db")
        edited = store.figures(FigureQuery(unit="بوستان", text="۱۶")).figures
        assert [f["value"] for f in edited] == [16]
        store.close()

        since = crawl(
            tmp_path.parent / f"{tmp_path.name}-since",
            config,
            "--no-politeness",
            "--since",
            "2024-01-01",
        )
        assert since.returncode == 0
        assert "6 new" in since.stdout  # all but 1001 (10 Dey 1402 = 2023-12-31); undated kept


def test_polite_crawl_obeys_robots(tmp_path: Path) -> None:
    site = Site(robots="User-agent: *\nDisallow: /fa/news/1004\n")
    with serve(site) as base:
        result = crawl(tmp_path, sources_file(tmp_path, base), "--max-pages", "1")
        assert result.returncode == 0, result.stderr[-3000:]
    assert "/robots.txt" in site.hits
    assert not any(path.startswith("/fa/news/1004") for path in site.hits)
    assert "/fa/news?page=2" not in site.hits  # --max-pages 1


@pytest.mark.parametrize("name", sorted(STYLES))
def test_built_in_source_config_on_a_site_in_its_style(tmp_path: Path, name: str) -> None:
    """Each built-in source on a local site in its CMS's markup (crawler/site_styles.py):
    title, lead, body without the page's chrome, the date in Tehran time, tags, paging
    followed, and the site's own pages that look like articles left alone."""
    source = load_sources()[name]
    site = StyledSite(name)
    with serve(site) as base:
        config = write_sources([local_copy(source, base)], tmp_path / "sources.yaml")
        result = crawl(tmp_path, config, "--no-politeness", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])["sources"][name]
    assert (summary["new"], summary["fallback"], summary["missing_date"]) == (3, 0, 0)
    style = STYLES[name]
    assert style.listing_page(2) in site.hits  # paging followed
    for chrome in style.chrome_links:
        assert not any(chrome.format(id=i) in site.hits for i in STYLED_IDS), chrome
    store = SQLiteStore(tmp_path / "store.db")
    for aid in STYLED_IDS:
        title, jalali, paragraphs = ARTICLES[aid]
        [hit] = [h for h in store.search(SearchRequest(size=10)).hits if h.title == title]
        article = store.get(hit.id)
        assert article.lead == LEADS[aid]
        assert article.body == "\n".join(paragraphs)  # no ticker, related list or comments
        assert article.city == source.city
        day = jalali.split(" - ")[0]
        assert jdate_text(article.published) == day, (aid, article.published)
        if name in ("hamshahrionline", "shahraranews"):
            assert article.tags == ["مدیریت شهری", "محله"]
    assert store.figures(FigureQuery(unit="بوستان")).total >= 1
    # the figures are the articles' own: nothing from the chrome (۴۰ درصد, ۱۲ هزار, ۵۰۰)
    values = {f["value"] for f in store.figures(FigureQuery(size=100)).figures}
    assert values.isdisjoint({40, 12000, 500, 3}), values
    store.close()


def jdate_text(moment: datetime | None) -> str:
    """The Tehran day of a moment as the sites print it: ۱۰ دی ۱۴۰۲."""
    import jdatetime

    from rasad.nlp.dates import TEHRAN
    from rasad.nlp.months import MONTHS

    assert moment is not None
    day = jdatetime.datetime.fromgregorian(datetime=moment.astimezone(TEHRAN))
    name = next(n for n, number in MONTHS.items() if number == day.month)
    digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    return f"{day.day} {name} {day.year}".translate(digits)


class FeedSite(Site):
    """The fixture site's articles reached only through an Atom feed and a sitemap that
    robots.txt names; every entry is dated, two of them before the crawl's --since."""

    ATOM = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>خبرها</title><id>urn:x</id><updated>2024-01-10T08:00:00Z</updated>"
        '<entry><title>کتابخانه</title><link href="{base}/fa/news/1005/خبر"/><id>urn:1005</id>'
        "<updated>2024-01-10T08:00:00Z</updated></entry>"
        '<entry><title>بوستان</title><link href="{base}/fa/news/1001/خبر"/><id>urn:1001</id>'
        "<updated>2023-12-31T07:00:00Z</updated></entry></feed>"
    )
    SITEMAP = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>{base}/fa/news/1006/نو</loc><lastmod>2024-01-12</lastmod></url>"
        "<url><loc>{base}/fa/news/1003/خبر</loc><lastmod>2023-12-20</lastmod></url>"
        "</urlset>"
    )

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        xml = {"Content-Type": "application/xml"}
        if path == "/robots.txt":
            self.count(path)
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nSitemap: /sm.xml\n"
        if path == "/atom":
            self.count(path)
            return 200, xml, self.ATOM.format(base=self.base).encode()
        if path == "/sm.xml":
            self.count(path)
            return 200, xml, self.SITEMAP.format(base=self.base).encode()
        return super().respond(path)


def test_atom_feeds_and_sitemaps_from_robots_skip_what_is_older(tmp_path: Path) -> None:
    site = FeedSite()
    with serve(site) as base:
        entry = {
            "name": "shahraranews",
            "rss": [f"{base}/atom"],
            "sitemaps": [f"{base}/robots.txt"],
            "article_pattern": r"/fa/news/\d+",
            "selectors": {"title": "h1::text", "body": ".body p", "date": ".news-date::text"},
            "allow_private": True,
        }
        config = tmp_path / "sources.yaml"
        config.write_text(yaml.safe_dump({"sources": [entry]}, allow_unicode=True), "utf-8")
        result = crawl(tmp_path, config, "--no-politeness", "--since", "2024-01-05")
    assert result.returncode == 0, result.stderr[-3000:]
    fetched = {p.split("/")[3] for p in site.hits if p.startswith("/fa/news/")}
    assert fetched == {"1005", "1006"}  # 1001 and 1003 are dated before --since: not fetched
    assert "2 new" in result.stdout
