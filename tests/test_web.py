"""The web page in a real browser: Debian's headless Chromium driven by Playwright, against
the app served by uvicorn on loopback over a small indexed corpus.  Screenshots are kept in
test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from rasad.accounts import Accounts
from rasad.api import create_app
from rasad.config import Settings
from rasad.crawler.demo_sites import serve, write_sources
from rasad.crawler.health import CrawlRecord, SourceHealth
from rasad.crawler.sources import builtin_sources
from rasad.index.sqlite_store import SQLiteStore
from tests.corpus import CORPUS, make
from tests.fixture_site import StyledSite

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
# No background traffic: this machine's network is closed beyond loopback.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
METRIC = "دفتر توسعه محله | دفتر | مشهد"
PASSWORD = "a-long-test-password"
RELEASE = "شهرداری منطقه از گشایش کتابخانه محله سعدی با ۴۰۰۰ جلد کتاب خبر داد."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("web")
    store = SQLiteStore(tmp / "rasad.db")
    title = "افتتاح ۳۲ دفتر توسعه محله در مشهد"
    later = make("https://a/6", title, "فرماندار مشهد گفت: ۳۲ دفتر.", 25)
    # one press release on two outlets, the second three hours after the first
    first = make("https://a/7", "گشایش کتابخانه محله سعدی", RELEASE, 10, story="library")
    second = make("https://b/7", "کتابخانه تازه", RELEASE, 10, "hamshahrionline", story="library")
    second.published += timedelta(hours=3)
    store.upsert([*CORPUS, later, first, second])
    # a source whose site stopped answering three crawls ago, beside one that works
    empty = {"pages": 0, "links": 0, "errors": {"ConnectionRefusedError": 2}}
    SourceHealth(store).record(
        [
            *(CrawlRecord("tehran.ir", f"2024-06-0{n}T06:00:00+00:00", **empty) for n in (1, 2, 3)),
            CrawlRecord("shahraranews", "2024-06-03T06:00:00+00:00", pages=4, links=9, new=2),
        ]
    )
    Accounts(store).add("sara", "editor", PASSWORD)
    port = _free_port()
    sources = write_sources(list(builtin_sources().values()), tmp / "sources.yaml")
    settings = Settings.load(anonymous_reads=True, sources=sources, discover_private=True)
    app = create_app(store, settings)  # reads as the demo serves; outlets added on loopback
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: scripts/system-deps installs chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="fa-IR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
    assert not errors, errors


def test_search_shows_highlighted_results_right_to_left(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    page.fill("#search-form input[name=q]", "دفتر توسعه")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#results li")
    assert page.locator("#results li").count() == 3
    assert page.locator("#results li mark").first.inner_text() == "دفتر"
    assert page.evaluate("getComputedStyle(document.querySelector('#results h3')).direction") == (
        "rtl"
    )
    box = page.locator("#results h3").first.bounding_box()
    panel = page.locator("#results li").first.bounding_box()
    assert box and panel and box["x"] + box["width"] > panel["x"] + panel["width"] - 40  # right
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    assert page.locator("#results .date").first.inner_text().startswith("۱۴۰۲/")
    assert page.locator("#search-total").inner_text() == "۳ خبر"


def test_analyst_view_draws_the_series_and_a_bucket_lists_reports_that_open_their_sentence(
    page: Page, base_url: str
) -> None:
    page.goto(f"{base_url}/#/analyst?q={quote('دفتر توسعه')}")
    page.locator(f"#metrics button[data-metric='{METRIC}']").click()
    page.wait_for_selector("#chart[data-points]")
    # reports, not mentions: each article's title and body state its figure once counted
    assert page.get_attribute("#chart", "data-points") == "3"
    datasets = page.evaluate(
        "Chart.getChart(document.querySelector('#chart')).data.datasets"
        ".map((d) => ({label: d.label, y: d.data.map((p) => p.y)}))"
    )
    # one line per outlet, named as readers know it (crawler/sources.yaml `title`)
    assert datasets == [{"label": "شهرآرانیوز", "y": [28, 30, 32]}]
    assert page.evaluate(
        "Chart.getChart(document.querySelector('#chart')).options.plugins.legend.display"
    )
    assert page.locator("#series-table tr.conflict").count() == 1  # 28 and 30 in Dey
    # click the last marker (32, from https://a/6, alone in its month) where the chart drew it
    x, y = page.evaluate(
        "(() => { const m = Chart.getChart(document.querySelector('#chart'))"
        ".getDatasetMeta(0).data[2]; return [m.x, m.y]; })()"
    )
    canvas = page.locator("#chart").bounding_box()
    assert canvas
    assert page.get_attribute("#reports-table", "data-reports") == "3"  # the newest, listed
    page.mouse.click(canvas["x"] + x, canvas["y"] + y)
    page.wait_for_selector("#reports-table[data-reports='1']")  # that bucket's reports
    assert page.locator("#reports-title").inner_text().startswith("گزارش‌های")
    page.locator("#reports-table tbody a").click()
    page.wait_for_selector("#article-text mark.focus")
    assert page.locator("#article-title").inner_text() == "افتتاح ۳۲ دفتر توسعه محله در مشهد"
    assert page.locator("#article-text mark.focus").inner_text() == "۳۲ دفتر"


def test_article_view_marks_each_figure_inline(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/#/article/{CORPUS[2].id}")
    page.wait_for_selector("#article-text mark[data-figure]")
    marks = page.locator("#article-text mark[data-figure]").all_inner_texts()
    assert marks == ["28 دستگاه", "۳۰ درصد"]
    assert page.locator("#article-figures tbody tr").count() == 2


def test_save_a_search_asks_for_a_login_then_keeps_its_dates(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/#/?q={quote('دفتر')}")
    page.wait_for_selector("#results li")
    undated = page.locator("#search-total").inner_text()
    search = f"q={quote('دفتر')}&from=1402-10-01&to=1402-10-29&sort=date"
    page.goto(f"{base_url}/#/?{search}")
    page.wait_for_selector("#results li")  # reading needs no login here
    within_dey = page.locator("#search-total").inner_text()
    page.fill("#save-form input[name=name]", "دفترهای دی")
    page.click("#save-search")
    page.wait_for_selector("#error a[href='#/login']")
    assert page.locator("#error").inner_text().startswith("برای این کار باید وارد شوید")
    page.click("#error a[href='#/login']")
    page.fill("#login-form input[name=name]", "sara")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#logout:not([hidden])")
    assert page.locator("#account-name").inner_text().startswith("sara")
    assert page.evaluate("document.cookie") == ""  # the session cookie is HttpOnly
    page.goto(f"{base_url}/#/?{search}")
    page.wait_for_selector("#results li")
    page.fill("#save-form input[name=name]", "دفترهای دی")  # named in a form, no prompt
    page.click("#save-search")  # now with the session and its CSRF token
    page.wait_for_selector("#saved-list li")
    saved = page.locator("#saved-list li a").first
    assert saved.inner_text() == "دفترهای دی"
    saved.click()  # opens the search as saved: words, days and sort
    page.wait_for_selector("#results li")
    form = "#search-form"
    assert page.input_value(f"{form} input[name=from]") == "1402-10-01"
    assert page.input_value(f"{form} input[name=to]") == "1402-10-29"
    assert page.input_value(f"{form} select[name=sort]") == "date"
    assert page.locator("#search-total").inner_text() == within_dey != undated  # a/6: بهمن
    page.click("#logout")
    page.wait_for_selector("#login-link:not([hidden])")


def test_a_refused_query_is_told_in_persian(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/#/?q={quote('دفتر')}&facets=1")
    page.wait_for_selector("#results li")
    deep = "(" * 40 + "دفتر" + ")" * 40
    page.goto(f"{base_url}/#/?q={quote(deep)}")
    page.wait_for_selector("#error:not([hidden])")
    assert page.locator("#results li").count() == 0  # the last search's results are gone
    assert page.locator("#facets button").count() == 0
    assert page.locator("#coverage").is_hidden()  # and so is its coverage chart
    assert page.input_value("#search-form input[name=q]") == deep  # the input is kept
    message = page.locator("#error").inner_text()
    assert message.startswith("درخواست را نمی‌توان اجرا کرد")
    assert page.locator("#error bdi.detail").count() == 1  # the API's words, kept apart


def test_coverage_chart_and_who_ran_the_release(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/#/?q={quote('کتابخانه')}")
    expect(page.locator("#coverage-chart")).to_have_attribute("data-buckets", "[2]")
    assert page.locator("#coverage-outlets li").all_inner_texts() == [
        "همشهری آنلاین (۱)",
        "شهرآرانیوز (۱)",
    ]
    story = page.locator("#coverage-stories li[data-story=library]")
    runs = story.locator("ol li").all_inner_texts()
    assert runs[0].startswith("شهرآرانیوز — ۱۴۰۲/۱۰/۲۰") and runs[0].endswith("(نخستین انتشار)")
    assert runs[1].startswith("همشهری آنلاین") and runs[1].endswith("(۳ ساعت بعد)")
    # the chart counts every match of the days between: a wider search shows the gaps
    page.goto(f"{base_url}/#/?q={quote('دفتر توسعه')}")
    expect(page.locator("#coverage-chart")).to_have_attribute(
        "data-buckets", re.compile(r"^\[1,0,")
    )
    page.select_option("#coverage-interval", "month")
    expect(page.locator("#coverage-chart")).to_have_attribute("data-buckets", "[2,1]")
    assert page.evaluate(
        "Chart.getChart(document.querySelector('#coverage-chart')).data.labels"
    ) == ["۱۴۰۲/۱۰", "۱۴۰۲/۱۱"]
    assert "interval=month" in page.url  # the choice is in the address, to share or reload


def test_the_article_view_shows_the_story_timeline(page: Page, base_url: str) -> None:
    copy = make("https://b/7", "", "", 10, "hamshahrionline").id
    page.goto(f"{base_url}/#/article/{copy}")
    timeline = page.locator("#article-coverage li")
    expect(timeline).to_have_count(2)
    first, this = timeline.all_inner_texts()
    assert first.startswith("شهرآرانیوز") and first.endswith("(نخستین انتشار)")
    assert this.startswith("همشهری آنلاین") and this.endswith("(۳ ساعت بعد)")
    assert page.locator("#article-coverage li strong").inner_text() == "همشهری آنلاین"
    page.locator("#article-coverage li a").click()  # the first copy opens
    expect(page.locator("#article-title")).to_have_text("گشایش کتابخانه محله سعدی")


def test_the_sources_view_shows_each_source_state(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    expect(page.locator("#broken-count")).to_have_text("۱")  # seen from every view
    page.click("nav a[data-view=sources]")
    broken = page.locator("#sources-table tr[data-source='tehran.ir']")
    expect(broken.locator(".state")).to_have_text("از کار افتاده")
    assert "در سه خزش پیاپی هیچ خبر یا پیوند خبری پیدا نشد" in broken.inner_text()
    assert "ConnectionRefusedError 2" in broken.inner_text()  # the crawler's words beside
    working = page.locator("#sources-table tr[data-source=shahraranews]")
    expect(working.locator(".state")).to_have_text("سالم")
    assert "۲ خبر تازه" in working.inner_text()
    never = page.locator("#sources-table tr[data-source='isfahan.ir'] .state")
    expect(never).to_have_text("خزش نشده")
    expect(page.locator("#source-alerts li strong")).to_have_text("شهرداری تهران: از کار افتاده")


def test_an_editor_adds_an_outlet_from_the_page(page: Page, base_url: str) -> None:
    _log_in(page, base_url)
    with serve(StyledSite("shahraranews")) as site:
        page.goto(f"{base_url}/#/sources")
        page.fill("#source-form input[name=url]", f"{site}/")
        page.fill("#source-form input[name=name]", "tazeh")
        page.fill("#source-form input[name=title]", "خبرگزاری تازه")
        page.click("#source-form button[type=submit]")
        expect(page.locator("#source-result")).to_contain_text("افزوده شد", timeout=30_000)
    assert any(
        "CMS: iran_samaneh" in t for t in page.locator("#source-report li").all_inner_texts()
    )
    expect(page.locator("#sources-table tr[data-source=tazeh] td").first).to_have_text(
        "خبرگزاری تازه"
    )


def _log_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/#/login")
    page.fill("#login-form input[name=name]", "sara")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#logout:not([hidden])")


def test_an_indicator_built_from_two_keys_is_charted(page: Page, base_url: str) -> None:
    _log_in(page, base_url)
    page.goto(f"{base_url}/#/analyst?q={quote('دفتر')}")
    page.wait_for_selector("#metrics li")
    labels = page.locator("#metrics button").all_inner_texts()
    assert any(label.startswith("دفتر توسعه محله — مشهد (دفتر)") for label in labels)
    boxes = page.locator("#metrics input[type=checkbox]")
    assert boxes.count() == 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.fill("#indicator-form input[name=name]", "دفترهای محله مشهد")
    page.click("#indicator-form button[type=submit]")
    # 3 reports of one key, 1 of the other (28 again from that outlet in Dey: one marker)
    page.wait_for_selector("#reports-table[data-reports='4']")
    assert page.get_attribute("#chart", "data-points") == "3"
    assert page.locator("#series-title").inner_text() == "دفترهای محله مشهد"
    assert page.locator("#indicators button[data-indicator]").inner_text() == "دفترهای محله مشهد"
    assert "indicator=" in (page.get_attribute("#export-series", "href") or "")
    page.select_option("#metric-form select[name=interval]", "week")  # the indicator stays
    expect(page).to_have_url(re.compile(r"interval=week"))
    # weeks are labelled by their day, months by the month alone
    expect(page.locator("#series-table tbody td").first).to_have_text(re.compile(r"^\S{10}$"))
    assert page.get_attribute("#reports-table", "data-reports") == "4"
    assert "indicator=" in page.evaluate("location.hash")
    page.click("#indicators button.quiet")  # delete it
    expect(page.locator("#indicators button[data-indicator]")).to_have_count(0)
