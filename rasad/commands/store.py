"""Commands over the store named by RASAD_STORE: ingest, search, figures, metrics, series,
copy, reindex."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

from rasad.config import Settings
from rasad.errors import InvalidInput
from rasad.textio import InputError, read_text

from . import Subparsers, iso_date


def register(sub: Subparsers) -> None:
    ing = sub.add_parser(
        "ingest",
        help="extract figures from article files and store them",
        description="Read article files (first line: title), extract their "
        "figures and write them to the store named by RASAD_STORE.",
    )
    ing.add_argument("files", nargs="+", metavar="FILE")
    ing.add_argument("--source", default="local", help="the outlet's name (default: local)")
    ing.add_argument("--url", help="its http(s) URL (one file only; default: its file URL)")
    ing.add_argument("--date", type=iso_date, help="publication date (YYYY-MM-DD)")
    ing.add_argument("--ner-model", help="as for extract")
    ing.set_defaults(func=ingest)

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
    se.set_defaults(func=search)

    fi = sub.add_parser("figures", help="list stored figures as JSON lines")
    for option in ("metric", "unit", "kind", "city", "speaker", "source", "text"):
        fi.add_argument(f"--{option}")
    fi.add_argument("--size", type=int, default=50)
    fi.set_defaults(func=figures)

    me = sub.add_parser("metrics", help="list metric keys with how many figures each has")
    me.add_argument("text", nargs="?", help="only metrics about these words")
    me.add_argument("--size", type=int, default=30)
    me.set_defaults(func=metrics)

    sr = sub.add_parser("series", help="one metric over time, bucketed")
    sr.add_argument("metric", help="a key printed by `rasad metrics`")
    sr.add_argument("--interval", choices=("day", "week", "month"), default="month")
    sr.set_defaults(func=series)

    co = sub.add_parser(
        "copy",
        help="copy every article, figure and saved search into another store",
        description="Copy the store named by RASAD_STORE (or --from) into TARGET, e.g. the "
        "embedded SQLite store into Elasticsearch: rasad copy http://localhost:9200. Safe to "
        "run again: articles already there are left unchanged.",
    )
    co.add_argument("target", help="the store to copy into (a SQLite path or http://host:9200)")
    co.add_argument("--from", dest="source", help="the store to copy from (default: RASAD_STORE)")
    co.set_defaults(func=copy)

    ri = sub.add_parser(
        "reindex",
        help="rebuild the Elasticsearch indices with the current shards and replicas",
        description="Copy each Elasticsearch index of the store into its next version, made "
        "with the current mapping, RASAD_ES_SHARDS and RASAD_ES_REPLICAS, and move its alias "
        "there in one step: searches go on throughout. Writes made during the copy may be "
        "missed: run it when no crawl is running.",
    )
    ri.set_defaults(func=reindex)


def ingest(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.index.models import Article
    from rasad.ingest import DATE_ONLY_HOUR, ExtractionFailed, with_figures
    from rasad.nlp.dates import TEHRAN

    if args.url and not args.url.startswith(("http://", "https://")):
        raise InvalidInput(f"--url must be an http or https address, not {args.url!r}")
    extractor = settings.extractor(args.ner_model)
    given = (
        datetime.combine(date.fromisoformat(args.date), DATE_ONLY_HOUR, TEHRAN)
        if args.date
        else None
    )
    articles, failed, unextracted = [], 0, 0
    for name in args.files:
        try:
            text, _ = read_text(name)
        except InputError as exc:
            print(f"rasad: skipped {name}: {exc}", file=sys.stderr)
            failed += 1
            continue
        title, _, body = (part.strip() for part in text.strip().partition("\n"))
        url = args.url if args.url and len(args.files) == 1 else Path(name).resolve().as_uri()
        draft = Article(url=url, source=args.source, title=title, body=body, published=given)
        try:
            articles.append(with_figures(draft, extractor, date_from_text=True))
        except ExtractionFailed as exc:  # kept without figures: its text is still searchable
            print(f"rasad: {exc}; stored without figures", file=sys.stderr)
            articles.append(exc.article)
            unextracted += 1
    with settings.open_store() as store:
        report = store.upsert(articles)
        replayed = store.pending_report
    if replayed and (replayed.new or replayed.updated or replayed.unchanged or replayed.errors):
        print(
            f"replayed what was spooled during an outage: {replayed.new} new, "
            f"{replayed.updated} updated, {replayed.unchanged} unchanged"
        )
        report.errors += replayed.errors
    print(
        f"{len(articles)} articles: {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.spooled} spooled; "
        f"{sum(len(a.figures) for a in articles)} figures; {failed} unreadable"
        + (f"; {unextracted} without figures (extraction failed)" if unextracted else "")
    )
    for error in report.errors:
        print(f"rasad: {error}", file=sys.stderr)
    return 1 if failed or unextracted or report.errors else 0


def search(args: argparse.Namespace, settings: Settings) -> int:
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
    with settings.open_store() as store:
        page = store.search(request)
    if args.format == "jsonl":
        for hit in page.hits:
            record = {
                "id": hit.id,
                "url": hit.url,
                "source": hit.source,
                "title": hit.title,
                "published": hit.published.isoformat() if hit.published else None,
                "city": hit.city,
                "story_id": hit.story_id,
                "score": hit.score,
                "title_html": hit.title_html,
                "snippet_html": hit.snippet_html,
            }
            print(json.dumps(record, ensure_ascii=False))
        return 0
    print(
        f"{page.total} articles  ·  sources {page.facets.get('source')}  ·  "
        f"cities {page.facets.get('city')}"
    )
    for hit in page.hits:
        when = hit.published.date().isoformat() if hit.published else "----------"
        print(
            f"\n{when}  {hit.source}  {hit.title_marked.plain()}\n  {hit.snippet.plain()}\n"
            f"  {hit.url}"
        )
    if page.next_cursor:
        print(f"\nmore: --cursor {page.next_cursor}")
    return 0


def figures(args: argparse.Namespace, settings: Settings) -> int:
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
    with settings.open_store() as store:
        page = store.figures(query)
    for row in page.figures:
        print(json.dumps(row, ensure_ascii=False))
    print(f"({len(page.figures)} of {page.total} figures)", file=sys.stderr)
    return 0


def metrics(args: argparse.Namespace, settings: Settings) -> int:
    with settings.open_store() as store:
        for metric, count in store.metrics(args.text or "", args.size):
            print(f"{count:6d}  {metric}")
    return 0


def series(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.nlp.dates import jalali

    with settings.open_store() as store:
        result = store.series(args.metric, args.interval)
    for bucket in result.buckets:
        flag = "  ← conflicting reports" if bucket.conflict else ""
        values = ", ".join(f"{v:g}" for v in bucket.values)
        print(f"{jalali(bucket.start)} ({bucket.start.isoformat()})  {values}{flag}")
        for point in bucket.points:
            print(f"    {point['value']:g} {point['unit']}  «{point['surface']}»  {point['url']}")
    if not result.buckets:
        print(f"no dated figures for metric {args.metric!r}", file=sys.stderr)
    return 0


def copy(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.index.copy import copy_store

    source_url = args.source or settings.store
    with settings.open_store(source_url) as src, settings.open_store(args.target) as dst:
        report = copy_store(src, dst, progress=lambda n: print(f"  {n} articles…", flush=True))
    print(
        f"copied {report.articles} articles ({report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged) and {report.states} saved searches, notifications "
        f"and accounts from {source_url} to {args.target}; {report.buckets} series buckets "
        "rolled up"
    )
    for error in report.errors:
        print(f"rasad: {error}", file=sys.stderr)
    return 1 if report.errors else 0


def reindex(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.index.es_store import ElasticsearchStore

    with settings.open_store() as store:
        if not isinstance(store, ElasticsearchStore):
            print(
                "rasad: reindex rebuilds Elasticsearch indices; RASAD_STORE names a SQLite "
                "store, which has none to rebuild",
                file=sys.stderr,
            )
            return 2
        for alias, index in store.reindex().items():
            print(f"{alias} → {index}")
    return 0
