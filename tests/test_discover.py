"""`rasad sources add URL`: a new outlet from its address, on a local site in each CMS's
style, one without any feed, and one whose pages do not read as dated articles."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from rasad.crawler.demo_sites import LocalSite, serve
from rasad.crawler.discover import discover, shape
from rasad.crawler.sources import load_sources
from tests.commands import rasad as run_rasad
from tests.fixture_site import STYLES, StyledSite


def rasad(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_rasad(tmp_path / "store.db", *args)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_an_outlet_added_from_its_address_is_crawled(tmp_path: Path, style: str) -> None:
    sources = tmp_path / "sources.yaml"
    with serve(StyledSite(style)) as base:
        added = rasad(
            tmp_path,
            "sources",
            "add",
            f"{base}/",
            "--name",
            "newoutlet",
            "--city",
            "مشهد",
            "--sources-file",
            str(sources),
            "--allow-private",
        )
        assert added.returncode == 0, added.stdout + added.stderr[-2000:]
        assert "added newoutlet" in added.stdout
        entry = load_sources(sources)["newoutlet"]
        assert "shahraranews" in load_sources(sources)  # made from the built-in list
        crawled = rasad(
            tmp_path, "crawl", "newoutlet", "--sources-file", str(sources), "--no-politeness"
        )
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    assert "3 new" in crawled.stdout and "0 without a date" in crawled.stdout
    expected_cms = {
        "isfahan.ir": None,
        "hamshahrionline": "nastooh",
        "mashhad.ir": "saman",
        "shahraranews": "iran_samaneh",
        "tehran.ir": "dotnetnuke",
    }[style]
    assert entry.cms == expected_cms and entry.city == "مشهد"
    if style == "tehran.ir":  # no feed, no sitemap: found from the home page's links alone
        assert "feeds: none found" in added.stdout and not entry.rss and not entry.sitemaps


class UndatedSite(LocalSite):
    """Article-like links to pages that carry no date anywhere."""

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        path = self.count(path)
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/":
            links = "".join(f'<a href="/post/{i}/x">خبر {i}</a>' for i in range(1, 5))
            return 200, html, f"<html><body>{links}</body></html>".encode()
        if path.startswith("/post/"):
            body = "<p>" + "متن خبری بدون تاریخ که طولانی است و چند جمله دارد. " * 3 + "</p>"
            return 200, html, f"<html><body><h1>عنوان</h1>{body}</body></html>".encode()
        return 404, html, b""


def test_an_outlet_whose_pages_fail_the_check_is_not_added(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    with serve(UndatedSite()) as base:
        result = rasad(
            tmp_path,
            "sources",
            "add",
            f"{base}/",
            "--sources-file",
            str(sources),
            "--allow-private",
        )
    assert result.returncode == 1 and "not added" in result.stdout
    assert "no link leads to a page that reads as an article" in result.stdout
    assert not sources.exists()


def test_private_addresses_are_refused_without_the_test_flag() -> None:
    with serve(StyledSite("tehran.ir")) as base:
        found = discover(f"{base}/", "x")
    assert found.entry is None and "private address" in found.problems[0]


def test_url_shapes() -> None:
    assert shape("https://a.ir/fa/news/1001/%D8%AE%D8%A8%D8%B1") == r"/fa/news/\d+/[^/?#]+"
    assert shape("https://a.ir/news/42-slug.html") == r"/news/\d+\-[^/]*\.html"
    assert shape("https://a.ir/index.php?module=news&cnt_id=12") is not None
    assert shape("https://a.ir/about/") is None


def test_a_name_already_in_the_file_is_refused(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{"name": "x", "listing": ["https://x.ir/"]}]}))
    with serve(StyledSite("tehran.ir")) as base:
        result = rasad(
            tmp_path,
            "sources",
            "add",
            f"{base}/",
            "--name",
            "x",
            "--sources-file",
            str(sources),
            "--allow-private",
        )
    assert result.returncode == 2 and "already in" in result.stderr
