"""`rasad sources`: the configured outlets, each with its health and its last crawls."""

from __future__ import annotations

import argparse
import json

from rasad.config import Settings

from . import Subparsers


def register(sub: Subparsers) -> None:
    so = sub.add_parser(
        "sources",
        help="list the sources with their state (ok, degraded, broken) and last crawls",
        description="Each configured source with the state its last crawls add up to and "
        "what those crawls yielded (pages, article links, articles new / updated / "
        "unchanged, fallback extractor, undated, errors).",
    )
    so.add_argument("--crawls", type=int, default=3, help="crawls shown per source")
    so.add_argument("--sources-file", help="a sources YAML file (default: built-in)")
    so.add_argument("--json", action="store_true", help="one JSON object per source")
    so.set_defaults(func=list_sources)
    cmds = so.add_subparsers(dest="sources_command", metavar="COMMAND")
    add = cmds.add_parser(
        "add",
        help="add an outlet from its address: feeds, sitemaps, article pattern, CMS, checked",
        description="Fetch the outlet's home page, find its feeds, sitemaps and article "
        "links, infer the article URL pattern, recognize its CMS, check a few sample "
        "articles, and add an entry to the sources file only when they all pass.",
    )
    add.add_argument("url", help="the outlet's home page")
    add.add_argument("--name", help="the source's id (default: the host name without www.)")
    add.add_argument("--city", help="the city it covers")
    add.add_argument("--title", help="its display name")
    add.add_argument(
        "--sources-file",
        help="the file to add it to (default: RASAD_SOURCES, else ./sources.yaml, made "
        "from the built-in list)",
    )
    add.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback and private addresses: only for your own test sites",
    )
    add.set_defaults(func=add_outlet)


def list_sources(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from rasad.crawler.health import SourceHealth
    from rasad.crawler.sources import load_sources

    configured = load_sources(args.sources_file or settings.sources)
    with settings.open_store() as store:
        health = SourceHealth(store).all(list(configured))
    for name, found in health.items():
        crawls = found.crawls[: args.crawls]
        if args.json:
            record = {"source": name, "state": found.state, "reasons": found.reasons}
            print(json.dumps(record | {"crawls": [asdict(c) for c in crawls]}, ensure_ascii=False))
            continue
        source = configured.get(name)
        title = f" — {source.title}" if source and source.title else ""
        unverified = " [selectors unverified]" if source and source.unverified else ""
        why = f" ({'; '.join(found.reasons)})" if found.reasons else ""
        print(f"{name}{title}{unverified}: {found.state}{why}")
        for c in crawls:
            errors = sum(c.errors.values())
            print(
                f"  {c.started[:16]}  {c.pages} pages, {c.links} links; articles {c.new} new, "
                f"{c.updated} updated, {c.unchanged} unchanged; {c.fallback} fallback, "
                f"{c.undated} undated; {errors} errors; {c.seconds:.0f} s"
            )
    return 0


def add_outlet(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path
    from urllib.parse import urlsplit

    from rasad.crawler.discover import discover
    from rasad.crawler.settings import USER_AGENT
    from rasad.crawler.sources import add_source

    host = (urlsplit(args.url).hostname or "").removeprefix("www.")
    name = args.name or host
    found = discover(args.url, name, args.city, args.title, args.allow_private, USER_AGENT)
    for line in found.report():
        print(line)
    if found.entry is None:
        print(f"not added: {name}")
        return 1
    path = Path(args.sources_file or settings.sources or "sources.yaml")
    add_source(path, found.entry)
    print(f"added {name} to {path}")
    if not (args.sources_file or settings.sources):
        print(f"crawl it with RASAD_SOURCES={path} (or --sources-file {path})")
    return 0
