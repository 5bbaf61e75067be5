"""E-mail digests: each user's new alert matches rolled up into one message, over SMTP.

A user with an e-mail address chooses how often (`immediate` after every crawl, `daily`,
`weekly`, or `off`).  A digest holds every notification of that user's saved searches
(its own and the shared ones) recorded after the last digest it was sent, as right-to-left
HTML with a plain-text twin: outlet, Jalali date, snippet, link.  The user's mark (the
newest notification a digest carried) moves only after the SMTP server accepted the
message, so a server that is down or refuses loses nothing: the next run sends the same
matches again, and a match is never in two delivered digests.
"""

from __future__ import annotations

import html
import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from rasad.accounts import DIGEST_FREQUENCIES, User
from rasad.index import Store
from rasad.index.saved import NOTIFICATION, SavedSearches
from rasad.nlp.dates import jalali

log = logging.getLogger("rasad.digests")

FREQUENCIES = DIGEST_FREQUENCIES
EVERY = {"immediate": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
MARK = "digest_mark"  # per user: the newest notification sent, and when
MAX_ITEMS = 200  # per message; the rest wait for the next digest


@dataclass(frozen=True)
class Smtp:
    """Where digests are sent from (settings `RASAD_SMTP_*`)."""

    host: str
    port: int = 25
    sender: str = "rasad@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10
    retries: int = 3
    backoff: float = 2.0


@dataclass
class Outcome:
    sent: dict[str, int]  # user → matches delivered
    failed: dict[str, str]  # user → why not (kept for the next run)


class Digests:
    """Digests for the users of one store."""

    def __init__(self, store: Store, smtp: Smtp, page_url: str = "") -> None:
        self.store, self.smtp, self.page_url = store, smtp, page_url.rstrip("/")

    def send_due(self, users: list[User], now: datetime | None = None) -> Outcome:
        """Send every user whose digest is due and has something new in it."""
        now = now or datetime.now(UTC)
        outcome = Outcome({}, {})
        notes = sorted(self.store.states(NOTIFICATION), key=_order)
        for user in users:
            if not user.email or user.digest not in EVERY:
                continue
            mark = self.store.get_state(MARK, user.name) or {}
            if mark.get("sent") and now - datetime.fromisoformat(mark["sent"]) < EVERY[user.digest]:
                continue
            items = self._new_for(user, notes, mark.get("until", ""))
            if not items:
                continue
            problem = self._deliver(self.message(user, items, now))
            if problem:
                outcome.failed[user.name] = problem
                continue
            until = _order(items[-1])
            mark = {"user": user.name, "until": until, "sent": now.isoformat()}
            self.store.put_state(MARK, user.name, mark)
            outcome.sent[user.name] = len(items)
        return outcome

    def _new_for(self, user: User, notes: list[dict[str, Any]], until: str) -> list[dict[str, Any]]:
        visible = {s.id for s in SavedSearches(self.store).visible(user.name)}
        fresh = [n for n in notes if n["search_id"] in visible and _order(n) > until]
        return fresh[:MAX_ITEMS]

    def message(self, user: User, items: list[dict[str, Any]], now: datetime) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = f"رصد: {len(items)} خبر تازه برای جستجوهای شما"
        msg["From"] = self.smtp.sender
        msg["To"] = str(user.email)
        msg["Date"] = format_datetime(now)
        msg["Message-ID"] = make_msgid("digest")
        msg.set_content(self._text(items))
        msg.add_alternative(self._html(items), subtype="html")
        return msg

    def _link(self, note: dict[str, Any]) -> str:
        return f"{self.page_url}/#/article/{note['article_id']}" if self.page_url else note["url"]

    def _text(self, items: list[dict[str, Any]]) -> str:
        lines = []
        for n in items:
            lines += [f"[{n['search_name']}] {n['title']}", f"{n['source']} · {_day(n)}"]
            lines += [n["snippet"]] if n.get("snippet") else []
            lines += [self._link(n), ""]
        return "\n".join(lines)

    def _html(self, items: list[dict[str, Any]]) -> str:
        rows = "".join(
            "<li style='margin-bottom:1em'>"
            f"<strong>{html.escape(n['search_name'])}</strong>: "
            f"<a href='{html.escape(self._link(n), quote=True)}'>{html.escape(n['title'])}</a>"
            f"<br><small>{html.escape(n['source'])} · {html.escape(_day(n))}</small>"
            + (f"<br>{html.escape(n['snippet'])}" if n.get("snippet") else "")
            + "</li>"
            for n in items
        )
        return (
            "<!doctype html><html lang='fa' dir='rtl'><body style='direction:rtl;"
            f"text-align:right;font-family:Vazirmatn,Tahoma,sans-serif'><ul>{rows}</ul></body></html>"
        )

    def _deliver(self, msg: EmailMessage) -> str | None:
        """Send with retries; None once accepted, else the last reason."""
        reason = ""
        for attempt in range(1, self.smtp.retries + 1):
            try:
                with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout) as s:
                    if self.smtp.starttls:
                        s.starttls()
                    if self.smtp.user:
                        s.login(self.smtp.user, self.smtp.password or "")
                    s.send_message(msg)
                log.info("digest sent", extra={"detail": msg["To"]})
                return None
            except (OSError, smtplib.SMTPException) as exc:
                reason = f"{self.smtp.host}:{self.smtp.port}: {exc}"
                log.warning("digest attempt failed", extra={"detail": reason, "attempt": attempt})
            if attempt < self.smtp.retries:
                time.sleep(self.smtp.backoff * 2 ** (attempt - 1))
        return reason


def _order(note: dict[str, Any]) -> str:
    """Notifications in the order they were recorded (ties by id)."""
    return f"{note['created']}|{note['id']}"


def _day(note: dict[str, Any]) -> str:
    published = note.get("published")
    return jalali(datetime.fromisoformat(published)) if published else "بی‌تاریخ"
