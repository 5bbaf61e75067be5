"""The fetch policy against a hostile feed on a real local site: a source only leads to its
own site, over http(s), to public addresses unless it is a declared local fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from rasad.crawler.demo_sites import LocalSite, serve
from rasad.crawler.policy import article_path_matches, refusal, source_sites
from rasad.crawler.sources import Source
from rasad.index.sqlite_store import SQLiteStore
from tests.test_crawl import crawl

ARTICLE = (
    "<html><body><h1>{title}</h1><div class='body'><p>{text}</p></div>"
    "<span class='news-date'>۱۰ دی ۱۴۰۲</span></body></html>"
)


class Secrets(LocalSite):
    """Another server on this machine that a feed must not reach."""

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        path = self.count(path)
        page = ARTICLE.format(title="محرمانه", text="این صفحه نباید خوانده شود و ۹۹ نفر دارد.")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()


class HostileFeed(LocalSite):
    """A news site whose RSS feed points at local files, other servers and private hosts."""

    def __init__(self, secret_base: str, secret_file: Path) -> None:
        super().__init__()
        self.secret_base, self.secret_file = secret_base, secret_file

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        path = self.count(path)
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"
        if path == "/fa/rss":
            links = [
                f"{self.secret_file.as_uri()}?/fa/news/88",  # a local file
                f"{self.secret_base}/admin?/fa/news/77",  # another local server
                f"{self.secret_base}/fa/news/76",  # the same path on another local server
                "http://10.20.30.40/fa/news/75",  # a private address
                "http://169.254.169.254/fa/news/74",  # link-local (cloud metadata)
                f"{self.base}/fa/news/73",  # redirects to another local server
                f"{self.base}/admin?/fa/news/72",  # the pattern only in the query string
                f"{self.base}/fa/news/71",  # the one real article
            ]
            items = "".join(f"<item><link>{link}</link></item>" for link in links)
            return (
                200,
                {"Content-Type": "application/rss+xml"},
                f"<rss><channel>{items}</channel></rss>".encode(),
            )
        if path == "/fa/news/73":
            return 302, {"Location": f"{self.secret_base}/fa/news/70"}, b""
        if path == "/fa/news/71":
            text = "شهردار گفت: تاکنون ۱۲ بوستان محله‌ای در شهر ساخته شده است."
            return 200, html, ARTICLE.format(title="ساخت ۱۲ بوستان", text=text).encode()
        return 404, html, b"<h1>not found</h1>"


def test_a_hostile_feed_reaches_only_its_own_site(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret.html"
    secret_file.write_text(ARTICLE.format(title="فایل", text="۵۰ نفر"), encoding="utf-8")
    secrets = Secrets()
    with serve(secrets) as secret_base:
        feed = HostileFeed(secret_base, secret_file)
        with serve(feed) as base:
            entry = {
                "name": "hostile",
                "rss": [f"{base}/fa/rss"],
                "article_pattern": r"/fa/news/\d+",
                "allow_private": True,  # the fixture itself is on loopback
                "selectors": {"title": "h1::text", "body": ".body p", "date": ".news-date::text"},
            }
            config = tmp_path / "sources.yaml"
            config.write_text(yaml.safe_dump({"sources": [entry]}, allow_unicode=True), "utf-8")
            done = crawl(tmp_path, config, "--no-politeness")
    assert done.returncode == 0, done.stderr[-3000:]
    assert secrets.hits == {}  # nothing on the other server was fetched, redirect included
    assert "/admin?/fa/news/72" not in feed.hits
    with SQLiteStore(tmp_path / "store.db") as store:
        urls = [a.url for a in store.iter_articles()]
    assert urls == [f"{base}/fa/news/71"]


def source(**fields: object) -> Source:
    return Source.from_dict({"name": "s", "listing": ["https://news.example.ir/fa/news"], **fields})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://news.example.ir/fa/news/1", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://evil.example.com/fa/news/1", "other_site"),
        ("https://news.example.ir:8443/fa/news/1", "other_site"),
        ("http://127.0.0.1/fa/news/1", "other_site"),
    ],
)
def test_refused_urls(url: str, reason: str) -> None:
    s = source()
    assert refusal(url, s, source_sites(s)) == reason


def test_listed_hosts_that_resolve_to_private_addresses_are_refused() -> None:
    s = source(hosts=["localhost", "127.0.0.1", "10.1.2.3", "[::1]"])
    sites = source_sites(s)
    for url in ("http://localhost/a", "http://127.0.0.1/a", "http://10.1.2.3/a", "http://[::1]/a"):
        assert refusal(url, s, sites) == "private_address", url
    opened = source(hosts=["127.0.0.1"], allow_private=True)
    assert refusal("http://127.0.0.1/a", opened, source_sites(opened)) is None


def test_the_pattern_must_match_the_path() -> None:
    pattern = re.compile(r"/fa/news/\d+")
    assert article_path_matches(pattern, "https://a.ir/fa/news/12/slug")
    assert not article_path_matches(pattern, "https://a.ir/secret.html?/fa/news/88")
    query = re.compile(r"index\.php\?.*cnt_id=\d+")
    assert article_path_matches(query, "https://news.mashhad.ir/index.php?module=cdk&cnt_id=12")
