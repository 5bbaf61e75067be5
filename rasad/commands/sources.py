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
        title = configured[name].title if name in configured else None
        why = f" ({'; '.join(found.reasons)})" if found.reasons else ""
        print(f"{name}{f' — {title}' if title else ''}: {found.state}{why}")
        for c in crawls:
            errors = sum(c.errors.values())
            print(
                f"  {c.started[:16]}  {c.pages} pages, {c.links} links; articles {c.new} new, "
                f"{c.updated} updated, {c.unchanged} unchanged; {c.fallback} fallback, "
                f"{c.undated} undated; {errors} errors; {c.seconds:.0f} s"
            )
    return 0
