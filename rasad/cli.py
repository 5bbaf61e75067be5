"""The `rasad` command line.

    rasad extract [FILE|-] [--date YYYY-MM-DD] [--format jsonl|table] [--group]
    rasad number "<Persian number expression>"
    rasad date "<Jalali date as written>"
    rasad ingest FILE... [--source NAME] [--date YYYY-MM-DD]    extract and store articles
    rasad search QUERY [--sort date] [--size N] [filters]         search the store
    rasad figures [filters]                                        reported figures as JSON lines
    rasad metrics [TEXT]                                           metric keys with counts
    rasad series METRIC [--interval day|week|month]                one metric over time

Errors go to stderr as one plain sentence and exit with status 2; other tooling
relies on the JSON lines of `extract` and the single line printed by `number`/`date`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

from .textio import InputError, read_text

EXIT_USAGE = 2


def _extract(args: argparse.Namespace) -> int:
    from rasad.nlp.entities import make_recognizer
    from rasad.nlp.extract import Extractor, group_mentions

    text, encoding = read_text(args.file)
    if encoding != "utf-8":
        print(f"rasad: note: input decoded as {encoding}", file=sys.stderr)
    published = date.fromisoformat(args.date) if args.date else None
    extractor = Extractor(make_recognizer(args.ner_model or os.environ.get("RASAD_NER_MODEL")))
    result = extractor.extract(text, published)
    for warning in result.warnings:
        print(f"rasad: warning: {warning}", file=sys.stderr)
    if not text.strip():
        print("rasad: note: the input is empty; no figures", file=sys.stderr)
    pub = result.published.isoformat() if result.published else None
    records = (
        group_mentions(result.figures) if args.group else [f.to_dict() for f in result.figures]
    )
    for record in records:
        record["published"] = pub
    if args.format == "table":
        _print_table(records)
    else:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    return 0


def _print_table(records: list[dict[str, object]]) -> None:
    columns = ("value", "unit", "kind", "surface", "subject", "qualifier", "speaker", "location")
    rows = [[str(r.get(c) if r.get(c) is not None else "") for c in columns] for r in records]
    widths = [max([len(c)] + [len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    print(f"({len(records)} figures)")


def _open_store():
    from rasad import config

    return config.open_configured_store()


def _ingest(args: argparse.Namespace) -> int:
    from rasad.index.models import Article, article_text
    from rasad.nlp.dates import TEHRAN
    from rasad.nlp.entities import make_recognizer
    from rasad.nlp.extract import Extractor

    extractor = Extractor(make_recognizer(args.ner_model or os.environ.get("RASAD_NER_MODEL")))
    articles, failed = [], 0
    for name in args.files:
        try:
            text, _ = read_text(name)
        except InputError as exc:
            print(f"rasad: skipped {name}: {exc}", file=sys.stderr)
            failed += 1
            continue
        title, _, body = (part.strip() for part in text.strip().partition("\n"))
        given = date.fromisoformat(args.date) if args.date else None
        result = extractor.extract(article_text(title, "", body), given)
        published = (
            datetime.combine(result.published, time(8), TEHRAN) if result.published else None
        )
        url = args.url if args.url and len(args.files) == 1 else Path(name).resolve().as_uri()
        articles.append(
            Article(
                url=url,
                source=args.source,
                title=title,
                body=body,
                published=published,
                figures=[f.to_dict() for f in result.figures],
                city=_main_city(result.figures),
            )
        )
    with _open_store() as store:
        report = store.upsert(articles)
    print(
        f"{len(articles)} articles: {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.spooled} spooled; "
        f"{sum(len(a.figures) for a in articles)} figures; {failed} unreadable"
    )
    for error in report.errors:
        print(f"rasad: {error}", file=sys.stderr)
    return 1 if failed or report.errors else 0


def _main_city(figures: list) -> str | None:
    from collections import Counter

    places = Counter(f.location for f in figures if f.location)
    return places.most_common(1)[0][0] if places else None


def _search(args: argparse.Namespace) -> int:
    import html

    from rasad.index.models import SearchRequest

    request = SearchRequest(
        q=args.query,
        sort=args.sort,
        size=args.size,
        sources=args.source or [],
        cities=args.city or [],
        kinds=args.kind or [],
        cursor=args.cursor,
        facets=args.format == "text",  # the text view shows them
    )
    with _open_store() as store:
        page = store.search(request)
    if args.format == "jsonl":
        for hit in page.hits:
            record = {
                **hit.__dict__,
                "published": hit.published.isoformat() if hit.published else None,
            }
            print(json.dumps(record, ensure_ascii=False))
        return 0

    def plain(marked: str) -> str:
        return html.unescape(marked.replace("<mark>", "«").replace("</mark>", "»"))

    print(
        f"{page.total} articles  ·  sources {page.facets.get('source')}  ·  "
        f"cities {page.facets.get('city')}"
    )
    for hit in page.hits:
        when = hit.published.date().isoformat() if hit.published else "----------"
        print(
            f"\n{when}  {hit.source}  {plain(hit.title_html)}\n  {plain(hit.snippet_html)}\n"
            f"  {hit.url}"
        )
    if page.next_cursor:
        print(f"\nmore: --cursor {page.next_cursor}")
    return 0


def _figures(args: argparse.Namespace) -> int:
    from rasad.index.models import FigureQuery

    query = FigureQuery(
        metric=args.metric,
        unit=args.unit,
        kind=args.kind,
        city=args.city,
        speaker=args.speaker,
        source=args.source,
        text=args.text,
        size=args.size,
    )
    with _open_store() as store:
        page = store.figures(query)
    for row in page.figures:
        print(json.dumps(row, ensure_ascii=False))
    print(f"({len(page.figures)} of {page.total} figures)", file=sys.stderr)
    return 0


def _metrics(args: argparse.Namespace) -> int:
    with _open_store() as store:
        for metric, count in store.metrics(args.text or "", args.size):
            print(f"{count:6d}  {metric}")
    return 0


def _series(args: argparse.Namespace) -> int:
    from rasad.nlp.dates import jalali

    with _open_store() as store:
        series = store.series(args.metric, args.interval)
    for bucket in series.buckets:
        flag = "  ← conflicting reports" if bucket.conflict else ""
        values = ", ".join(f"{v:g}" for v in bucket.values)
        print(f"{jalali(bucket.start)} ({bucket.start.isoformat()})  {values}{flag}")
        for point in bucket.points:
            print(f"    {point['value']:g} {point['unit']}  «{point['surface']}»  {point['url']}")
    if not series.buckets:
        print(f"no dated figures for metric {args.metric!r}", file=sys.stderr)
    return 0


def _crawl(args: argparse.Namespace) -> int:
    from rasad import config
    from rasad.crawler.run import crawl
    from rasad.crawler.sources import load_sources
    from rasad.nlp.dates import TEHRAN

    sources = load_sources(args.sources_file)
    unknown = [name for name in args.source if name not in sources]
    if unknown:
        raise ValueError(f"unknown source {', '.join(unknown)}; known: {', '.join(sources)}")
    chosen = [sources[name] for name in args.source] if args.source else list(sources.values())
    since = (
        datetime.combine(date.fromisoformat(args.since), time(0), TEHRAN) if args.since else None
    )
    with _open_store() as store:
        summary = crawl(
            chosen,
            store,
            since=since,
            max_pages=args.max_pages,
            polite=not args.no_politeness,
            **config.crawl_overrides(),
        )
    for line in summary.lines():
        print(line)
    print(
        f"total: {summary.total('pages')} pages; {summary.total('new')} new, "
        f"{summary.total('updated')} updated, {summary.total('unchanged')} unchanged articles; "
        f"{summary.total('figures')} figures"
    )
    return 0


def _number(args: argparse.Namespace) -> int:
    from rasad.nlp.numbers import format_decimal, parse_number

    print(format_decimal(parse_number(args.expression)))
    return 0


def _date(args: argparse.Namespace) -> int:
    from rasad.nlp.dates import parse_jalali_date

    print(parse_jalali_date(args.text).isoformat())
    return 0


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from None
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rasad",
        description="Persian news monitoring: extract, search and chart reported figures.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ex = sub.add_parser(
        "extract",
        help="print the figures reported in an article",
        description="Read an article (UTF-8 or windows-1256) and print one JSON "
        "object per figure mention.",
    )
    ex.add_argument("file", nargs="?", default="-", help="article text file, or - for stdin")
    ex.add_argument(
        "--date",
        type=_iso_date,
        help="publication date (YYYY-MM-DD); by default the first full date in the text",
    )
    ex.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    ex.add_argument(
        "--group", action="store_true", help="one record per distinct figure, with all its mentions"
    )
    ex.add_argument(
        "--ner-model",
        help="Hugging Face token-classification model id or local "
        "directory for names and places (default: built-in word lists; "
        "also RASAD_NER_MODEL)",
    )
    ex.set_defaults(func=_extract)

    num = sub.add_parser(
        "number",
        help="parse a Persian number expression",
        description="Print the value of a number written in Persian words "
        "and/or digits, e.g. 'دو هزار و ۵۰۰' -> 2500.",
    )
    num.add_argument("expression")
    num.set_defaults(func=_number)

    dt = sub.add_parser(
        "date",
        help="convert a Jalali date to Gregorian",
        description="Print the Gregorian date (YYYY-MM-DD) of a Jalali date as "
        "written, e.g. '۱۰ دی ۱۴۰۲' or '۱۴۰۲/۱۰/۱۰'. A year alone gives 1 Farvardin.",
    )
    dt.add_argument("text")
    dt.set_defaults(func=_date)

    ing = sub.add_parser(
        "ingest",
        help="extract figures from article files and store them",
        description="Read article files (first line: title), extract their "
        "figures and write them to the store named by RASAD_STORE.",
    )
    ing.add_argument("files", nargs="+", metavar="FILE")
    ing.add_argument("--source", default="local", help="the outlet's name (default: local)")
    ing.add_argument("--url", help="the article's URL (one file only; default: its file URL)")
    ing.add_argument("--date", type=_iso_date, help="publication date (YYYY-MM-DD)")
    ing.add_argument("--ner-model", help="as for extract")
    ing.set_defaults(func=_ingest)

    se = sub.add_parser(
        "search",
        help="search stored articles",
        description="Search in the simple syntax: words (all must match), "
        '"a phrase", OR, -excluded, prefix*, (grouping).',
    )
    se.add_argument("query", nargs="?", default="")
    se.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    se.add_argument("--size", type=int, default=10)
    se.add_argument("--source", action="append", help="only this outlet (repeatable)")
    se.add_argument("--city", action="append", help="only this city (repeatable)")
    se.add_argument("--kind", action="append", help="only articles with figures of this kind")
    se.add_argument("--cursor", help="the cursor printed after a page, for the next one")
    se.add_argument("--format", choices=("text", "jsonl"), default="text")
    se.set_defaults(func=_search)

    fi = sub.add_parser("figures", help="list stored figures as JSON lines")
    for option in ("metric", "unit", "kind", "city", "speaker", "source", "text"):
        fi.add_argument(f"--{option}")
    fi.add_argument("--size", type=int, default=50)
    fi.set_defaults(func=_figures)

    me = sub.add_parser("metrics", help="list metric keys with how many figures each has")
    me.add_argument("text", nargs="?", help="only metrics about these words")
    me.add_argument("--size", type=int, default=30)
    me.set_defaults(func=_metrics)

    cr = sub.add_parser(
        "crawl",
        help="crawl news sources into the store",
        description="Crawl the configured sources (all, or those named), "
        "extract figures and store new and changed articles.",
    )
    cr.add_argument("source", nargs="*", help="source names from the sources file")
    cr.add_argument("--since", type=_iso_date, help="skip articles published before this date")
    cr.add_argument("--max-pages", type=int, default=50, help="listing pages per source")
    cr.add_argument("--sources-file", help="a sources YAML file (default: the built-in one)")
    cr.add_argument(
        "--no-politeness",
        action="store_true",
        help="no robots.txt, throttling or delays: only for your own test sites",
    )
    cr.set_defaults(func=_crawl)

    sr = sub.add_parser("series", help="one metric over time, bucketed")
    sr.add_argument("metric", help="a key printed by `rasad metrics`")
    sr.add_argument("--interval", choices=("day", "week", "month"), default="month")
    sr.set_defaults(func=_series)

    sv = sub.add_parser(
        "serve",
        help="serve the API and the web page",
        description="Serve the search and statistics API (/api, documented at /docs) and "
        "the web page (/) over the store named by RASAD_STORE.",
    )
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--log-level", default="info", choices=("debug", "info", "warning"))
    sv.add_argument(
        "--workers", type=int, default=1, help="server processes (one per core serves most)"
    )
    sv.set_defaults(func=_serve)

    de = sub.add_parser(
        "demo",
        help="try Rasad with no network: crawl local copies of the news sites, then serve",
        description="Start local copies of the built-in news sites, crawl them, extract "
        "figures into the store named by RASAD_STORE and serve the API and web page.",
    )
    de.add_argument("--host", default="127.0.0.1", help="address to listen on")
    de.add_argument("--port", type=int, default=8000)
    de.set_defaults(func=_demo)

    ru = sub.add_parser(
        "run",
        help="the service: crawl the sources on a schedule and serve the API and page",
        description="Crawl the configured sources now and then every RASAD_CRAWL_EVERY minutes "
        "(default 60), record alerts for saved searches after each crawl (POSTed to "
        "RASAD_WEBHOOK if set), and serve the API and web page. One summary line is logged "
        "per crawl; a source that is down is reported and the rest are crawled.",
    )
    ru.add_argument("--host", default="127.0.0.1", help="address to listen on")
    ru.add_argument("--port", type=int, default=8000)
    ru.add_argument("--every", type=float, help="minutes between crawls (overrides the setting)")
    ru.add_argument("--max-pages", type=int, default=5, help="listing pages per source per crawl")
    ru.add_argument(
        "--sources-file", help="a sources YAML file (default: RASAD_SOURCES or built-in)"
    )
    ru.add_argument("--no-serve", action="store_true", help="only crawl (the scheduler alone)")
    ru.set_defaults(func=_run)

    co = sub.add_parser(
        "copy",
        help="copy every article, figure and saved search into another store",
        description="Copy the store named by RASAD_STORE (or --from) into TARGET, e.g. the "
        "embedded SQLite store into Elasticsearch: rasad copy http://localhost:9200. Safe to "
        "run again: articles already there are left unchanged.",
    )
    co.add_argument("target", help="the store to copy into (a SQLite path or http://host:9200)")
    co.add_argument("--from", dest="source", help="the store to copy from (default: RASAD_STORE)")
    co.set_defaults(func=_copy)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from rasad import config
    from rasad.api import create_app

    with _open_store() as store:  # fail here, clearly, if the store cannot be opened
        print(f"rasad: open http://{args.host}:{args.port}/  (store: {config.store_url()})")
        if args.workers == 1:
            uvicorn.run(create_app(store), host=args.host, port=args.port, log_level=args.log_level)
            return 0
    # several processes, each with its own connection to the store
    uvicorn.run(
        "rasad.api.app:create_app",
        factory=True,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    from rasad import logs
    from rasad.service import run_demo_crawl, serve_app

    logs.configure()
    with _open_store() as store:
        print("rasad: crawling local copies of the news sites…", flush=True)
        run = run_demo_crawl(store)
        print(f"rasad: {run.summary} ({run.seconds:.0f} s)", flush=True)
        if not run.ok:
            return 1
        print(f"rasad: open http://{args.host}:{args.port}/  (Ctrl+C stops)", flush=True)
        serve_app(store, args.host, args.port)
    return 0


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rasad import config, logs
    from rasad.alerts import Webhook
    from rasad.service import Scheduler, serve_app

    logs.configure()
    every = (args.every or config.crawl_every()) * 60
    hook = config.webhook()
    extra = ("--max-pages", str(args.max_pages))
    with _open_store() as store:
        scheduler = Scheduler(
            store,
            every,
            Path(args.sources_file) if args.sources_file else None,
            extra,
            Webhook(hook) if hook else None,
        )
        if args.no_serve:
            print(f"rasad: crawling every {every / 60:g} minutes (Ctrl+C stops)", flush=True)
            scheduler.run()
        else:
            print(
                f"rasad: open http://{args.host}:{args.port}/ ; crawling every "
                f"{every / 60:g} minutes (Ctrl+C stops)",
                flush=True,
            )
            serve_app(store, args.host, args.port, scheduler)
    return 0


def _copy(args: argparse.Namespace) -> int:
    from rasad import config
    from rasad.index.copy import copy_store

    source_url = args.source or config.store_url()
    with config.open_store_at(source_url) as src, config.open_store_at(args.target) as dst:
        report = copy_store(src, dst, progress=lambda n: print(f"  {n} articles…", flush=True))
    print(
        f"copied {report.articles} articles ({report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged) and {report.states} saved searches and notifications "
        f"from {source_url} to {args.target}"
    )
    for error in report.errors:
        print(f"rasad: {error}", file=sys.stderr)
    return 1 if report.errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, ValueError, RuntimeError) as exc:  # QueryError, StoreError included
        print(f"rasad: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `rasad extract … | head` is fine
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
