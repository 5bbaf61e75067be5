"""`rasad crawl`: crawl the configured sources into the store."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time

from rasad.config import Settings
from rasad.errors import ConfigError

from . import Subparsers, iso_date


def register(sub: Subparsers) -> None:
    cr = sub.add_parser(
        "crawl",
        help="crawl news sources into the store",
        description="Crawl the configured sources (all, or those named), "
        "extract figures and store new and changed articles.",
    )
    cr.add_argument("source", nargs="*", help="source names from the sources file")
    cr.add_argument("--since", type=iso_date, help="skip articles published before this date")
    cr.add_argument("--max-pages", type=int, default=50, help="listing pages per source")
    cr.add_argument(
        "--sources-file", help="a sources YAML file (default: RASAD_SOURCES, else built-in)"
    )
    cr.add_argument(
        "--no-politeness",
        action="store_true",
        help="no robots.txt, throttling or delays: only for your own test sites",
    )
    cr.add_argument(
        "--json", action="store_true", help="print the summary as one JSON object (for tools)"
    )
    cr.set_defaults(func=crawl)


def crawl(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.crawler.run import crawl as run_crawl
    from rasad.crawler.sources import load_sources
    from rasad.nlp.dates import TEHRAN

    sources = load_sources(args.sources_file or settings.sources)
    unknown = [name for name in args.source if name not in sources]
    if unknown:
        raise ConfigError(f"unknown source {', '.join(unknown)}; known: {', '.join(sources)}")
    chosen = [sources[name] for name in args.source] if args.source else list(sources.values())
    since = (
        datetime.combine(date.fromisoformat(args.since), time(0), TEHRAN) if args.since else None
    )
    with settings.open_store() as store:
        summary = run_crawl(
            chosen,
            store,
            settings.extractor(),
            since=since,
            max_pages=args.max_pages,
            polite=not args.no_politeness,
            workers=settings.crawl_workers,
            **settings.crawl_overrides(),
        )
    if args.json:
        record = {
            "sources": summary.per_source,
            "lines": summary.lines(),
            "totals": summary.totals(),
            "total": summary.total_line(),
            "source_alerts": summary.alerts,
        }
        print(json.dumps(record, ensure_ascii=False))
        return 0
    for line in summary.lines():
        print(line)
    print(summary.total_line())
    for alert in summary.alerts:
        print(f"source {alert['source']} is broken: {'; '.join(alert['reasons'])}")
    return 0
