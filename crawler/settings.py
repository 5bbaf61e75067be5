"""Scrapy settings: polite by default (robots.txt, AutoThrottle, low per-domain concurrency)."""

from __future__ import annotations

from typing import Any

USER_AGENT = "RasadBot/0.1 (Persian municipal news monitor; polite crawler)"

POLITE: dict[str, Any] = {
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0.5,
}
FAST: dict[str, Any] = {  # benchmarks against the local fixture site only
    "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
}

BASE: dict[str, Any] = {
    "BOT_NAME": "rasad",
    "USER_AGENT": USER_AGENT,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,  # a 500 that succeeds on retry is fetched; a dead site costs 3 tries
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "DOWNLOAD_TIMEOUT": 20,
    "DOWNLOAD_MAXSIZE": 5 * 2**20,  # larger pages are dropped and counted
    "DOWNLOAD_WARNSIZE": 2 * 2**20,
    "REDIRECT_ENABLED": True,
    "COOKIES_ENABLED": False,
    # a page yields one article or a listing's links: Scrapy's default of 100 parallel
    # slots per response only costs the setup of 100 tasks for each page
    "CONCURRENT_ITEMS": 8,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "LOGSTATS_INTERVAL": 15.0,
    # every request, redirects included, passes the source's fetch policy (crawler/policy.py)
    "DOWNLOADER_MIDDLEWARES": {"rasad.crawler.policy.FetchPolicyMiddleware": 50},
    "ITEM_PIPELINES": {
        "rasad.crawler.pipelines.ValidatePipeline": 100,
        "rasad.crawler.pipelines.ExtractPipeline": 200,
        "rasad.crawler.pipelines.StoryPipeline": 250,
        "rasad.crawler.pipelines.StorePipeline": 300,
    },
}


def settings(polite: bool = True, **overrides: Any) -> dict[str, Any]:
    return {**BASE, **(POLITE if polite else FAST), **overrides}
