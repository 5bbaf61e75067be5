"""The service commands: `rasad serve`, `rasad run` (scheduled crawls), `rasad demo`."""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from rasad.config import Settings

from . import Subparsers

if TYPE_CHECKING:
    from rasad.index import Store


DEMO_USER = "demo"


def register(sub: Subparsers) -> None:
    sv = sub.add_parser(
        "serve",
        help="serve the API and the web page",
        description="Serve the search and statistics API (/api, documented at /docs) and "
        "the web page (/) over the store named by RASAD_STORE.",
    )
    _listen(sv)
    sv.add_argument("--log-level", default="info", choices=("debug", "info", "warning"))
    sv.add_argument(
        "--workers", type=int, default=1, help="server processes (one per core serves most)"
    )
    sv.set_defaults(func=serve)

    de = sub.add_parser(
        "demo",
        help="try Rasad with no network: crawl local copies of the news sites, then serve",
        description="Start local copies of the built-in news sites, crawl them, extract "
        "figures into the store named by RASAD_STORE and serve the API and web page.",
    )
    _listen(de)
    de.set_defaults(func=demo)

    ru = sub.add_parser(
        "run",
        help="the service: crawl the sources on a schedule and serve the API and page",
        description="Crawl the configured sources now and then every RASAD_CRAWL_EVERY minutes "
        "(default 60), record alerts for saved searches after each crawl (POSTed to "
        "RASAD_WEBHOOK if set, e-mailed as digests when RASAD_SMTP_HOST is set), and serve "
        "the API and web page. One summary line is logged "
        "per crawl; a source that is down is reported and the rest are crawled.",
    )
    _listen(ru)
    ru.add_argument("--every", type=float, help="minutes between crawls (overrides the setting)")
    ru.add_argument("--max-pages", type=int, default=5, help="listing pages per source per crawl")
    ru.add_argument(
        "--sources-file", help="a sources YAML file (default: RASAD_SOURCES or built-in)"
    )
    ru.add_argument("--no-serve", action="store_true", help="only crawl (the scheduler alone)")
    ru.set_defaults(func=run)


def _listen(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.service import serve_app

    with settings.open_store() as store:  # fail here, clearly, if it cannot be opened
        print(f"rasad: open http://{args.host}:{args.port}/  (store: {settings.store})")
        _no_users_hint(store)
    serve_app(settings, args.host, args.port, workers=args.workers, log_level=args.log_level)
    return 0


def demo(args: argparse.Namespace, settings: Settings) -> int:
    from rasad import logs
    from rasad.service import run_demo_crawl, serve_app

    logs.configure()
    with settings.open_store() as store:
        print("rasad: crawling local copies of the news sites…", flush=True)
        crawled = run_demo_crawl(store)
        print(f"rasad: {crawled.summary} ({crawled.seconds:.0f} s)", flush=True)
        if not crawled.ok:
            return 1
        password = demo_user(store)
        print(f"rasad: open http://{args.host}:{args.port}/  (Ctrl+C stops)", flush=True)
        print(f"rasad: reading needs no login; to save searches log in as demo / {password}")
        demo_settings = settings.model_copy(update={"anonymous_reads": True})
        serve_app(demo_settings, args.host, args.port, store=store)
    return 0


def demo_user(store: Store) -> str:
    """The demo's editor with a fresh password for this run (printed beside the address)."""
    from rasad.accounts import Accounts

    accounts, password = Accounts(store), secrets.token_urlsafe(12)
    if accounts.get(DEMO_USER) is None:
        accounts.add(DEMO_USER, "editor", password)
    else:
        accounts.set_password(DEMO_USER, password)
    return password


def _no_users_hint(store: Store) -> None:
    from rasad.accounts import Accounts

    if not Accounts(store).users():
        print(
            "rasad: no users yet, so nobody can log in: rasad users add NAME --role admin "
            "--password",
            flush=True,
        )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from rasad import logs
    from rasad.alerts import Webhook
    from rasad.service import Scheduler, serve_app

    logs.configure()
    every = (args.every or settings.crawl_every) * 60
    sources = Path(args.sources_file) if args.sources_file else settings.sources
    with settings.open_store() as store:
        scheduler = Scheduler(
            store,
            every,
            sources,
            ("--max-pages", str(args.max_pages)),
            Webhook(settings.webhook) if settings.webhook else None,
            settings.digests(store),
        )
        _no_users_hint(store)
        if args.no_serve:
            print(f"rasad: crawling every {every / 60:g} minutes (Ctrl+C stops)", flush=True)
            scheduler.run()
            return 0
        print(
            f"rasad: open http://{args.host}:{args.port}/ ; crawling every "
            f"{every / 60:g} minutes (Ctrl+C stops)",
            flush=True,
        )
        serve_app(settings, args.host, args.port, store=store, scheduler=scheduler)
    return 0
