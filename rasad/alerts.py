"""Delivering alert notifications to a webhook: POSTed as JSON in the background, retried with
backoff, never holding up the crawl that raised them."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from typing import Any

log = logging.getLogger("rasad.alerts")


class Webhook:
    def __init__(
        self, url: str, retries: int = 3, backoff: float = 2.0, timeout: float = 10.0
    ) -> None:
        self.url, self.retries, self.backoff, self.timeout = url, retries, backoff, timeout

    def send(self, notifications: list[dict[str, Any]]) -> threading.Thread:
        """Deliver in a background thread (returned, so a caller may wait for it)."""
        thread = threading.Thread(
            target=self.deliver, args=(notifications,), name="rasad-webhook", daemon=True
        )
        thread.start()
        return thread

    def deliver(self, notifications: list[dict[str, Any]]) -> bool:
        """POST one message with every notification; True once the receiver accepted it."""
        payload = json.dumps(
            {"notifications": notifications, "count": len(notifications)}, ensure_ascii=False
        ).encode("utf-8")
        for attempt in range(1, self.retries + 1):
            request = urllib.request.Request(
                self.url,
                data=payload,
                headers={"Content-Type": "application/json; charset=utf-8"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    if 200 <= response.status < 300:
                        log.info("webhook delivered", extra={"detail": self.url})
                        return True
            except (urllib.error.URLError, OSError) as exc:
                reason = str(getattr(exc, "reason", exc))
                log.warning(
                    "webhook attempt failed",
                    extra={"detail": f"{self.url}: {reason}", "attempt": attempt},
                )
            if attempt < self.retries:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        log.error(
            "webhook gave up",
            extra={"detail": f"{self.url}: {len(notifications)} notifications not delivered"},
        )
        return False
